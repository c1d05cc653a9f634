// @crawl-diag/profiler/live: only what profiling live processes needs (targets, the attach and py-spy collectors,
// the start-up pause rule, the output format names), so a command that attaches loads a fraction of the package
// before its first sample; the outputs, recordings and launch modes come from the main entry once they are needed.
export { resolveTargets, profileProcesses, type TargetSelection, type ProfileProcessesOptions, type ProfiledSet } from './profile-processes.js';
export { describeStartPause, DEFAULT_MAX_PAUSE_MS, type StartPause } from './attach/start-pause.js';
export { OUTPUT_FORMATS, FORMAT_EXTENSIONS, isOutputFormat, type OutputFormat } from './outputs/formats.js';
export { childrenOf, processesMatching, processInfo } from './procfs/process-info.js';
