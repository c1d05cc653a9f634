// Rules that the recorded crawls cannot exercise (and, at the end, one rule's principle on hand-made evidence): robots.txt refetching is a network wait (idle in a profile, absent
// from the crawler's own logs), so the doctor reads it from a web server access log given with --logs. These access
// logs are written here in the common log format, one robots.txt request per page (refetching) or one per host
// (cached); the analyzer reads them as it would a real server's.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../src/explain.js';
import type { Trend } from '@crawl-diag/log-analyzer';
import { processKind, type Evidence } from '../src/collect/evidence.js';
import { findCauses } from '../src/analyze.js';
import { gatherLogEvidence, type LogEvidence } from '../src/collect/log-evidence.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'doctor-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function accessLog(robotsEveryPage: boolean): string {
  const lines: string[] = [];
  const start = Date.UTC(2026, 10, 27, 1, 0, 0);
  const stamp = (ms: number) => {
    const d = new Date(ms);
    const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  };
  const seenHosts = new Set<number>();
  for (let i = 0; i < 600; i++) {
    const at = start + i * 200; // 5 pages a second for 2 minutes
    const host = i % 20;
    if (robotsEveryPage || !seenHosts.has(host)) lines.push(`127.0.0.1 - - [${stamp(at)}] "GET http://site-${host}.test/robots.txt HTTP/1.1" 200 120 "-" "crawl-diag"`);
    seenHosts.add(host);
    lines.push(`127.0.0.1 - - [${stamp(at + 50)}] "GET http://site-${host}.test/page/${i} HTTP/1.1" 200 5120 "-" "crawl-diag"`);
  }
  return lines.join('\n') + '\n';
}

describe('robots.txt refetching from an access log', () => {
  it('one robots.txt request per page is found and named', async () => {
    const path = join(dir, 'refetch-access.log');
    await writeFile(path, accessLog(true));
    const r = diagnose({ logs: await gatherLogEvidence({ paths: [path] }), warnings: [] });
    expect(r.findings[0]?.cause, JSON.stringify(r.findings)).toBe('robots-refetching');
    expect(r.findings[0].fault).toBe('robots-no-cache');
    expect(r.findings[0].numbers.robotsPerPage).toBeCloseTo(1, 5);
  });

  it('robots.txt fetched once per host is not a finding', async () => {
    const path = join(dir, 'cached-access.log');
    await writeFile(path, accessLog(false));
    const e = await gatherLogEvidence({ paths: [path] });
    // All 20 fetched in the first 4 s, before the judged window (15 s of warm-up) begins.
    expect(e.signals.robotsRequests?.perPageAll).toBeCloseTo(20 / 600, 5);
    expect(e.signals.robotsRequests?.perPage).toBe(0);
    expect(diagnose({ logs: e, warnings: [] }).findings.map((f) => f.cause)).not.toContain('robots-refetching');
  });
});

describe('process kinds', () => {
  it("names crawl-diag's processes by entry script, others by script name", () => {
    expect(processKind(['/usr/bin/node', '--import=file:///x/agent.js', '/w/packages/crawler/dist/worker/main.js', '--worker=0'])).toBe('worker');
    expect(processKind(['node', '/w/packages/crawler/dist/dispatcher/main.js', '--name=dispatcher'])).toBe('dispatcher');
    expect(processKind(['node', '/tmp/leaky-worker.cjs'])).toBe('leaky-worker.cjs');
    expect(processKind(['python3', '-u', 'crawler.py'])).toBe('crawler.py');
  });
});

describe('frontier query share under politeness contention', () => {
  // Numbers of a real live politeness-blind run (scripts/live-run.mjs) that the doctor first misnamed: every
  // postponed URL goes back to the frontier and is leased again, so the dispatcher's frontier query was busy
  // (29% → 36% of its time) because it leased ~10 URLs per page crawled, not because each query got slower.
  const trend = { verdict: 'growth', relativeChange: 0.2, pValue: 0.003 } as Trend;
  const evidence = (postponedEarly: number, postponedLate: number): Evidence => ({
    warnings: [],
    logs: {
      signals: {
        crawler: 'crawl-diag',
        rate: { ...trend, perSecEarly: 41, perSecLate: 49 },
        postponedPerPage: { early: postponedEarly, late: postponedLate, trend: { ...trend, verdict: 'steady' } },
        robotsUndeterminedShare: null,
        robotsRequests: null,
        stopped: [],
        groups: [],
      },
    } as unknown as LogEvidence,
    profiles: {
      source: 'recording',
      early: { from: '', to: '' },
      late: { from: '', to: '' },
      kinds: [
        { kind: 'dispatcher', grown: [], idleEarly: 0.5, idleLate: 0.45, samplesEarly: 900, samplesLate: 900, watched: { frontier: { early: 0.29, late: 0.36 }, dedup: { early: 0, late: 0 }, robots: { early: 0, late: 0 } } },
        { kind: 'worker', grown: [], idleEarly: 0.77, idleLate: 0.81, samplesEarly: 900, samplesLate: 900, watched: { frontier: { early: 0, late: 0 }, dedup: { early: 0.01, late: 0.01 }, robots: { early: 0, late: 0 } } },
      ],
    },
  });

  it('is judged per URL crawled: contention is named, not a slowing query', () => {
    const f = findCauses(evidence(9.58, 8.16));
    expect(f.map((x) => x.cause)).toEqual(['politeness-contention']);
  });

  it('the same shares with nothing postponed are a dispatcher query taking the time while workers wait', () => {
    const f = findCauses(evidence(0, 0));
    expect(f[0].cause).toBe('dispatcher-query-slowing');
    expect(f[0].numbers.dispatcherSharePerCrawledLate).toBeCloseTo(0.36, 5);
  });
});
