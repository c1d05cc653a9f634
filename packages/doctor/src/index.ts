// @crawl-diag/doctor: evidence gathering, ranked findings and the HTML report.
export {};
