// @crawl-diag/profiler: collectors that turn live processes into one Profile model, and outputs that read it.
export type { Frame, FrameKind, Sample, ProfiledProcess, Profile } from './model.js';
export { ProfilerError, type ProfilerErrorCode } from './errors.js';
export { ProfileBuilder } from './profile-builder.js';
export { addCpuProfile, frameFromCallFrame, type V8CpuProfile, type V8ProfileNode, type V8CallFrame } from './v8-cpuprofile.js';
export { mergeProfiles } from './merge-profiles.js';

// Collectors
export { attachNode, attachNodeProcess, DEFAULT_RATE_HZ, DEFAULT_DURATION_MS, DEFAULT_CHUNK_MS, type AttachNodeOptions, type SamplingOptions } from './attach/attach-node.js';
export { openInspector, closeInspector, type InspectorEndpoint } from './attach/open-inspector.js';
export { inspectorFlags, type InspectorFlags } from './attach/inspector-flags.js';
export { profilePython, profilePythonPid, addPySpyFolded, parsePySpyFrame, type PySpyOptions } from './python/py-spy.js';
export { resolveTargets, profileProcesses, type TargetSelection, type ProfileProcessesOptions, type ProfiledSet } from './profile-processes.js';
export { processInfo, childrenOf, processesMatching, runtimeOf, type ProcessInfo, type Runtime } from './procfs/process-info.js';
export { listeningSocketsOf } from './procfs/listening-sockets.js';

// Outputs (all read only the model)
export { frameLabel } from './outputs/frame-label.js';
export { toFolded } from './outputs/folded.js';
export { summarizeProfile, formatSummary, type ProfileSummary, type FrameTime, type SummaryOptions } from './outputs/summary.js';
export { renderProfile, isOutputFormat, OUTPUT_FORMATS, FORMAT_EXTENSIONS, type OutputFormat, type RenderOptions } from './outputs/render-output.js';
export { launchNode, type LaunchNodeOptions } from './launch/launch-node.js';
