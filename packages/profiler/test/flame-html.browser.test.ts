// The HTML flame graph of a real profile, opened in real headless Chromium: frames are drawn, the search box
// highlights the hot function and reports its share, clicking a frame zooms to it, the tooltip shows a share,
// and the page makes no network request at all.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from '../../../test-support/chromium.js';
import { attachNode } from '../src/attach/attach-node.js';
import { renderFlameHtml } from '../src/outputs/flame-html.js';
import { startNode, stopAll } from './live-process.js';

// Only skipped on a developer machine without Chromium; under CI a missing browser is a failure.
describe.skipIf(skipWithoutChromium)('HTML flame graph in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let htmlPath: string;

  beforeAll(async () => {
    const target = await startNode('hot-worker.mjs', ['--inspect-port=0']);
    const profile = await attachNode(target.pid, { durationMs: 1200 });
    await target.stop();
    dir = await mkdtemp(join(tmpdir(), 'crawl-diag-flame-html-'));
    htmlPath = join(dir, 'flame.html');
    await writeFile(htmlPath, renderFlameHtml(profile, { title: 'hot worker' }));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await stopAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders frames, searches, zooms and shows tooltips offline', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${htmlPath}`);
    await page.waitForSelector('body[data-rendered="true"]', { timeout: 10_000 });
    expect(errors).toEqual([]);

    const frameCount = await page.locator('#chart .frame').count();
    expect(frameCount).toBeGreaterThan(3);
    const hot = page.locator('#chart .frame', { hasText: 'crawlHotspot' }).first();
    await expect.poll(() => hot.count()).toBe(1);
    const chartWidth = (await page.locator('#chart').boundingBox())!.width;
    expect((await hot.boundingBox())!.width).toBeGreaterThan(50);

    await page.fill('#search', 'crawlHot');
    const matched = page.locator('#chart .frame.match');
    expect(await matched.count()).toBeGreaterThanOrEqual(1);
    expect(await matched.first().textContent()).toContain('crawlHotspot');
    // Only matching frames are highlighted. Frames narrower than a label carry no text, so only labelled ones
    // can be checked by their text (on a live profile the hot function can also sit in a narrow side stack).
    const wrongLabels = await page.$$eval('#chart .frame.match', (els) =>
      els
        .map((e) => e.textContent ?? '')
        // A label cut short ends with '…': then it must begin the hot function's name.
        .filter((t) => t !== '' && !t.includes('crawlHot') && !(t.endsWith('…') && 'crawlHotspot ('.startsWith(t.slice(0, -1)))),
    );
    expect(wrongLabels).toEqual([]);
    const shareOf = async () => {
      const m = /Matched: ([\d.]+)% of samples/.exec((await page.textContent('#match-info')) ?? '');
      return m ? Number(m[1]) : 0; // "No match"
    };
    const share = await shareOf();
    expect(share).toBeLessThanOrEqual(100);
    // The hot function holds most of the busy time (idle time depends on how loaded the machine is).
    await page.fill('#search', '^\\((idle|program)\\)$');
    const waiting = await shareOf();
    expect(share).toBeGreaterThan((100 - waiting) * 0.5);

    await page.fill('#search', '');
    expect(await page.locator('#chart .frame.match').count()).toBe(0);

    // Tooltip with the frame's share.
    const target = page.locator('#chart .frame', { hasText: 'crawlHotspot' }).first();
    await target.hover();
    await expect.poll(() => page.textContent('#tip')).toMatch(/crawlHotspot \(.*hot-worker\.mjs:3\)[\d.]+% of samples/);

    // Zoom: the clicked frame now spans the chart, its ancestors are dimmed; Reset undoes both.
    const hotWidthBefore = (await target.boundingBox())!.width;
    expect(await page.locator('#chart .frame.dim').count()).toBe(0);
    await target.click();
    const zoomedBox = (await page.locator('#chart .frame', { hasText: 'crawlHotspot' }).first().boundingBox())!;
    expect(zoomedBox.width).toBeGreaterThan(chartWidth * 0.95);
    expect(await page.locator('#chart .frame.dim').count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#chart .frame.dim', { hasText: 'crawlHotspot' }).count()).toBe(0);
    await page.click('#reset');
    expect(await page.locator('#chart .frame.dim').count()).toBe(0);
    const resetWidth = (await page.locator('#chart .frame', { hasText: 'crawlHotspot' }).first().boundingBox())!.width;
    expect(Math.abs(resetWidth - hotWidthBefore)).toBeLessThan(2);

    expect(requests).toEqual([]);
    await page.close();
  });
});
