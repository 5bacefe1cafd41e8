/**
 * A real browser for the UI tests: Debian's Chromium (/usr/bin/chromium, installed with apt when
 * missing and we are root on Debian; never a downloaded browser) driven by playwright-core,
 * headless, with a fresh profile per launch. Also makes sure the component bundle is fresh.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { BUNDLE_NAME, buildBundle, DEFAULT_DIST_DIR } from '../../../server/static.ts';

export const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../../../', import.meta.url));
export const artifactsDir = path.join(root, 'test/artifacts');

export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  // npm test installs it once before any file starts (scripts/test-prerequisites.ts). A file run
  // alone installs it here; apt holds one lock, so wait for another apt instead of failing at once
  // (several UI files starting together on a fresh machine did fail here, within a second).
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', '-o', 'DPkg::Lock::Timeout=300', 'chromium'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`apt-get install -y chromium\` (Debian's Chromium; no browser is downloaded)`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the bundle when it is missing or older than its sources (one builder at a time across processes). */
export async function ensureFreshBundle(): Promise<void> {
  const bundle = path.join(DEFAULT_DIST_DIR, BUNDLE_NAME);
  const sources = Math.max(newestMtime(path.join(root, 'web-components/src')), newestMtime(path.join(root, 'extension-src/engine')), statSync(path.join(root, 'web-components/vite.config.ts')).mtimeMs);
  const fresh = () => existsSync(bundle) && statSync(bundle).mtimeMs >= sources;
  if (fresh()) return;
  const lock = path.join(root, 'web-components/.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test process builds: wait for it (a lock older than two minutes is stale).
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build of the component bundle');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!fresh()) await buildBundle();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far (tests assert there are none). */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  ensureChromium();
  const profile = mkdtempSync(path.join(tmpdir(), 'pga-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  context.setDefaultTimeout(30_000); // generous: CI machines run many suites at once
  const closeContext = async () => {
    // Bounded: a browser that no longer answers must not hold the test process (Playwright
    // kills its browsers when the process exits).
    await Promise.race([context.close(), new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    rmSync(profile, { recursive: true, force: true });
  };
  const page = context.pages()[0] ?? (await context.newPage().catch(async (error: unknown) => {
    await closeContext().catch(() => {});
    throw error;
  }));
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  // A gateway error the page met (5xx: busy, closing, crashed) is printed as it happens: a test
  // that then times out waiting for a row or a field error shows why in its output.
  page.on('response', (response) => {
    if (response.status() < 500) return;
    void response.text().then(
      (body) => process.stderr.write(`[browser] ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}: ${body.slice(0, 300)}\n`),
      () => {},
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 4\d\d/.test(message.text())) errors.push(`console: ${message.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: closeContext,
  };
}

/**
 * Opens a blank page of the gateway's origin with the bundle loaded, and `html` as its body: how
 * an embedding portal uses one element alone.
 */
export async function mountAlone(page: Page, gatewayUrl: string, html: string): Promise<void> {
  // A page of the gateway's origin that the gateway does not have: served by the browser's router.
  const url = `${gatewayUrl}/__test-page__`;
  await page.unroute(url).catch(() => {});
  await page.route(url, (route) =>
    route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/${BUNDLE_NAME}"></script></head><body style="font-family:sans-serif;margin:16px">${html}</body></html>`,
    }),
  );
  await page.goto(url);
  await page.waitForFunction(() => customElements.get('pga-console') !== undefined);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
