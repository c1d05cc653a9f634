// The differential flame graph opened in real headless Chromium: grown frames drawn red, shrunk ones blue, widths
// from AFTER, search highlights, click zooms, and no network request.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from '../../../test-support/chromium.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffProfiles } from '../src/diff/diff-profiles.js';
import { renderDiffHtml } from '../src/diff/diff-html.js';
import { loadProfileInput } from '../src/inputs/load-profile-input.js';

// Only skipped on a developer machine without Chromium; under CI a missing browser is a failure.
describe.skipIf(skipWithoutChromium)('differential flame graph in headless Chromium', () => {
  let browser: Browser;
  let dir: string;
  let htmlPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crawl-diag-diff-html-'));
    const early = join(dir, 'early.txt');
    const late = join(dir, 'late.txt');
    await writeFile(early, 'main (/srv/app.js:1);hashLoop (/srv/app.js:10) 90\nmain (/srv/app.js:1);frontierQuery (/srv/store.js:40) 10\n');
    await writeFile(late, 'main (/srv/app.js:1);hashLoop (/srv/app.js:10) 20\nmain (/srv/app.js:1);frontierQuery (/srv/store.js:40) 80\n');
    const diff = diffProfiles(await loadProfileInput(early), await loadProfileInput(late), { before: 'early', after: 'late' });
    htmlPath = join(dir, 'diff.html');
    await writeFile(htmlPath, renderDiffHtml(diff));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('draws grown frames red and shrunk ones blue, at AFTER widths; searches and zooms', async () => {
    const page = await browser.newPage({ viewport: { width: 1000, height: 600 } });
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file://')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`file://${htmlPath}`);
    const query = page.locator('#chart .frame', { hasText: 'frontierQuery' });
    const hash = page.locator('#chart .frame', { hasText: 'hashLoop' });
    await expect.poll(() => query.count()).toBe(1);
    expect(errors).toEqual([]);

    const rgb = async (el: typeof query) =>
      (await el.evaluate((e) => getComputedStyle(e).backgroundColor)).match(/\d+/g)!.map(Number);
    const [qr, , qb] = await rgb(query);
    const [hr, , hb] = await rgb(hash);
    expect(qr).toBeGreaterThan(qb + 100);
    expect(hb).toBeGreaterThan(hr + 100);
    const qw = (await query.boundingBox())!.width;
    const hw = (await hash.boundingBox())!.width;
    expect(qw / hw).toBeCloseTo(80 / 20, 0);

    await page.fill('#search', 'frontier');
    await expect.poll(() => page.locator('#chart .frame.match').count()).toBe(1);
    expect(await page.textContent('#match-info')).toMatch(/^Matched: [\d.]+% of AFTER's time$/);

    await hash.click();
    const zoomed = page.locator('#chart .frame', { hasText: 'hashLoop' });
    await expect.poll(async () => (await zoomed.boundingBox())!.width).toBeGreaterThan(hw * 3);
    expect(requests).toEqual([]);
  });
});
