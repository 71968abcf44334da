import { existsSync } from 'node:fs';
import type { Browser, PuppeteerNode } from 'puppeteer-core';

/** Debian's chromium-headless-shell (what .ci/run installs), or the browser CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium-headless-shell';

/** Why the browser tests cannot run here, or undefined when they can. */
export const noBrowser = (): string | undefined =>
  existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH} (install Debian's chromium-headless-shell, or set CHROMIUM_PATH to a Chromium or Chrome)`;

/** A real headless Chromium; never the network beyond 127.0.0.1 (the console loads nothing else). */
export function launchBrowser(): Promise<Browser> {
  return loadPuppeteer().launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/**
 * puppeteer-core ships ES modules only, which jest's CommonJS module system cannot load; Node's own
 * require (which loads ES modules since Node 20.19) can, reached through process.getBuiltinModule
 * because jest hands tests its own `module`.
 */
function loadPuppeteer(): PuppeteerNode {
  const { createRequire } = process.getBuiltinModule('node:module');
  return (createRequire(__filename)('puppeteer-core') as { default: PuppeteerNode }).default;
}
