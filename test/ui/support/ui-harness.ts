/**
 * UI test harness: a fresh database with login roles and a gateway (test/gateway/harness.ts), the
 * fresh component bundle, and a real Chromium. `mount` puts one element alone on a page of the
 * gateway's origin (as an embedding portal would) after logging in as a role.
 */
import type { Page } from 'playwright-core';
import { createApi } from '../../../client/index.ts';
import { startGateway, type Gateway, type GatewayOptions } from '../../../server/main.ts';
import { serverUrl } from '../../support/database.ts';
import { startHarness, type Harness } from '../../gateway/harness.ts';
import { ensureFreshBundle, launchBrowser, mountAlone, type TestBrowser } from './browser.ts';

export interface UiHarness extends Harness {
  browser: TestBrowser;
  page: Page;
  /** The typed API client on the superuser pool (set-up and checks). */
  api: ReturnType<typeof createApi>;
  /** Logs the browser in as `role` (through the gateway) and mounts `html` alone on a blank page. */
  mount(html: string, role?: keyof Harness['roles'] | null): Promise<void>;
  close(): Promise<void>;
}

export async function startUiHarness(label: string, gatewayOptions: Partial<GatewayOptions> = {}): Promise<UiHarness> {
  await ensureFreshBundle();
  const h = await startHarness(label, gatewayOptions);
  // If the browser cannot start, close what is already open: the caller never gets a harness to
  // close, and a gateway left listening keeps the test process alive for ever.
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await h.close().catch(() => {});
    throw error;
  });
  const api = createApi(h.db.pool);
  return {
    ...h,
    browser,
    page: browser.page,
    api,
    async mount(html, role = 'admin') {
      await browser.context.clearCookies();
      if (role) {
        const reply = await browser.context.request.post(`${h.gateway.url}/auth/login`, { data: { user: h.roles[role], password: h.password } });
        if (!reply.ok()) throw new Error(`login as ${role} failed: ${reply.status()}`);
      }
      await mountAlone(browser.page, h.gateway.url, html);
    },
    async close() {
      await browser.close().catch(() => {});
      await h.close();
    },
  };
}

/** A gateway for presentational elements: no pgautomator database needed, only the bundle. */
export async function startStaticPage(): Promise<{ gateway: Gateway; browser: TestBrowser; page: Page; mount(html: string): Promise<void>; close(): Promise<void> }> {
  await ensureFreshBundle();
  const gateway = await startGateway({ databaseUrl: serverUrl, port: 0, buildUi: 'never', log: () => {} });
  const browser = await launchBrowser().catch(async (error: unknown) => {
    await gateway.close().catch(() => {});
    throw error;
  });
  return {
    gateway,
    browser,
    page: browser.page,
    mount: (html) => mountAlone(browser.page, gateway.url, html),
    async close() {
      await browser.close().catch(() => {});
      await gateway.close();
    },
  };
}

