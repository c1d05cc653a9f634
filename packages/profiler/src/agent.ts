// In-process continuous profiling agent (`node --import @crawl-diag/profiler/agent app.js`).
// Implemented in the continuous-profiling issue; until then loading it is a no-op that says so once.
if (process.env.CRAWL_DIAG_PROFILE_DIR) {
  process.emitWarning('crawl-diag profiler agent: continuous profiling is not implemented in this build yet', 'CrawlDiagAgent');
}
export {};
