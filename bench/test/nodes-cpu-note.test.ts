// The bench's CPU-bound note: runs whose measured window had the machine's cores 90%+ busy are named (with the store
// server's share when the bench ran one), runs below are not, and no note is printed when none was CPU-bound.
import { describe, expect, it } from 'vitest';
import { cpuBoundNote, runsTable } from '../src/nodes/report-terminal.js';
import type { NodesResult, NodesRun } from '../src/nodes/result.js';

function run(nodes: number, cpu: NodesRun['cpu']): NodesRun {
  return {
    nodes,
    pagesPerSec: 10,
    trend: { verdict: 'steady', relativeChange: 0 },
    efficiency: 1,
    perNode: {},
    ratePerSec: [],
    window: { from: 0, to: 0 },
    postponedRatio: [],
    totals: { crawled: 1, postponed: 0, ignored: 0, failed: 0 },
    wholeRunTrend: { verdict: 'steady', relativeChange: 0 },
    ...(cpu ? { cpu } : {}),
  };
}

function result(runs: NodesRun[]): NodesResult {
  return { machine: { cores: 2 }, runs } as unknown as NodesResult; // only the fields the note and table read
}

describe('CPU-bound note', () => {
  it('names the runs with the machine 90%+ busy, with FerretDB’s cores', () => {
    const r = result([
      run(1, { machineBusy: 0.6, storeServer: { coreShare: 0.6, msPerPage: 70 } }),
      run(4, { machineBusy: 0.95, storeServer: { coreShare: 1.3, msPerPage: 110 } }),
      run(2, { machineBusy: 0.9, storeServer: { coreShare: 0.8, msPerPage: 72 } }),
    ]);
    expect(cpuBoundNote(r)).toBe(
      'CPU-bound: 2 node(s) (90% busy, FerretDB 0.80 cores), 4 node(s) (95% busy, FerretDB 1.30 cores). The 2 cores were ' +
        '90%+ busy over the measured window, so these runs measure the machine (and whatever else ran on it), not how the crawler scales.',
    );
    const table = runsTable(r).split('\n');
    expect(table[0]).toMatch(/machine busy\s+FerretDB CPU\s+FerretDB ms\/page$/);
    expect(table[3]).toMatch(/95%\s+130%\s+110$/);
  });

  it('names a store server at a full core while the machine had CPU to spare, with its ceiling', () => {
    const r = result([
      run(1, { machineBusy: 0.47, storeServer: { coreShare: 0.58, msPerPage: 56.6 } }),
      run(4, { machineBusy: 0.83, storeServer: { coreShare: 0.97, msPerPage: 68.4 } }),
    ]);
    expect(cpuBoundNote(r)).toBe(
      'Store-bound: 4 node(s) (FerretDB 97% of a core, machine 83% busy, ceiling ≈ 14.6 pages/s at 68 ms/page). The store server used ' +
        "about one full core while the machine had CPU to spare: its serial part (FerretDB's SQLite backend writes one transaction at a " +
        'time) caps the crawl, whatever the node count.',
    );
  });

  it('on FerretDB/PostgreSQL names the server’s CPU per page, not SQLite’s one writer, as the cap', () => {
    const r = { ...result([run(2, { machineBusy: 0.87, storeServer: { coreShare: 1.18, msPerPage: 103.4 } })]), backend: 'postgresql' } as NodesResult;
    const note = cpuBoundNote(r)!;
    expect(note).toMatch(/^Store-bound: 2 node\(s\) \(FerretDB 118% of a core, machine 87% busy, ceiling ≈ 9\.7 pages\/s at 103 ms\/page\)/);
    expect(note).toMatch(/its CPU per page \(FerretDB translating each command to SQL, PostgreSQL running it\) caps the crawl/);
    expect(note).not.toMatch(/SQLite/);
  });

  it('says nothing when no run was CPU-bound or CPU was not measured', () => {
    expect(cpuBoundNote(result([run(1, { machineBusy: 0.5 }), run(2, undefined)]))).toBeUndefined();
    expect(runsTable(result([run(1, undefined)])).split('\n')[0]).not.toMatch(/machine busy/);
  });
});
