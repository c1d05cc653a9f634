// @crawl-diag/crawler: dispatcher, supervisors and crawler processes over ZeroMQ, with MongoDB or SQLite storage.
export type * from './store/store.js';
