// Shared by the browser tests and the benchmark: build the page (esbuild takes a second, and a
// stale dist/ would test old code) into a temporary directory, serve it, and launch
// Debian's chromium through playwright-core with a fresh profile and nothing that phones home.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

export const root = fileURLToPath(new URL('.', import.meta.url));
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * Builds the page into a directory of its own, serves it and opens chromium on it. `contextOptions`
 * go to playwright's context as they are (a phone: `isMobile`, `hasTouch`, `deviceScaleFactor`;
 * `colorScheme`).
 */
export async function launch({ viewport = { width: 1440, height: 900 }, ...contextOptions } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (tests/run.sh does)`);
  const dist = mkdtempSync(join(tmpdir(), 'realip-playground-dist-'));
  execFileSync(process.execPath, [join(root, 'build.mjs'), dist], { stdio: 'inherit' });
  const { server, url } = await startServer({ root: dist });
  const profile = mkdtempSync(join(tmpdir(), 'realip-playground-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...contextOptions,
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-default-apps',
      '--disable-extensions',
      '--disable-domain-reliability',
      '--metrics-recording-only',
    ],
  });
  const close = async () => {
    await context.close();
    await new Promise((r) => server.close(r));
    rmSync(profile, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  };
  return { context, url, origin: new URL(url).origin, close };
}

/** Waits until the page shows the lint of the editor's current text and node count. */
export async function settled(page, timeout = 15000) {
  await page.waitForFunction(() => window.playground?.settled(), null, { timeout, polling: 20 });
}
