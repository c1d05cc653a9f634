// @crawl-diag/simweb: a simulated web on loopback for crawler tests and the bench.
export {};
