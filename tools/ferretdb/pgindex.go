package main

// Makes FerretDB 1.24's PostgreSQL backend answer `{_id: …}` lookups from an index instead of reading the table.
//
// FerretDB creates each collection's unique _id index as a btree on `(_jsonb -> '_id')`, but it pushes an equality
// filter down as `_jsonb -> $1 @> $2` (jsonb containment, so that an array field matches one of its elements). A
// btree cannot answer `@>`, so every findOne, update and claim lookup by _id was a sequential scan of the table:
// in a bench crawl, the candidate reads of the frontier took 17 ms of PostgreSQL's CPU each, about two thirds of the
// CPU the store cost per page (pg_stat_statements, bench/MONGO.md). Two things fix it without patching FerretDB
// (a module-proxy build cannot be patched):
//
//   - a GIN index on the same expression (`jsonb_path_ops` supports `@>`), added to every FerretDB table by a sweep
//     every 200 ms, as idindex.go does for SQLite. fastupdate is off: with it on, new entries wait in a pending list
//     that every lookup reads linearly, and the crawl inserts hundreds of documents a second.
//   - plan_cache_mode=force_custom_plan on FerretDB's connections: FerretDB sends the key as a parameter ($1), and
//     PostgreSQL's generic plan for a prepared statement cannot match `_jsonb -> $1` to an index on
//     `_jsonb -> '_id'`; a custom plan sees the value and can. Planning each statement costs a fraction of a ms.

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgIDIndexSuffix names the added index: "<table>__id_gin" (the table name shortened to fit PostgreSQL's 63 bytes).
const pgIDIndexSuffix = "__id_gin"

// withCustomPlans returns the PostgreSQL URL with plan_cache_mode=force_custom_plan as a run-time parameter of every
// connection (pgx sends unknown URL parameters to the server), unless the URL sets plan_cache_mode itself.
func withCustomPlans(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if !q.Has("plan_cache_mode") {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// missingIDIndexes lists the tables that look like FerretDB collections (a `_jsonb` column; not its own metadata)
// and have no GIN index yet.
const missingIDIndexes = `
SELECT n.nspname, c.relname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = '_jsonb' AND NOT a.attisdropped
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND c.relname NOT LIKE '\_ferretdb\_%'
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
    WHERE i.indrelid = c.oid AND am.amname = 'gin')`

// keepPgIDIndexes adds the missing _id GIN indexes every interval until ctx is done.
func keepPgIDIndexes(ctx context.Context, pgURL string, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			_ = conn.Close(context.Background())
		}
	}()
	warned := false
	for {
		if conn == nil {
			c, err := pgx.Connect(ctx, pgURL)
			if err == nil {
				conn = c
			} else if !warned && ctx.Err() == nil {
				logger.Warn("ferretdb wrapper: cannot connect to add _id GIN indexes (will keep trying)", "error", err)
				warned = true
			}
		}
		if conn != nil {
			if err := addPgIDIndexes(ctx, conn); err != nil && ctx.Err() == nil {
				if conn.IsClosed() {
					conn = nil // the server went away; connect again on the next sweep
				} else {
					logger.Warn("ferretdb wrapper: cannot add _id GIN indexes", "error", err)
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func addPgIDIndexes(ctx context.Context, conn *pgx.Conn) error {
	rows, err := conn.Query(ctx, missingIDIndexes)
	if err != nil {
		return err
	}
	type table struct{ schema, name string }
	var tables []table
	for rows.Next() {
		var t table
		if err := rows.Scan(&t.schema, &t.name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tables {
		name := t.name
		if len(name) > 63-len(pgIDIndexSuffix) {
			name = name[:63-len(pgIDIndexSuffix)]
		}
		q := `CREATE INDEX IF NOT EXISTS ` + pgx.Identifier{name + pgIDIndexSuffix}.Sanitize() + ` ON ` +
			pgx.Identifier{t.schema, t.name}.Sanitize() + ` USING gin ((_jsonb -> '_id') jsonb_path_ops) WITH (fastupdate = off)`
		if _, err := conn.Exec(ctx, q); err != nil {
			msg := err.Error()
			if strings.Contains(msg, "does not exist") || strings.Contains(msg, "SQLSTATE 42P01") || strings.Contains(msg, "SQLSTATE 3F000") {
				continue // the collection or database was dropped between the two statements
			}
			return err
		}
	}
	return nil
}
