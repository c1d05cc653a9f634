// Database client libraries, by runtime: how a frame of a profile is known to be a store call. A frame counts when
// the profiler named its library (`Frame.library`, set for wait frames and library code), when its file lies in the
// library's package (site-packages/pymongo/…, node_modules/mongodb/…), or when it is the library's native code
// (py-spy --native and V8 show `_sqlite3…so`, `better_sqlite3.node`, `sqlite3_step`).
export interface DbClient {
  /** The library's name as the profiler's `Frame.library` gives it. */
  library: string;
  /** What it talks to, in words. */
  store: string;
  /** A frame's file (or native module) that belongs to the library. */
  file: RegExp;
  /** Native function names of the library (C code under a Python or Node call), when it has them. */
  native?: RegExp;
}

export const PYTHON_DB_CLIENTS: DbClient[] = [
  { library: 'sqlite3', store: 'SQLite', file: /(?:^|[/\\])(?:sqlite3[/\\]|_sqlite3[.\w-]*\.(?:so|pyd)|libsqlite3)/, native: /^(?:sqlite3_\w+|pysqlite_\w+)$/ },
  { library: 'pymongo', store: 'MongoDB', file: /(?:^|[/\\])(?:pymongo|bson|motor)[/\\]/ },
  { library: 'psycopg', store: 'PostgreSQL', file: /(?:^|[/\\])(?:psycopg2?|psycopg_binary|asyncpg)[/\\]|libpq/, native: /^PQ\w+$/ },
  { library: 'redis', store: 'Redis', file: /(?:^|[/\\])redis[/\\]/ },
  { library: 'sqlalchemy', store: 'an SQL database', file: /(?:^|[/\\])sqlalchemy[/\\]/ },
];

export const NODE_DB_CLIENTS: DbClient[] = [
  { library: 'mongodb', store: 'MongoDB', file: /node_modules[/\\](?:mongodb|bson|mongodb-connection-string-url)[/\\]/ },
  // better-sqlite3's statements are C++ called straight from the program: V8 shows them as a native frame with no
  // file (`storePage (crawler.mjs:53);get`), which V8 builtins (inlined into their caller) do not make.
  { library: 'better-sqlite3', store: 'SQLite', file: /node_modules[/\\]better-sqlite3[/\\]|better_sqlite3\.node/, native: /^(?:get|all|run|iterate|exec|pluck|raw)$/ },
  { library: 'sqlite3', store: 'SQLite', file: /node_modules[/\\]sqlite3[/\\]|node_sqlite3\.node/ },
  { library: 'pg', store: 'PostgreSQL', file: /node_modules[/\\](?:pg|pg-pool|pg-protocol)[/\\]/ },
  { library: 'redis', store: 'Redis', file: /node_modules[/\\](?:redis|@redis[/\\]client|ioredis)[/\\]/ },
];

export const ALL_DB_CLIENTS: DbClient[] = [...PYTHON_DB_CLIENTS, ...NODE_DB_CLIENTS];
