/**
 * The gateway's static side: the component bundle (web-components/dist, built by Vite) and the
 * console page at `/` that composes the elements.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';

export const BUNDLE_NAME = 'pgautomator-components.js';
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../web-components/dist/', import.meta.url));
const VITE_CONFIG = fileURLToPath(new URL('../web-components/vite.config.ts', import.meta.url));

let building: Promise<void> | undefined;

/** Builds the bundle with Vite (a dev dependency) into web-components/dist. */
export function buildBundle(): Promise<void> {
  building ??= (async () => {
    const vite = await import('vite').catch(() => {
      throw new Error(`the component bundle is missing and Vite is not installed: run \`npm ci && npm run build:ui\``);
    });
    await vite.build({ configFile: VITE_CONFIG, logLevel: 'warn' });
  })().finally(() => (building = undefined));
  return building;
}

/** Makes sure the bundle exists in `distDir` (building it when `build` allows and it is missing). */
export async function ensureBundle(distDir: string, build: 'auto' | 'always' | 'never'): Promise<boolean> {
  const file = `${distDir.replace(/\/?$/, '/')}${BUNDLE_NAME}`;
  if (build === 'always' || (build === 'auto' && !existsSync(file))) {
    if (distDir !== DEFAULT_DIST_DIR) throw new Error(`cannot build into ${distDir}: Vite builds into ${DEFAULT_DIST_DIR}`);
    await buildBundle();
  }
  return existsSync(file);
}

export function consolePage(title = 'pgAutomator'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%2314202e'/%3E%3Cpath d='M4 8.5l2.5 2.5L12 5' stroke='%231f6feb' stroke-width='2' fill='none'/%3E%3C/svg%3E">
<style>
  html, body { margin: 0; height: 100%; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f8; color: #1d2733; }
</style>
<script type="module" src="/${BUNDLE_NAME}"></script>
</head>
<body>
<pga-console gateway-url=""></pga-console>
</body>
</html>
`;
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Serves `/`, `/index.html` and the bundle (with its source map); false when the path is not static. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string, distDir: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (pathname === '/' || pathname === '/index.html') {
    const body = consolePage();
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      // The page loads only our own script and talks only to us; no framing by other sites.
      'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  if (pathname === `/${BUNDLE_NAME}` || pathname === `/${BUNDLE_NAME}.map`) {
    const file = `${distDir.replace(/\/?$/, '/')}${pathname.slice(1)}`;
    const info = await stat(file).catch(() => undefined);
    if (!info) {
      res.writeHead(503, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('the component bundle is not built: run `npm run build:ui`\n');
      return true;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': pathname.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Length': info.size,
    });
    res.end(req.method === 'HEAD' ? undefined : await readFile(file));
    return true;
  }
  return false;
}
