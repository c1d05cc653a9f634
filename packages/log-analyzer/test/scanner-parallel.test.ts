// The scanner gives the same answer however the bytes arrive: in one piece, in tiny chunks that cut lines and
// tracebacks anywhere, or split into byte ranges across worker threads.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeLogs } from '../src/analyze.js';
import { readFileRange } from '../src/source/read-bytes.js';
import { workerScriptPath } from '../src/scanner/worker-pool.js';
import { FIXTURES } from './independent-count.js';

const GARBAGE = resolve(FIXTURES, 'garbage-mixed', 'crawler.log');

describe('scanning in pieces', () => {
  it.each([61, 1000])('reassembles every line when chunks of %i bytes cut them', async (chunkBytes) => {
    const lines: string[] = [];
    await readFileRange(GARBAGE, 0, Number.MAX_SAFE_INTEGER, (buf, s, e) => {
      lines.push(...buf.toString('utf8', s, e).split('\n').filter((_, i, all) => i < all.length - 1 || all[i] !== ''));
    }, undefined, chunkBytes);
    const expected = readFileSync(GARBAGE, 'utf8').split('\n');
    expected.pop();
    expect(lines).toEqual(expected);
  });

  it('gives identical reports in one thread and across worker threads with record-aligned byte ranges', async () => {
    // The worker script is the built dist/ copy; this test needs `npx tsc -b packages/log-analyzer` first.
    expect(workerScriptPath()).not.toBeNull();
    // Fixtures a few days apart with automatic buckets: a short grid keeps the trend analysis quick.
    const options = { paths: ['garbage-mixed', 'gzip-rotated', 'python-2-workers-decay'].map((d) => resolve(FIXTURES, d)), tz: 'UTC' };
    const single = await analyzeLogs({ ...options, threads: 0 });
    const parallel = await analyzeLogs({ ...options, threads: 2, rangeBytes: 20_000 });
    expect(parallel).toEqual(single);
    expect(single.files.find((f) => f.path.includes('garbage'))!.unparsed).toBeGreaterThan(0);
  });
});
