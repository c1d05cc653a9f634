#!/usr/bin/env node
// Thin launcher kept in plain JS so the bin link is valid (and executable) before `tsc -b` has run.
import('../dist/main.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/main.js')) {
    console.error('crawl-diag: not built yet. Run `npm run build` (or `npm install`) at the repository root.');
    process.exit(2);
  }
  throw err;
});
