// The crawling building blocks the worker uses: network policy, URL normalisation, link extraction, fetching,
// robots.txt, politeness and process logs. Re-exported from the package index.
export * from './net/address-ranges.js';
export * from './net/network-policy.js';
export * from './fetch/url.js';
export * from './fetch/links.js';
export type * from './fetch/fetch-outcome.js';
export * from './fetch/fetcher.js';
export * from './log/python-format.js';
export * from './log/logger.js';
export * as strategic from './log/strategic.js';
export * from './robots/robots-rules.js';
export * from './robots/robots-policy.js';
export * from './politeness/politeness.js';
