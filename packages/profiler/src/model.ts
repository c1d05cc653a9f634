// The one internal profile model: every collector (inspector attach, py-spy, 0x, the pprof agent) produces it,
// and every output (flame graph HTML/SVG, folded, speedscope, pprof, cpuprofile, diff) reads only it.

/**
 * What kind of time a frame stands for. `js` is a frame of interpreted code with a source location (JavaScript or
 * Python); `idle`, `gc` and `program` are V8's pseudo-frames; `wait` is time the thread spent blocked (off CPU) on
 * something it asked for: a database call, an HTTP request, a lock, a timer.
 */
export type FrameKind = 'js' | 'native' | 'gc' | 'idle' | 'program' | 'process' | 'thread' | 'wait';

/**
 * One frame of a stack.
 *
 * A wait frame (kind `wait`) is always a stack's leaf: its sample's time was spent waiting, not running. Its `name`
 * says on what, library first (`mongodb find crawl.frontier`, `http GET 127.0.0.1:8080`, `sqlite3`, `timer`), its
 * `file`/`line` are the call site in the program's own code that waits (the awaiting JS line, the Python line that
 * made the blocking call), `library` the client library. The frames below it are the stack that waits, so a frame's
 * time splits into CPU (stacks ending in code) and waiting (stacks ending in a wait frame): see frame-times.ts.
 */
export interface Frame {
  /** Function name; `(anonymous)` for anonymous JS functions, `(idle)`, `(garbage collector)`, `(program)`; for a wait frame, what it waits on. */
  name: string;
  /** Source file (a path or URL) when known. */
  file?: string;
  /** 1-based line when known. */
  line?: number;
  /** 1-based column when known. */
  column?: number;
  kind: FrameKind;
  /** The library or module the frame belongs to or waits in (`sqlite3`, `pymongo`, `mongodb`, `undici`), when known. */
  library?: string;
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
  /** How the profile was taken, for the reader to weigh it: the sampler's own CPU cost, how CPU and waiting were told apart. */
  notes?: string[];
}
