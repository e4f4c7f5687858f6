// Shared by the browser test and the benchmark: build dist/ (esbuild takes a second, and a stale
// dist/ would test old code), serve it, and launch
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

export async function launch({ viewport = { width: 1440, height: 900 } } = {}) {
  execFileSync(process.execPath, [join(root, 'build.mjs')], { stdio: 'inherit' });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (tests/run.sh does)`);
  const { server, url } = await startServer({ root: join(root, 'dist') });
  const profile = mkdtempSync(join(tmpdir(), 'realip-playground-'));
  const context = await chromium.launchPersistentContext(profile, {
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
  };
  return { context, url, origin: new URL(url).origin, close };
}

/** Waits until the page shows the lint of the editor's current text and node count. */
export async function settled(page, timeout = 15000) {
  await page.waitForFunction(() => window.playground?.settled(), null, { timeout, polling: 20 });
}
