/**
 * Launch Debian's Firefox ESR (headless) through puppeteer-core over WebDriver BiDi and
 * install the built extension (dist/firefox) as a temporary add-on, following
 * shared/BROWSER-TESTING.md. Run `npm run build` first.
 *
 * - The moz-extension UUID is pinned by a pref, so extension URLs are known up front.
 * - Navigating to a moz-extension:// page never reports load: `goto` is started without
 *   waiting and `location.href` is polled.
 * - `tabs.query` with a port in the URL pattern matches nothing in Firefox: `tabIdOf`
 *   lists all tabs from an extension page and filters (Firefox shows the URLs of tabs the
 *   content script may run in).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** dist/firefox, or `$HINDSIGHT_DIST/firefox` when the build was made elsewhere (scripts/build.mjs). */
export const FIREFOX_DIST = process.env.HINDSIGHT_DIST
  ? resolve(process.env.HINDSIGHT_DIST, 'firefox')
  : fileURLToPath(new URL('../../../dist/firefox', import.meta.url));
export const FIREFOX_PATH = '/usr/bin/firefox-esr';
export const GECKO_ID = 'hindsight@hindsight.dev';
/** Pinned through the `extensions.webextensions.uuids` pref. */
export const FIREFOX_UUID = '6c1f3f0e-8a52-4d43-9b0e-7d2f8e4a1b17';

export interface LaunchFirefoxOptions {
  extensionDir?: string;
}

export interface FirefoxHarness {
  browser: Browser;
  uuid: string;
  /** moz-extension://<uuid> */
  base: string;
  /** Open a page and wait until it shows `url` (works for moz-extension:// pages too). */
  openPage(url: string, timeoutMs?: number): Promise<Page>;
  /**
   * Open an extension page (default panel/panel.html) as a normal tab for the tab given by
   * id, or by a URL (exact) / predicate matched against all tabs.
   */
  openPanelTab(tab: number | string | ((url: string) => boolean), path?: string): Promise<Page>;
  /** Open the test-only link probe (panel/link-probe.html?tabId=N). */
  openProbeTab(tab: number | string | ((url: string) => boolean)): Promise<Page>;
  /** The extension tab id of the tab whose URL is `url` (or matches the predicate). */
  tabIdOf(url: string | ((url: string) => boolean), timeoutMs?: number): Promise<number>;
  /** Evaluate an expression in the browser's privileged (chrome) window scope over raw BiDi. */
  evaluateChrome<T = unknown>(expression: string): Promise<T>;
  /** Whether the extension's background (event page) is running. */
  isBackgroundRunning(): Promise<boolean>;
  /** Terminate the background event page, as Firefox does when it is idle. */
  terminateBackground(): Promise<void>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function launchFirefox(opts: LaunchFirefoxOptions = {}): Promise<FirefoxHarness> {
  const dir = resolve(opts.extensionDir ?? FIREFOX_DIST);
  if (!existsSync(join(dir, 'manifest.json')))
    throw new Error(`${dir}/manifest.json missing: run npm run build`);
  const profileDir = mkdtempSync(join(tmpdir(), 'hindsight-firefox-'));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      userDataDir: profileDir,
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
        // Tabs behind the probe/panel tab are "background": without these, their timers run
        // at most once a second (as Playwright's flags do for Chromium).
        'dom.min_background_timeout_value': 4,
        'dom.min_background_timeout_value_without_budget_throttling': 4,
        'dom.timeout.enable_budget_timer_throttling': false,
      },
    });
  } catch (e) {
    rmSync(profileDir, { recursive: true, force: true });
    throw e;
  }
  const installed = await browser.installExtension(dir);
  if (installed !== GECKO_ID) throw new Error(`unexpected add-on id ${installed}`);
  const base = `moz-extension://${FIREFOX_UUID}`;

  const openPage = async (url: string, timeoutMs = 30_000): Promise<Page> => {
    const page = await browser.newPage();
    page.goto(url).catch(() => {
      // moz-extension:// navigations never report load ("Frame detached"); polled below.
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const href = await page.evaluate(() => location.href);
        if (href === url && (await page.evaluate(() => document.readyState)) !== 'loading') return page;
      } catch {
        // navigating
      }
      if (Date.now() > deadline) throw new Error(`page did not open: ${url}`);
      await sleep(100);
    }
  };

  let helper: Page | null = null;
  const getHelper = async (): Promise<Page> => {
    if (helper && !helper.isClosed()) return helper;
    helper = await openPage(`${base}/panel/link-probe.html`);
    return helper;
  };

  const tabIdOf = async (match: string | ((url: string) => boolean), timeoutMs = 30_000): Promise<number> => {
    const test = typeof match === 'string' ? (u: string) => u === match : match;
    const h = await getHelper();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tabs = await h.evaluate(() =>
        // `browser` here is the WebExtension global of the extension page.
        (globalThis as unknown as { browser: typeof chrome }).browser.tabs
          .query({})
          .then((ts) => ts.map((t) => ({ id: t.id ?? -1, url: t.url ?? '' }))),
      );
      const hits = tabs.filter((t) => t.id >= 0 && test(t.url));
      if (hits.length === 1) return hits[0].id;
      if (hits.length > 1) throw new Error(`tabIdOf: ${hits.length} tabs match`);
      if (Date.now() > deadline) throw new Error('tabIdOf: no tab matches');
      await sleep(100);
    }
  };

  // Raw BiDi (puppeteer's connection is internal API): `moz:scope: 'chrome'` lists the
  // privileged browser windows, allowed by --remote-allow-system-access.
  type BidiSend = (method: string, params: object) => Promise<{ result: unknown }>;
  const connection = (browser as unknown as { connection: { send: BidiSend } }).connection;
  const evaluateChrome = async <T>(expression: string): Promise<T> => {
    const tree = (await connection.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result as {
      contexts: { context: string }[];
    };
    const context = tree.contexts[0]?.context;
    if (!context) throw new Error('no chrome browsing context');
    const r = (
      await connection.send('script.evaluate', { expression, target: { context }, awaitPromise: true })
    ).result as {
      type: string;
      result?: { type: string; value?: unknown };
      exceptionDetails?: { text: string };
    };
    if (r.type !== 'success') throw new Error(`chrome evaluate failed: ${r.exceptionDetails?.text}`);
    // Results come back BiDi-serialized: ask for strings (JSON) to keep it simple.
    return (r.result?.type === 'string' ? JSON.parse(r.result.value as string) : undefined) as T;
  };
  const debugUtils = `ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs').ExtensionParent.DebugUtils`;

  const harness: FirefoxHarness = {
    browser,
    uuid: FIREFOX_UUID,
    base,
    openPage,
    tabIdOf,
    async openPanelTab(tab, path = 'panel/panel.html') {
      const tabId = typeof tab === 'number' ? tab : await tabIdOf(tab);
      return openPage(`${base}/${path}?tabId=${tabId}`);
    },
    openProbeTab(tab) {
      return harness.openPanelTab(tab, 'panel/link-probe.html');
    },
    evaluateChrome,
    isBackgroundRunning() {
      return evaluateChrome<boolean>(
        `(async () => JSON.stringify(!!(await ${debugUtils}.isBackgroundScriptRunning(${JSON.stringify(GECKO_ID)}))))()`,
      );
    },
    async terminateBackground() {
      await evaluateChrome(
        `(async () => { await ${debugUtils}.terminateBackgroundScript(${JSON.stringify(GECKO_ID)}); return 'null'; })()`,
      );
    },
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(profileDir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}
