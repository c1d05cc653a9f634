// Where a Node process waits: the agent's record of the I/O a worker awaits, by the JS call site that awaits it.
// V8's profile says only `(idle)` while a worker's promise waits on MongoDB or a slow site; here each wait is seen
// where it starts and ends (the mongodb driver's connections, undici's diagnostics_channel events, node:http
// requests, the awaitable timers), and the wall time between two such events is shared equally by the waits in
// flight then: with ten requests in flight each holds a tenth, so the waits never add up to more than the time that
// passed. The agent then fits them into the part of its window that the CPU samples leave uncovered
// (wait-samples.ts), so time spent running JS stays CPU time. (libuv's idle clock, performance.eventLoopUtilization,
// would be the direct measure, but V8's sampling profiler interrupts the loop's poll a hundred times a second and the
// clock then misses most of the idle time: 350 ms a second measured against 900 without the profiler.)
// Cost: two clock reads per wait, and a structured stack capture for the waits a wall-clock sampler would hit.
import diagnosticsChannel from 'node:diagnostics_channel';
import Module, { syncBuiltinESMExports } from 'node:module';
import { performance } from 'node:perf_hooks';
import { sep } from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';

/** A frame of the awaiting stack, root first. */
export interface WaitFrame {
  name: string;
  file: string;
  /** 1-based: the enclosing function's first line for callers (as V8's profile has them), the awaiting line for the site. */
  line: number;
}

export interface WaitTotal {
  /** What is waited on, library first: `mongodb find crawl.frontier`. */
  what: string;
  /** The program's own stack that waits, root first, each frame at its function's first line (as V8's profile has them). */
  stack: WaitFrame[];
  /** The awaiting line: file and line of the call in the innermost frame of `stack`. */
  site: WaitFrame;
  /** Wall time attributed to this wait (its share while other waits were in flight too), µs. */
  us: number;
}

export interface WaitTrackerOptions {
  /**
   * The wall-clock sampling period the captures of awaiting stacks follow, µs (the agent passes its sampling
   * interval: 10 000 at 100 Hz). A wait's stack is captured with probability min(1, its expected share of wall
   * time / period), the chance a wall-clock sampler at that period would hit it, so the captures cost at most about
   * one per period whatever the wait rate. 0: every wait's stack is captured (exact, and the cost of one capture,
   * tens of µs, on every wait). Default 10 000.
   */
  periodUs?: number;
  /** The clock, ms. Default performance.now. */
  clockMs?: () => number;
  /** Uniform [0, 1) numbers that decide the captures. Default Math.random. */
  random?: () => number;
  /**
   * Share of the process's CPU time the captures may take (default 0.01). Checked every second: when the captures
   * took more (a busy machine makes them slower and the waits longer, so more of them are drawn), the period is
   * stretched for the next second in proportion, and shrunk back towards `periodUs` when they take less. 0: no
   * budget. The capture probabilities stay known, so the split by call site stays unbiased; fewer captures only
   * widen its error.
   */
  captureBudget?: number;
  /** The process's CPU time, µs, for the budget. Default process.cpuUsage (user + system). */
  cpuUs?: () => number;
  /**
   * Files whose frames are never the program's own (besides node_modules, node: internals and the agent): a
   * wrapper that feeds this tracker from elsewhere.
   */
  hideFiles?: string[];
}

/** One awaiting stack, keyed; `undefined` key: captured, but none of the program's own code was waiting. */
interface Site {
  key: string | undefined;
  stack: WaitFrame[];
  site: WaitFrame;
}

/** Per kind of wait (`what`): its exact time, and the captured stacks' estimates of how it splits by call site. */
interface WhatStats {
  /** µs of every wait of this kind, captured or not, in the current window. */
  us: number;
  /** By site key: Σ time / capture probability of the captured waits (Horvitz–Thompson), this window. */
  weighted: Map<string | undefined, number>;
  /** The last window's split, for a window in which no captured wait of this kind was in flight. */
  lastWeighted?: Map<string | undefined, number>;
  /** Moving mean of one wait's share of wall time, µs; undefined until a wait of this kind has ended. */
  meanShareUs?: number;
}

interface InFlight {
  what: WhatStats;
  /** The awaiting site when this wait's stack was captured. */
  site?: Site;
  /** 1 / the capture probability (the captured wait stands for this many). */
  weight: number;
  /** Idle-per-wait clock when this wait was last settled, and when it started. */
  mark: number;
  startMark: number;
}

const STACK_DEPTH = 40;
const DEFAULT_PERIOD_US = 10_000;
const DEFAULT_CAPTURE_BUDGET = 0.01;
/** How often the captures' cost is weighed against the budget, ms. */
const BUDGET_CHECK_MS = 1000;
/** The period is never stretched beyond this many times `periodUs`. */
const MAX_PERIOD_STRETCH = 64;
/** Weight of the latest wait in a kind's moving mean share: about the last ten waits. */
const MEAN_SHARE_ALPHA = 0.1;

/**
 * Where the program waits. Each wait's time is exact (two clock reads); its awaiting stack is captured with a
 * probability that follows its expected wall time, and a kind of wait's exact time is split among its call sites in
 * proportion to their captured waits' time, each divided by its capture probability. Every kind's first wait is
 * captured, as is any wait expected to last a sampling period or longer, so slow queries and slow pages are exact.
 */
export class WaitTracker {
  private readonly inFlight = new Map<object, InFlight>();
  private readonly whats = new Map<string, WhatStats>();
  private readonly sites = new Map<string, Site>();
  /** µs each in-flight wait has been owed since the tracker started (grows by elapsed time / waits in flight). */
  private perWait = 0;
  private lastMs: number;
  private readonly periodUs: number;
  private readonly clockMs: () => number;
  private readonly random: () => number;
  private readonly files: OwnFiles;
  private readonly captureBudget: number;
  private readonly cpuUs: () => number;
  /** The period in force: `periodUs`, stretched while the captures cost more than their budget. */
  private effectivePeriodUs: number;
  private budgetMarkMs: number;
  private budgetMarkCpuUs = 0;
  /** Time spent capturing since the last budget check, ms. */
  private captureMs = 0;
  /** Stacks captured since the tracker started (what the sampling saves is the waits minus these). */
  captures = 0;
  waits = 0;

  constructor(opts: WaitTrackerOptions = {}) {
    this.periodUs = opts.periodUs ?? DEFAULT_PERIOD_US;
    this.clockMs = opts.clockMs ?? (() => performance.now());
    this.random = opts.random ?? Math.random;
    this.files = new OwnFiles(opts.hideFiles ?? []);
    this.lastMs = this.clockMs();
    this.captureBudget = opts.captureBudget ?? DEFAULT_CAPTURE_BUDGET;
    this.cpuUs = opts.cpuUs ?? (() => {
      const u = process.cpuUsage();
      return u.user + u.system;
    });
    this.effectivePeriodUs = this.periodUs;
    this.budgetMarkMs = this.lastMs;
    if (this.captureBudget > 0 && this.periodUs > 0) this.budgetMarkCpuUs = this.cpuUs();
  }

  /** How far the period is stretched now to keep the captures within their CPU budget (1: not at all). */
  get periodStretch(): number {
    return this.periodUs > 0 ? this.effectivePeriodUs / this.periodUs : 1;
  }

  /** Once a second: stretch the period if the captures took more than their share of the CPU, relax it if less. */
  private checkBudget(nowMs: number): void {
    const cpu = this.cpuUs();
    const allowedMs = (this.captureBudget * (cpu - this.budgetMarkCpuUs)) / 1000;
    const stretch = this.effectivePeriodUs / this.periodUs;
    const wanted = allowedMs > 0 ? (stretch * this.captureMs) / allowedMs : MAX_PERIOD_STRETCH;
    // Up at once to what the last second asked for; down by half a step at most, so it does not oscillate.
    const next = wanted > stretch ? wanted : Math.max(wanted, stretch / 2);
    this.effectivePeriodUs = this.periodUs * Math.min(MAX_PERIOD_STRETCH, Math.max(1, next));
    this.budgetMarkMs = nowMs;
    this.budgetMarkCpuUs = cpu;
    this.captureMs = 0;
  }

  /** Brings the shared clock up to now: the time since the last event, split among the waits in flight. */
  private advance(): void {
    const now = this.clockMs();
    const delta = now - this.lastMs;
    this.lastMs = now;
    if (delta > 0 && this.inFlight.size > 0) this.perWait += (delta * 1000) / this.inFlight.size;
  }

  private settle(w: InFlight): void {
    const dt = this.perWait - w.mark;
    w.mark = this.perWait;
    if (!(dt > 0)) return;
    w.what.us += dt;
    if (w.site) w.what.weighted.set(w.site.key, (w.what.weighted.get(w.site.key) ?? 0) + dt * w.weight);
  }

  private captureProbability(what: WhatStats): number {
    if (this.periodUs <= 0 || what.meanShareUs === undefined) return 1;
    return Math.min(1, what.meanShareUs / this.effectivePeriodUs);
  }

  /** A wait begins; `token` identifies it at `end`. Its awaiting stack is taken now, when it is to be captured. */
  start(token: object, what: string): void {
    if (this.inFlight.has(token)) return;
    let stats = this.whats.get(what);
    if (!stats) this.whats.set(what, (stats = { us: 0, weighted: new Map() }));
    const budgeted = this.captureBudget > 0 && this.periodUs > 0;
    if (budgeted && this.lastMs - this.budgetMarkMs >= BUDGET_CHECK_MS) this.checkBudget(this.lastMs);
    const p = this.captureProbability(stats);
    let site: Site | undefined;
    if (p >= 1 || this.random() < p) {
      this.captures++;
      const t0 = budgeted ? this.clockMs() : 0;
      site = this.siteOf(awaitingStack(this.files), what);
      if (budgeted) this.captureMs += this.clockMs() - t0;
    }
    this.waits++;
    this.advance();
    this.inFlight.set(token, { what: stats, site, weight: site ? 1 / p : 0, mark: this.perWait, startMark: this.perWait });
  }

  end(token: object): void {
    const w = this.inFlight.get(token);
    if (!w) return;
    this.advance();
    this.settle(w);
    this.inFlight.delete(token);
    const share = this.perWait - w.startMark;
    w.what.meanShareUs = w.what.meanShareUs === undefined ? share : w.what.meanShareUs + MEAN_SHARE_ALPHA * (share - w.what.meanShareUs);
  }

  private siteOf(awaiting: { stack: WaitFrame[]; site: WaitFrame } | undefined, what: string): Site {
    // A wait none of the program's own code started (a driver's heartbeat): it keeps its share of the kind's
    // time, which is then left out, so it is not the worker's wait.
    if (!awaiting) return { key: undefined, stack: [], site: { name: '', file: '', line: 0 } };
    const key = `${what}\u0000${awaiting.site.line}\u0000${awaiting.stack.map((f) => `${f.file}:${f.line}:${f.name}`).join(';')}`;
    let site = this.sites.get(key);
    if (!site) this.sites.set(key, (site = { key, ...awaiting }));
    return site;
  }

  /** The waits of the window just ended (in-flight ones up to now), and a fresh start for the next. */
  takeWindow(): WaitTotal[] {
    this.advance();
    for (const w of this.inFlight.values()) this.settle(w);
    const out: WaitTotal[] = [];
    const used = new Set<string>();
    for (const w of this.inFlight.values()) if (w.site?.key) used.add(w.site.key);
    for (const [what, stats] of this.whats) {
      let split = stats.weighted.size > 0 ? stats.weighted : stats.lastWeighted;
      if (stats.us > 0 && split) {
        const sum = [...split.values()].reduce((a, b) => a + b, 0);
        for (const [key, weighted] of split) {
          if (key === undefined || !(weighted > 0)) continue;
          const site = this.sites.get(key);
          if (!site) continue;
          used.add(key);
          out.push({ what, stack: site.stack, site: site.site, us: (stats.us * weighted) / sum });
        }
      }
      if (stats.weighted.size > 0) stats.lastWeighted = stats.weighted;
      else if (stats.us === 0 && ![...this.inFlight.values()].some((w) => w.what === stats)) {
        // A kind not seen for a whole window: forgotten, so a long-lived process does not keep every host it met.
        this.whats.delete(what);
        continue;
      }
      stats.weighted = new Map();
      stats.us = 0;
    }
    for (const [key, site] of this.sites) if (!used.has(key) && !this.isRemembered(site)) this.sites.delete(key);
    return out;
  }

  /** A site still in some kind's last split (kept for a window with no capture of that kind). */
  private isRemembered(site: Site): boolean {
    for (const stats of this.whats.values()) if (stats.lastWeighted?.has(site.key)) return true;
    return false;
  }
}

const AGENT_DIR = import.meta.dirname;
/** Past this many distinct script names the cache of which are the program's own starts over (eval'd code, say). */
const MAX_KNOWN_FILES = 10_000;

type CallSiteWithEnclosing = NodeJS.CallSite & { getEnclosingLineNumber?: () => number };

/**
 * A script name's path when its frames are the program's own, null when they are not (node: internals,
 * node_modules, the agent, hidden files, no name). Decided once per name: an ES module's frames are file:// URLs,
 * and parsing and decoding one for every frame of every capture was a fifth of a capture's instructions.
 */
class OwnFiles {
  private readonly known = new Map<string, string | null>();
  constructor(private readonly hideFiles: string[]) {}

  pathOf(scriptName: string | null | undefined): string | null {
    if (!scriptName) return null;
    let path = this.known.get(scriptName);
    if (path === undefined) {
      if (this.known.size >= MAX_KNOWN_FILES) this.known.clear();
      const file = scriptName.startsWith('file://') ? decodeURIComponent(new URL(scriptName).pathname) : scriptName;
      const hidden = file.startsWith('node:') || file.includes(`${sep}node_modules${sep}`) || file.startsWith(AGENT_DIR) || this.hideFiles.includes(file);
      this.known.set(scriptName, (path = hidden ? null : file));
    }
    return path;
  }
}

/** The program's own frames of the current (sync + async) stack, root first, and the awaiting line; undefined when there are none. */
function awaitingStack(files: OwnFiles): { stack: WaitFrame[]; site: WaitFrame } | undefined {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  let sites: CallSiteWithEnclosing[] = [];
  try {
    Error.stackTraceLimit = STACK_DEPTH;
    Error.prepareStackTrace = (_e, s) => s;
    const holder: { stack?: CallSiteWithEnclosing[] } = {};
    Error.captureStackTrace(holder, awaitingStack);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  const leafFirst: { frame: WaitFrame; callLine: number }[] = [];
  for (const s of sites) {
    const file = files.pathOf(s.getFileName());
    if (file === null) continue;
    const callLine = s.getLineNumber() ?? 0;
    leafFirst.push({ frame: { name: s.getFunctionName() || '(anonymous)', file, line: s.getEnclosingLineNumber?.() ?? callLine }, callLine });
  }
  if (leafFirst.length === 0) return undefined;
  const inner = leafFirst[0];
  return { stack: leafFirst.map((f) => f.frame).reverse(), site: { ...inner.frame, line: inner.callLine } };
}

/**
 * Starts watching the waits the process makes: undici (fetch) through diagnostics_channel, node:http(s) client
 * requests, timers/promises' setTimeout (and util.promisify(setTimeout)), and the commands of the official
 * mongodb driver's connections. Returns a function that stops it.
 */
export function watchWaits(tracker: WaitTracker): () => void {
  const undo: (() => void)[] = [];
  const subscribe = (channel: string, fn: (message: unknown) => void): void => {
    diagnosticsChannel.subscribe(channel, fn);
    undo.push(() => diagnosticsChannel.unsubscribe(channel, fn));
  };

  // undici, Node's own fetch included: a request is waited on from its creation to its end or error.
  type UndiciRequest = { method?: string; origin?: string | URL; path?: string };
  const undiciLabel = labels((method, origin) => `undici ${method} ${hostOf(origin)}`);
  subscribe('undici:request:create', (m) => {
    const r = (m as { request: UndiciRequest }).request;
    tracker.start(r, undiciLabel(r.method ?? 'GET', String(r.origin ?? '')));
  });
  for (const channel of ['undici:request:trailers', 'undici:request:error']) subscribe(channel, (m) => tracker.end((m as { request: object }).request));

  // node:http and node:https client requests, from creation until the response has been read (or the request
  // failed: 'close' comes either way). Node 20 publishes `http.client.request.start` a tick after the request was
  // made, with none of the caller's frames on the stack, so the request functions themselves are wrapped.
  undo.push(watchHttpRequests(tracker));
  subscribe('http.client.response.finish', (m) => tracker.end((m as { request: object }).request));

  undo.push(watchTimers(tracker));
  undo.push(watchMongo(tracker));
  return () => {
    for (const u of undo.reverse()) u();
  };
}

type HttpRequest = { method?: string; host?: string; once(event: string, fn: () => void): unknown };

function watchHttpRequests(tracker: WaitTracker): () => void {
  const require = createRequire(import.meta.url);
  const httpLabel = labels((method, host) => `http ${method} ${host}`.trimEnd());
  const restore: (() => void)[] = [];
  for (const name of ['node:http', 'node:https']) {
    const mod = require(name) as Record<'request' | 'get', (...args: unknown[]) => HttpRequest>;
    for (const fn of ['request', 'get'] as const) {
      const original = mod[fn];
      mod[fn] = function (this: unknown, ...args: unknown[]) {
        const req = original.apply(this, args);
        try {
          tracker.start(req, httpLabel(req.method ?? 'GET', req.host ?? ''));
          req.once('close', () => tracker.end(req));
        } catch {
          // Watching must never break the host's request.
        }
        return req;
      };
      restore.push(() => (mod[fn] = original));
    }
  }
  syncBuiltinESMExports();
  return () => {
    for (const r of restore) r();
    syncBuiltinESMExports();
  };
}

/** Past this many origins of one method the labels start over (a crawler meets hosts without end). */
const MAX_LABELS = 1000;

/**
 * A wait's `what` by method and host, built once per pair rather than on every wait (a new string each time, and
 * for undici a URL parse): the label is the kind the tracker looks every wait up by.
 */
function labels(build: (method: string, host: string) => string): (method: string, host: string) => string {
  const byMethod = new Map<string, Map<string, string>>();
  return (method, host) => {
    let byHost = byMethod.get(method);
    if (!byHost) byMethod.set(method, (byHost = new Map()));
    let label = byHost.get(host);
    if (label === undefined) {
      if (byHost.size >= MAX_LABELS) byHost.clear();
      byHost.set(host, (label = build(method, host)));
    }
    return label;
  };
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

/** timers/promises' setTimeout, which `await setTimeout(ms)` and `util.promisify(setTimeout)` both are. */
function watchTimers(tracker: WaitTracker): () => void {
  const require = createRequire(import.meta.url);
  const timersPromises = require('node:timers/promises') as typeof import('node:timers/promises');
  const original = timersPromises.setTimeout;
  const watched = function setTimeout(this: unknown, ...args: Parameters<typeof original>) {
    const token = {};
    tracker.start(token, 'timer setTimeout');
    const p = original.apply(this, args);
    const done = () => tracker.end(token);
    p.then(done, done);
    return p;
  } as typeof original;
  timersPromises.setTimeout = watched;
  const custom = promisify.custom;
  const globalTimeout = globalThis.setTimeout as unknown as Record<symbol, unknown>;
  const hadCustom = globalTimeout[custom] === original;
  if (hadCustom) globalTimeout[custom] = watched;
  syncBuiltinESMExports();
  return () => {
    timersPromises.setTimeout = original;
    if (hadCustom) globalTimeout[custom] = original;
    syncBuiltinESMExports();
  };
}

type MongoClientLike = { monitorCommands?: boolean; on(event: string, fn: (e: MongoCommandEvent) => void): void };
interface MongoCommandEvent {
  requestId: number;
  connectionId?: string | number;
  databaseName?: string;
  commandName: string;
  command?: Record<string, unknown>;
}
type ConnectionCommand = (this: unknown, ns: { db?: string }, command: Record<string, unknown>, ...rest: unknown[]) => Promise<unknown>;

/** `mongodb find crawl.frontier`: the command's name (its first key), the database, and the collection it names. */
function mongoLabel(commandName: string, db: string | undefined, command: Record<string, unknown> | undefined): string {
  const collection = typeof command?.[commandName] === 'string' ? `.${String(command[commandName])}` : '';
  return `mongodb ${commandName} ${db ?? ''}${collection}`.trimEnd();
}

/**
 * The mongodb driver, however it is loaded (require, or import: the driver's own modules are always loaded by
 * require). Each command a connection sends (its `Connection.command`, an async method in the drivers of today) is a wait
 * from the call to its reply. Command monitoring would say the same, but it makes the driver build two event
 * objects per command and deserialize every reply in full for the succeeded event, where a cursor's batch is
 * otherwise read lazily; so it is used only for a driver without that async method, turned on as each MongoClient
 * connects.
 */
function watchMongo(tracker: WaitTracker): () => void {
  const mod = Module as unknown as { _load: (request: string, parent: { filename?: string } | undefined, isMain: boolean) => unknown };
  const originalLoad = mod._load;
  const patched = new WeakSet<object>();
  const restore: (() => void)[] = [];
  const marker = `${sep}mongodb${sep}lib${sep}`;
  let connectionWatched = false;

  const watchConnection = (proto: { command: ConnectionCommand }): void => {
    const command = proto.command;
    proto.command = function (this: unknown, ns, cmd, ...rest) {
      const token = {};
      try {
        let name: string | undefined;
        for (const key in cmd) {
          name = key;
          break;
        }
        if (name !== undefined) tracker.start(token, mongoLabel(name, ns?.db, cmd));
      } catch {
        // Watching must never break the host's query.
      }
      const reply = command.call(this, ns, cmd, ...rest);
      const done = () => tracker.end(token);
      reply.then(done, done);
      return reply;
    };
    restore.push(() => (proto.command = command));
    connectionWatched = true;
  };

  const tokens = new Map<string, object>();
  const keyOf = (e: MongoCommandEvent) => `${e.connectionId ?? ''}:${e.requestId}`;
  const clients = new WeakSet<object>();
  const monitor = (client: MongoClientLike): void => {
    if (connectionWatched || clients.has(client)) return;
    clients.add(client);
    client.monitorCommands = true;
    client.on('commandStarted', (e) => {
      const token = {};
      tokens.set(keyOf(e), token);
      tracker.start(token, mongoLabel(e.commandName, e.databaseName, e.command));
    });
    const finish = (e: MongoCommandEvent) => {
      const token = tokens.get(keyOf(e));
      if (!token) return;
      tokens.delete(keyOf(e));
      tracker.end(token);
    };
    client.on('commandSucceeded', finish);
    client.on('commandFailed', finish);
  };

  type DriverExports = {
    Connection?: { prototype: { command?: unknown; sendCommand?: unknown } };
    MongoClient?: { prototype: { connect: (...a: unknown[]) => unknown } };
  };
  mod._load = function (this: unknown, request: string, parent: { filename?: string } | undefined, isMain: boolean) {
    const exports = originalLoad.call(this, request, parent, isMain) as DriverExports | undefined;
    try {
      if (parent?.filename?.includes(marker)) {
        const conn = exports?.Connection?.prototype;
        if (conn && !patched.has(conn) && typeof conn.sendCommand === 'function' && conn.command?.constructor?.name === 'AsyncFunction') {
          patched.add(conn);
          watchConnection(conn as { command: ConnectionCommand });
        }
        const client = exports?.MongoClient?.prototype;
        if (client && typeof client.connect === 'function' && !patched.has(client)) {
          patched.add(client);
          const connect = client.connect;
          client.connect = function (this: MongoClientLike, ...args: unknown[]) {
            monitor(this);
            return connect.apply(this, args);
          };
          restore.push(() => (client.connect = connect));
        }
      }
    } catch {
      // Never let watching break the host's module loading.
    }
    return exports;
  };
  return () => {
    mod._load = originalLoad;
    for (const r of restore) r();
  };
}
