// Real headless Chromium (Debian's /usr/bin/chromium) for the HTML outputs' browser tests, driven by playwright-core.
// The flags keep it off the network: without the background-networking ones it keeps trying to reach outside hosts.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True on a developer machine without Chromium; under CI a missing browser must fail the test instead. */
export const skipWithoutChromium = !existsSync(CHROMIUM_PATH) && !process.env.CI;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
