// A pino transport (it runs in pino's worker thread, so the crawl's event loop never waits on the network) that
// ships a process's records to VictoriaLogs' /insert/jsonline in batches, with the process's `node`, `kind` and `pid`
// as stream fields. When the server is away, batches go to a spool file on disk instead, in order; the spool is sent
// when the server answers again, and a spool left by a process that died is sent by the next process that starts.
//
// Spool files: `<spoolDir>/<process>-<pid>.ndjson`, the pid being the process that sends it (a claimed file gets the
// claimer's pid appended); the first line is `{"spool":1,"fields":{…}}` (the stream fields of the records below
// it, which may be a dead process's), then the records as pino wrote them.
// Hand-written rather than a library: the batching, spool and replay are the whole transport and there is no
// maintained VictoriaLogs transport for pino that keeps records on disk.
import { appendFile, mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import build from 'pino-abstract-transport';

export interface VictoriaLogsTransportOptions {
  /** http://HOST:PORT of the server. */
  url: string;
  /** Stream fields of every record. */
  fields: { node: string; kind: string; pid: number };
  /** Process name (the spool file's name). */
  processName: string;
  spoolDir: string;
  /** A batch is sent after this long, or sooner when it reaches maxBatchLines. Default 250 ms. */
  flushMs?: number;
  maxBatchLines?: number;
  /** How long a send may take before the server is taken for away. Default 5000 ms. */
  timeoutMs?: number;
  /** First retry delay while the server is away (doubles up to 5 s). Default 500 ms. */
  retryMs?: number;
}

type Fields = VictoriaLogsTransportOptions['fields'];

/** Most bytes of a spool sent in one request. */
const SPOOL_CHUNK_BYTES = 4 << 20;
const MAX_RETRY_MS = 5000;

function insertUrl(base: string, fields: Fields): string {
  const q = new URLSearchParams({
    _time_field: 'time',
    _msg_field: 'msg',
    _stream_fields: 'node,kind,pid',
    // extra_fields overrides a record's own (pino's json format has a pid already: the same one).
    extra_fields: `node=${fields.node},kind=${fields.kind},pid=${fields.pid}`,
  });
  return `${base}/insert/jsonline?${q}`;
}

class Shipper {
  private batch: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Every send and spool step, one after another (records keep their order). */
  private chain: Promise<void> = Promise.resolve();
  /** Spool files waiting to be sent, oldest first (own, or claimed from dead processes). */
  private readonly spools: string[] = [];
  private readonly ownSpool: string;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private closed = false;
  /** The server did not answer and records went to the spool (said once on stderr, and again when it is back). */
  private away = false;

  constructor(private readonly o: VictoriaLogsTransportOptions) {
    this.ownSpool = join(o.spoolDir, `${o.processName}-${o.fields.pid}.ndjson`);
    this.retryMs = o.retryMs ?? 500;
  }

  /** Claims the spool files of processes that are gone, to send them first. */
  async start(): Promise<void> {
    await mkdir(this.o.spoolDir, { recursive: true });
    for (const name of (await readdir(this.o.spoolDir)).sort()) {
      const m = /-(\d+)\.ndjson$/.exec(name);
      if (!m || alive(Number(m[1]))) continue;
      // Renamed to end in our pid (atomic: one process claims it; if we die too, the next one claims it from us).
      const claimed = join(this.o.spoolDir, `${name.slice(0, -'.ndjson'.length)}-${this.o.fields.pid}.ndjson`);
      try {
        await rename(join(this.o.spoolDir, name), claimed);
        this.spools.push(claimed);
      } catch {
        // another process claimed it first
      }
    }
    if (this.spools.length > 0) this.enqueue(() => this.drainSpools());
  }

  push(line: string): void {
    this.batch.push(line);
    if (this.batch.length >= (this.o.maxBatchLines ?? 2000)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.o.flushMs ?? 250);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const lines = this.batch;
    this.batch = [];
    this.enqueue(() => this.deliver(lines));
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((err: Error) => {
      process.stderr.write(`crawl-diag: log shipping: ${err.message}\n`);
    });
  }

  /** Sends a batch, or spools it when the server is away or older records are still spooled (keeps the order). */
  private async deliver(lines: string[]): Promise<void> {
    const body = lines.join('\n') + '\n';
    if (this.spools.length === 0 && (await this.send(body, this.o.fields))) return;
    await this.spool(body);
  }

  private async spool(body: string): Promise<void> {
    if (!this.away) {
      this.away = true;
      process.stderr.write(`crawl-diag: VictoriaLogs at ${this.o.url} does not answer; ${this.o.processName}'s records wait in ${this.o.spoolDir} until it does.\n`);
    }
    if (this.spools.at(-1) !== this.ownSpool) {
      await appendFile(this.ownSpool, JSON.stringify({ spool: 1, fields: this.o.fields }) + '\n');
      this.spools.push(this.ownSpool);
    }
    await appendFile(this.ownSpool, body);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.enqueue(() => this.drainSpools());
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  /** Sends the spool files in order; stops at the first failure (and tries again later). */
  private async drainSpools(): Promise<void> {
    // Nothing is appended meanwhile: batches wait on the same chain.
    while (this.spools.length > 0) {
      const path = this.spools[0];
      if (!(await this.sendFile(path))) {
        this.scheduleRetry();
        return;
      }
      await rm(path, { force: true });
      this.spools.shift();
    }
    this.retryMs = this.o.retryMs ?? 500;
    if (this.away) {
      this.away = false;
      process.stderr.write(`crawl-diag: VictoriaLogs at ${this.o.url} answers again; ${this.o.processName}'s waiting records are sent.\n`);
    }
  }

  /**
   * Sends a spool file in chunks from its start. What was sent is cut off the file's front (rewritten), so a process
   * that dies halfway leaves only what was not sent. False when the server is away.
   */
  private async sendFile(path: string): Promise<boolean> {
    const text = await readFile(path, 'utf8');
    const headerEnd = text.indexOf('\n');
    const fields = (JSON.parse(text.slice(0, headerEnd)) as { fields: Fields }).fields;
    let at = headerEnd + 1;
    while (at < text.length) {
      let end = Math.min(text.length, at + SPOOL_CHUNK_BYTES);
      if (end < text.length) end = text.lastIndexOf('\n', end) + 1 || text.length;
      if (!(await this.send(text.slice(at, end), fields))) {
        if (at > headerEnd + 1) {
          await appendFile(`${path}.rest`, text.slice(0, headerEnd + 1) + text.slice(at));
          await rename(`${path}.rest`, path);
        }
        return false;
      }
      at = end;
    }
    return true;
  }

  /** POSTs NDJSON; true when the server took it. A refusal (4xx) is said once and the records are dropped. */
  private async send(body: string, fields: Fields): Promise<boolean> {
    try {
      const res = await fetch(insertUrl(this.o.url, fields), {
        method: 'POST',
        headers: { 'content-type': 'application/stream+json' },
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 5000),
      });
      await res.arrayBuffer();
      if (res.status >= 400 && res.status < 500) {
        process.stderr.write(`crawl-diag: VictoriaLogs at ${this.o.url} refused ${body.split('\n').length - 1} records: HTTP ${res.status}\n`);
        return true;
      }
      return res.ok;
    } catch {
      return false;
    }
  }

  /** Sends what is left; what the server does not take stays in the spool for the next process. */
  async close(): Promise<void> {
    this.flush();
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.spools.length > 0) this.enqueue(() => this.drainSpools());
    await this.chain;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function victoriaLogsTransport(opts: VictoriaLogsTransportOptions) {
  const shipper = new Shipper(opts);
  await shipper.start();
  return build(
    async (source: AsyncIterable<string>) => {
      for await (const line of source) shipper.push(line);
    },
    { parse: 'lines', close: () => shipper.close() },
  );
}
