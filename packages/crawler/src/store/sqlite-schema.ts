// SqliteStore's schema: tables and the indexes shaped for the queries that use them (see STORAGE.md).

/** Bumped when the schema changes incompatibly; stored in `PRAGMA user_version`. */
export const SQLITE_SCHEMA_VERSION = 1;

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS frontier (
  id              INTEGER PRIMARY KEY,
  url             TEXT    NOT NULL,
  domain          TEXT    NOT NULL,
  depth           INTEGER NOT NULL,
  discovered_from TEXT,
  state           TEXT    NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'failed', 'ignored')),
  -- pending: earliest lease time; leased: lease expiry; final: finish time. One column so one index serves both
  -- the frontier query (pending, due) and the expired-lease sweep (leased, due).
  due_at          INTEGER NOT NULL,
  lease_owner     TEXT,
  -- 1 when the current lease was taken in domainsFree mode, so finishing it frees the domain's busy mark.
  lease_domain    INTEGER NOT NULL DEFAULT 0,
  attempts        INTEGER NOT NULL DEFAULT 0,
  postponements   INTEGER NOT NULL DEFAULT 0,
  detail          TEXT,
  added_at        INTEGER NOT NULL
);
-- Dedup: "seen this URL?" is one unique-index probe, done by INSERT ... ON CONFLICT DO NOTHING.
CREATE UNIQUE INDEX IF NOT EXISTS frontier_url ON frontier (url);
-- Frontier query: state = 'pending' AND due_at <= now ORDER BY due_at LIMIT n walks this index in order and stops
-- after n rows; the expired-lease sweep (state = 'leased' AND due_at <= now) uses it too.
CREATE INDEX IF NOT EXISTS frontier_state_due ON frontier (state, due_at);
-- domainsFree dispatch picks the oldest due URL of one domain (domain = ? AND state = 'pending' AND due_at <= now
-- ORDER BY due_at LIMIT 1); stats group by (domain, state) from this index alone.
CREATE INDEX IF NOT EXISTS frontier_domain_state_due ON frontier (domain, state, due_at);
-- releaseLeases(owner) on graceful stop: only leased rows are indexed, so the index stays small.
CREATE INDEX IF NOT EXISTS frontier_leased_owner ON frontier (lease_owner) WHERE state = 'leased';

CREATE TABLE IF NOT EXISTS pages (
  id           INTEGER PRIMARY KEY,
  url          TEXT    NOT NULL,
  domain       TEXT    NOT NULL,
  final_url    TEXT    NOT NULL,
  status       INTEGER NOT NULL,
  content_type TEXT    NOT NULL,
  fetched_at   INTEGER NOT NULL,
  fetch_ms     INTEGER NOT NULL,
  fetched_by   TEXT    NOT NULL,
  html         TEXT    NOT NULL
);
-- One page per URL (first stored wins).
CREATE UNIQUE INDEX IF NOT EXISTS pages_url ON pages (url);
CREATE INDEX IF NOT EXISTS pages_domain ON pages (domain);

CREATE TABLE IF NOT EXISTS robots (
  domain     TEXT PRIMARY KEY,
  status     INTEGER NOT NULL,
  body       TEXT    NOT NULL,
  fetched_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Per-domain politeness and dispatch state.
CREATE TABLE IF NOT EXISTS domains (
  domain     TEXT    PRIMARY KEY,
  -- claimDomain: next time a fetch may start.
  free_at    INTEGER NOT NULL DEFAULT 0,
  -- A URL of this domain is out under a domainsFree lease until then (0: none).
  busy_until INTEGER NOT NULL DEFAULT 0,
  -- 0 once the domain was seen with no pending or leased URL; set again when a URL of it is added.
  has_work   INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;
-- domainsFree dispatch: domains with work, least recently claimed first.
CREATE INDEX IF NOT EXISTS domains_work_free ON domains (has_work, free_at);
`;
