// The one internal profile model: every collector (inspector attach, py-spy, 0x, the pprof agent) produces it,
// and every output (flame graph HTML/SVG, folded, speedscope, pprof, cpuprofile, diff) reads only it.

/** What kind of time a frame stands for; `idle`, `gc` and `program` are V8's pseudo-frames. */
export type FrameKind = 'js' | 'native' | 'gc' | 'idle' | 'program' | 'process' | 'thread';

export interface Frame {
  /** Function name; `(anonymous)` for anonymous JS functions, `(idle)`, `(garbage collector)`, `(program)`. */
  name: string;
  /** Source file (a path or URL) when known. */
  file?: string;
  /** 1-based line when known. */
  line?: number;
  /** 1-based column when known. */
  column?: number;
  kind: FrameKind;
}

export interface Sample {
  /** Indices into `Profile.frames`, root first, leaf last. */
  stack: number[];
  /** Time this sample stands for, in microseconds (real deltas, not a nominal interval). */
  weightUs: number;
  /** Wall-clock time of the sample, microseconds since the Unix epoch, when the collector knows it. */
  timestampUs?: number;
  /** How many raw samples this entry stands for (folded output counts these); 1 when absent. */
  count?: number;
}

export interface ProfiledProcess {
  pid: number;
  runtime: 'node' | 'python' | 'unknown';
  /** Command line as read from /proc/PID/cmdline, joined by spaces. */
  command?: string;
  /** Short label used for the root frame of merged profiles, e.g. `node 4242 worker.js`. */
  label?: string;
}

export interface Profile {
  frames: Frame[];
  samples: Sample[];
  /** Wall-clock start, milliseconds since the Unix epoch. */
  startTimeMs: number;
  durationMs: number;
  /** Nominal sampling interval in microseconds (10_000 at 100 Hz). */
  intervalUs: number;
  source: {
    collector: 'inspector' | 'py-spy' | '0x' | 'pprof-agent' | 'file' | 'merge' | 'diff';
    processes: ProfiledProcess[];
  };
  /** Non-fatal problems met while collecting (target exited early, a worker thread could not be attached…). */
  warnings: string[];
}
