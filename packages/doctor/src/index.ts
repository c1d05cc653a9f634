// @crawl-diag/doctor: gathers evidence (logs, /proc samples, profiles), ranks likely causes, renders one offline HTML report.
export { sampleProcesses, readProcTimes, readSystemTimes, readMemInfo, readLoad1, type ProcSamples, type ProcessSeries, type SampleOptions } from './proc-sampler.js';
export { procEvidence, type ProcEvidence, type KindLoad, type RssGrowth } from './proc-evidence.js';
export { gatherLogEvidence, logEvidenceFromReport, DOCTOR_SERIES, type LogEvidence, type LogEvidenceOptions } from './log-evidence.js';
export { recordingEvidence, liveEvidence, compareKind, shareOnStack, enclosingFunction, WATCH, type ProfileEvidence, type KindEvidence, type GrownFrame } from './profile-evidence.js';
export { gatherEvidence, processKind, type Evidence, type GatherOptions } from './evidence.js';
export { findCauses, FAULT_OF_CAUSE, type Finding, type Cause, type EvidenceItem } from './findings.js';
export { renderReport, type ReportInput, type BenchNodesInput } from './report-html.js';
export { diagnose, formatDoctor, type DoctorResult } from './doctor.js';
