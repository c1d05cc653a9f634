// @crawl-diag/doctor: collect (logs through the crawl signals, /proc samples, profiles) → analyze (one rule per
// cause, crawler knowledge in per-crawler profiles) → explain (ranked findings, one offline HTML report).
export { sampleProcesses, readProcTimes, readSystemTimes, readMemInfo, readLoad1, type ProcSamples, type ProcessSeries, type SampleOptions } from './collect/proc-sampler.js';
export { procEvidence, type ProcEvidence, type KindLoad, type RssGrowth } from './collect/proc-evidence.js';
export { gatherLogEvidence, logEvidenceFromReport, type LogEvidence, type LogEvidenceOptions } from './collect/log-evidence.js';
export { recordingEvidence, liveEvidence, compareKind, shareOnStack, enclosingFunction, WATCH, type ProfileEvidence, type KindEvidence, type GrownFrame } from './collect/profile-evidence.js';
export { storeShare, type StoreShare, type StoreSite } from './collect/store-share.js';
export { profileFilePairs, loadProfileFiles, type ProfileFilePair } from './collect/profile-files.js';
export { gatherEvidence, processKind, type Evidence, type GatherOptions } from './collect/evidence.js';
export { CRAWLER_PROFILES, crawlerProfile, type CrawlerProfile } from './crawlers/profiles.js';
export { ALL_DB_CLIENTS, NODE_DB_CLIENTS, PYTHON_DB_CLIENTS, type DbClient } from './crawlers/db-clients.js';
export { RULES, FAULT_OF_CAUSE, applyRule, type Finding, type Cause, type EvidenceItem, type Rule } from './rules/index.js';
export { findCauses } from './analyze.js';
export { renderReport, type ReportInput, type BenchNodesInput } from './report-html.js';
export { diagnose, formatDoctor, type DoctorResult } from './explain.js';
