/**
 * Launch Debian's Chromium (headless) with the built extension (dist/chrome), following
 * shared/BROWSER-TESTING.md. Run `npm run build` first.
 *
 * Facts this relies on (checked here):
 * - `chrome.tabs.query` shows no tab URLs without the "tabs" permission (content-script
 *   matches do not count), so `tabIdOf(page)` brings the page to front and asks for the
 *   active tab of its window, from an extension page (not the service worker, which may be
 *   stopped; evaluating a stopped worker hangs).
 * - CDP `ServiceWorker.stopAllWorkers` stops the worker in ~10 ms; our content scripts
 *   reconnect at once, which starts it again.
 * - The real DevTools panel opens headless with `--auto-open-devtools-for-tabs`; it is
 *   selected with `DevToolsAPI.showPanel('chrome-extension://<id>Hindsight')` in the
 *   `devtools://` targets and then is an `iframe` target at panel/panel.html.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type CDPSession, chromium, type Page, type Worker } from 'playwright-core';
import { CdpConnection, listTargets } from './cdp';

/** dist/chrome, or `$HINDSIGHT_DIST/chrome` when the build was made elsewhere (scripts/build.mjs). */
export const CHROME_DIST = process.env.HINDSIGHT_DIST
  ? resolve(process.env.HINDSIGHT_DIST, 'chrome')
  : fileURLToPath(new URL('../../../dist/chrome', import.meta.url));
/** Pinned by the "key" in manifest.json. */
export const EXTENSION_ID = 'cfpaoeehohmmbebmohdjbfphnmljeend';
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const PANEL_TITLE = 'Hindsight';

export interface LaunchChromiumOptions {
  /** Open DevTools for every tab and allow raw CDP to it (for `openRealDevtoolsPanel`). */
  devtools?: boolean;
  /** Extension directory (default dist/chrome). */
  extensionDir?: string;
  /** Default true; the demo runs headful where a display exists. */
  headless?: boolean;
  /** Profile directory to use and keep (default: a temporary one, removed on close). */
  profileDir?: string;
}

export interface DevtoolsPanelHandle {
  /** The panel iframe's URL (chrome-extension://<id>/panel/panel.html). */
  url: string;
  /** The inspected tab of the DevTools window this panel lives in. */
  tabId: number;
  /** Evaluate an expression inside the panel iframe (promises awaited, value returned as JSON). */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** A raw CDP command to the panel iframe's target. */
  send<T = unknown>(method: string, params?: object): Promise<T>;
  close(): void;
}

export interface ChromiumHarness {
  context: BrowserContext;
  extensionId: string;
  profileDir: string;
  /** The running extension service worker (woken first if it is stopped). */
  serviceWorker(): Promise<Worker>;
  /** The extension tab id of `page`. Brings the page to the front. */
  tabIdOf(page: Page): Promise<number>;
  /** Open an extension page (default panel/panel.html) as a normal tab with `?tabId=N`. */
  openPanelTab(tabId: number, path?: string): Promise<Page>;
  /** Open the test-only link probe (panel/link-probe.html?tabId=N). */
  openProbeTab(tabId: number): Promise<Page>;
  /** Stop the extension service worker via CDP; resolves once it reported `stopped`. */
  stopServiceWorker(): Promise<void>;
  /** Show the Hindsight panel in the real DevTools of `page` (needs `devtools: true`). */
  openRealDevtoolsPanel(page: Page, timeoutMs?: number): Promise<DevtoolsPanelHandle>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<ChromiumHarness> {
  const dir = resolve(opts.extensionDir ?? CHROME_DIST);
  if (!existsSync(join(dir, 'manifest.json')))
    throw new Error(`${dir}/manifest.json missing: run npm run build`);
  const keepProfile = !!opts.profileDir;
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'hindsight-chromium-'));
  const args = [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`, ...CHROMIUM_ARGS];
  if (opts.devtools) args.push('--auto-open-devtools-for-tabs', '--remote-debugging-port=0');
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: opts.headless ?? true,
      args,
    });
  } catch (e) {
    if (!keepProfile) rmSync(profileDir, { recursive: true, force: true });
    throw e;
  }

  const isOurs = (w: Worker) => w.url().startsWith(`chrome-extension://${EXTENSION_ID}/`);
  let first = context.serviceWorkers().find(isOurs);
  if (!first) first = await context.waitForEvent('serviceworker', { predicate: isOurs, timeout: 30_000 });
  const extensionId = new URL(first.url()).host;
  if (extensionId !== EXTENSION_ID) throw new Error(`unexpected extension id ${extensionId}`);
  const base = `chrome-extension://${extensionId}`;

  // An extension page kept open for privileged calls (tabs API, CDP session); it is the
  // link probe without a tabId, which connects nothing.
  let helper: Page | null = null;
  const getHelper = async (): Promise<Page> => {
    if (helper && !helper.isClosed()) return helper;
    const p = await context.newPage();
    await p.goto(`${base}/panel/link-probe.html`);
    helper = p;
    return p;
  };

  let cdp: CDPSession | null = null;
  const stopListeners = new Set<(status: string) => void>();
  const getCdp = async (): Promise<CDPSession> => {
    if (cdp) return cdp;
    const session = await context.newCDPSession(await getHelper());
    session.on('ServiceWorker.workerVersionUpdated', (e) => {
      for (const v of e.versions) {
        if (v.scriptURL.startsWith(`${base}/`)) for (const l of stopListeners) l(v.runningStatus);
      }
    });
    await session.send('ServiceWorker.enable');
    cdp = session;
    return session;
  };

  // tabIdOf changes the active tab: one at a time.
  let tabLock: Promise<unknown> = Promise.resolve();

  const harness: ChromiumHarness = {
    context,
    extensionId,
    profileDir,

    async serviceWorker() {
      const live = context.serviceWorkers().find(isOurs);
      if (live) return live;
      const waiting = context.waitForEvent('serviceworker', { predicate: isOurs, timeout: 30_000 });
      // Any connect wakes the worker; it disconnects Ports with names it does not know.
      const h = await getHelper();
      await h.evaluate(() => {
        chrome.runtime.connect({ name: 'hindsight-wake' });
      });
      return waiting;
    },

    tabIdOf(page) {
      const run = tabLock.then(async () => {
        const h = await getHelper();
        const session = await context.newCDPSession(page);
        let windowId: number;
        try {
          ({ windowId } = await session.send('Browser.getWindowForTarget'));
        } finally {
          await session.detach().catch(() => {});
        }
        if (page === h) return h.evaluate(() => chrome.tabs.getCurrent().then((t) => t?.id ?? -1));
        const self = await h.evaluate(() =>
          chrome.tabs.getCurrent().then((t) => ({ id: t?.id ?? -1, windowId: t?.windowId ?? -1 })),
        );
        const active = () =>
          h.evaluate(
            (w) => chrome.tabs.query({ active: true, windowId: w }).then((ts) => ts.map((t) => t.id ?? -1)),
            windowId,
          );
        // bringToFront resolves before the tabs model may show the switch. So, when the
        // helper shares the window: make the helper (known id) active first, then the page,
        // and wait for the active tab to change away from the helper.
        const sameWindow = self.windowId === windowId;
        if (sameWindow) {
          await h.bringToFront();
          for (let i = 0; ; i++) {
            const ids = await active();
            if (ids.length === 1 && ids[0] === self.id) break;
            if (i > 100) throw new Error('tabIdOf: the helper tab did not become active');
            await sleep(50);
          }
        }
        await page.bringToFront();
        let previous = -1;
        for (let i = 0; i < 200; i++) {
          const ids = await active();
          const id = ids.length === 1 ? ids[0] : -1;
          if (id >= 0 && (!sameWindow || id !== self.id)) {
            // Without the helper as a reference, wait for two equal answers in a row.
            if (sameWindow || id === previous) return id;
            previous = id;
          }
          await sleep(50);
        }
        throw new Error('tabIdOf: the page did not become the active tab');
      });
      tabLock = run.catch(() => {});
      return run;
    },

    async openPanelTab(tabId, path = 'panel/panel.html') {
      const p = await context.newPage();
      await p.goto(`${base}/${path}?tabId=${tabId}`);
      return p;
    },

    openProbeTab(tabId) {
      return harness.openPanelTab(tabId, 'panel/link-probe.html');
    },

    async stopServiceWorker() {
      const session = await getCdp();
      let done!: () => void;
      const stopped = new Promise<void>((ok) => {
        done = ok;
      });
      const listener = (status: string) => {
        if (status === 'stopped') done();
      };
      stopListeners.add(listener);
      try {
        await session.send('ServiceWorker.stopAllWorkers');
        await Promise.race([
          stopped,
          sleep(10_000).then(() => {
            throw new Error('service worker did not report stopped');
          }),
        ]);
      } finally {
        stopListeners.delete(listener);
      }
    },

    async openRealDevtoolsPanel(page, timeoutMs = 60_000) {
      if (!opts.devtools)
        throw new Error('launchChromium({ devtools: true }) is needed for the real DevTools panel');
      const tabId = await harness.tabIdOf(page);
      const portFile = join(profileDir, 'DevToolsActivePort');
      const deadline = Date.now() + timeoutMs;
      let port = 0;
      while (!port) {
        if (existsSync(portFile)) port = Number(readFileSync(portFile, 'utf8').split('\n')[0]) || 0;
        if (!port) {
          if (Date.now() > deadline) throw new Error('DevToolsActivePort not written');
          await sleep(100);
        }
      }
      const panelId = `${base}${PANEL_TITLE}`;
      let lastError = 'no panel iframe yet';
      while (Date.now() < deadline) {
        const targets = await listTargets(port);
        // Panels already shown: pick the one inspecting our tab.
        for (const t of targets) {
          if (t.type !== 'iframe' || !t.url.startsWith(`${base}/panel/panel.html`) || !t.webSocketDebuggerUrl)
            continue;
          let conn: CdpConnection | null = null;
          try {
            conn = await CdpConnection.open(t.webSocketDebuggerUrl);
            const inspected = await conn.evaluate<number | null>(
              'globalThis.chrome?.devtools?.inspectedWindow?.tabId ?? null',
            );
            if (inspected === tabId) {
              const c = conn;
              conn = null;
              return {
                url: t.url,
                tabId,
                evaluate: <T>(expression: string) => c.evaluate<T>(expression),
                send: <T>(method: string, params?: object) => c.send<T>(method, params),
                close: () => c.close(),
              };
            }
          } catch (e) {
            lastError = String(e);
          } finally {
            conn?.close();
          }
        }
        // Ask every DevTools window to show the panel (it exists once devtools.html ran).
        for (const t of targets) {
          if (!t.url.startsWith('devtools://') || !t.webSocketDebuggerUrl) continue;
          let conn: CdpConnection | null = null;
          try {
            conn = await CdpConnection.open(t.webSocketDebuggerUrl);
            await conn.evaluate(
              `typeof DevToolsAPI !== 'undefined' && (DevToolsAPI.showPanel(${JSON.stringify(panelId)}), true)`,
            );
          } catch (e) {
            lastError = String(e);
          } finally {
            conn?.close();
          }
        }
        await sleep(250);
      }
      throw new Error(`real DevTools panel not found for tab ${tabId}: ${lastError}`);
    },

    async close() {
      try {
        await context.close();
      } finally {
        if (!keepProfile) rmSync(profileDir, { recursive: true, force: true });
      }
    },
  };
  return harness;
}
