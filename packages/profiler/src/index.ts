// @crawl-diag/profiler: collectors that turn live processes into one Profile model, and outputs that read it.
export type { Frame, FrameKind, Sample, ProfiledProcess, Profile } from './model.js';
export { ProfilerError, type ProfilerErrorCode } from './errors.js';
export { ProfileBuilder } from './profile-builder.js';
export { addCpuProfile, frameFromCallFrame, type V8CpuProfile, type V8ProfileNode, type V8CallFrame } from './v8-cpuprofile.js';
export { mergeProfiles } from './merge-profiles.js';

// Collectors
export { attachNode, attachNodeProcess, DEFAULT_RATE_HZ, DEFAULT_DURATION_MS, DEFAULT_CHUNK_MS, type AttachNodeOptions, type SamplingOptions } from './attach/attach-node.js';
export { estimateStartPause, describeStartPause, WALK_MS_PER_HEAP_MB, DEFAULT_MAX_PAUSE_MS, type StartPause } from './attach/start-pause.js';
export { openInspector, closeInspector, type InspectorEndpoint } from './attach/open-inspector.js';
export { inspectorFlags, type InspectorFlags } from './attach/inspector-flags.js';
export { profilePython, profilePythonPid, addPySpyFolded, parsePySpyFrame, type PySpyOptions } from './python/py-spy.js';
export { resolveTargets, profileProcesses, type TargetSelection, type ProfileProcessesOptions, type ProfiledSet } from './profile-processes.js';
export { processInfo, childrenOf, processesMatching, runtimeOf, type ProcessInfo, type Runtime } from './procfs/process-info.js';
export { listeningSocketsOf } from './procfs/listening-sockets.js';

// Outputs (all read only the model)
export { frameLabel, frameName, parseFrameLabel, waitFrame, WAIT_PREFIX } from './outputs/frame-label.js';
export { toFolded } from './outputs/folded.js';
export { summarizeProfile, formatSummary, type ProfileSummary, type FrameTime, type SummaryOptions } from './outputs/summary.js';
export { renderProfile, isOutputFormat, OUTPUT_FORMATS, FORMAT_EXTENSIONS, type OutputFormat, type RenderOptions } from './outputs/render-output.js';
export { launchNode, type LaunchNodeOptions } from './launch/launch-node.js';
export { launch0x, ZERO_X_RATE_HZ, type Launch0xOptions } from './launch/launch-0x.js';
export { parsePerfScript, addPerfSamples, perfFrame, type PerfSample } from './launch/perf-script.js';

// Continuous profiling: the agent's spawn options, recordings read back by range, diffs and timelines
export { agentNodeOptions, AGENT_ENTRY_PATH, AGENT_ENTRY_URL, type AgentNodeOptions } from './agent/node-options.js';
export { readPprof, pprofToProfile, PprofDecodeError, type PprofReadOptions } from './inputs/pprof.js';
export { loadRecordingRange, selectWindows, readWindow, type RecordingRangeOptions } from './recording/load-range.js';
export { listRecording, type Recording, type RecordingWindow } from './recording/list-windows.js';
export { loopStalls, type LoopStalls } from './recording/loop-stalls.js';
export { parseRecordingSpec, resolveRange, looksLikeRecording, type RecordingSpec } from './recording/range-spec.js';
export { formatWindowFileName, parseWindowFileName, type WindowFileName } from './recording/window-file-name.js';
export { RecordingError } from './recording/errors.js';
export { frameTimeline, type FrameTimeline, type TimelinePoint, type TimelineOptions } from './recording/timeline.js';
export { formatTimelineChart, type TimelineChartOptions } from './recording/timeline-chart.js';
export { diffProfiles, topGrown, topShrunk, type ProfileDiff, type FrameDelta } from './diff/diff-profiles.js';
export { formatDiffTable, diffToJson, type DiffReportOptions } from './diff/diff-table.js';
export { renderDiffHtml, type DiffHtmlOptions } from './diff/diff-html.js';
export { loadProfileInput, type LoadProfileOptions } from './inputs/load-profile-input.js';
export { buildFlameTree, frameColor, type FlameNode } from './outputs/flame-tree.js';
export { renderFlameHtml, type FlameHtmlOptions } from './outputs/flame-html.js';
export { renderFlameSvg, type FlameSvgOptions } from './outputs/flame-svg.js';
export { toSpeedscope, type SpeedscopeFile } from './outputs/speedscope.js';
export { toPprof, type PprofOptions } from './outputs/pprof.js';
export { toCpuProfile } from './outputs/cpuprofile.js';
export { frameTimes, type FrameTimes, type FrameTime as FrameWallTime } from './frame-times.js';
