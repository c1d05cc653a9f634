// @crawl-diag/crawler: dispatcher, supervisors and crawler processes over ZeroMQ, with MongoDB or SQLite storage.
export * from './crawling.js';
export type * from './store/store.js';
export { STORE_FAULTS } from './store/store.js';
export * from './store/errors.js';
export { openStore, DEFAULT_SQLITE_PATH, type OpenStoreOptions } from './store/open-store.js';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export { MongoStore, type MongoStoreOptions } from './store/mongo-store.js';

export * from './options.js';
export { runDispatcher, BindError, type RunDispatcherHooks } from './dispatcher/run-dispatcher.js';
export type { DispatcherProgress, DispatcherExitReason } from './dispatcher/dispatcher.js';
export { runSupervisor, defaultSupervisorId } from './supervisor/run-supervisor.js';
export { startLocalCrawl, DispatcherStartError, type LocalCrawlHandle, type LocalCrawlHooks, type LocalCrawlEnd } from './process/local-crawl.js';
export { openCrawlStore } from './process/open-crawl-store.js';
export { parseStoreTimeMessage } from './log/store-time-line.js';
export type { MethodTime } from './store/timed-store.js';
export { readSeedFile, seedUrls, SeedError } from './process/seeds.js';
export { PROTOCOL_TAG, type SupervisorMessage, type DispatcherMessage, type UrlOutcome } from './transport/protocol.js';
export { progressLine, summaryLine, statusText } from './process/report.js';
