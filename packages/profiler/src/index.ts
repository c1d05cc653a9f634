// @crawl-diag/profiler: collectors that turn live processes into one Profile model, and outputs that read it.
export type { Frame, FrameKind, Sample, ProfiledProcess, Profile } from './model.js';
