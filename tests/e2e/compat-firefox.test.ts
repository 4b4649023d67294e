/**
 * The same Redux-DevTools apps, unchanged, with the add-on in firefox-esr: the MAIN-world
 * script installs the global there too, the stores show up, and a jump changes the DOM.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveCompatApps } from './harness/compat-apps';
import { type FirefoxHarness, launchFirefox } from './harness/firefox';
import { pollUntil } from './harness/panel';
import type { StaticServer } from './harness/server';

let f: FirefoxHarness;
let server: StaticServer;

beforeAll(async () => {
  server = await serveCompatApps();
  f = await launchFirefox();
});

afterAll(async () => {
  await f?.close();
  await server?.close();
});

const shown = (app: Page) => app.evaluate(() => document.querySelector('#n')?.textContent);
const click = (app: Page) => app.evaluate(() => document.querySelector<HTMLButtonElement>('#inc')!.click());

describe.each([
  ['Redux Toolkit', '/rtk.html', 'rtk counter'],
  ['Zustand devtools middleware', '/zustand.html', 'zustand counter'],
])('%s app, unchanged, in Firefox', (_lib, path, name) => {
  test('shows up in the panel and a click on a past step changes the app DOM', async () => {
    const url = `${server.url}${path}`;
    const app = await f.openPage(url);
    const panel = await f.openPanelTab(url);
    expect(
      await app.evaluate(
        () => typeof (window as { __REDUX_DEVTOOLS_EXTENSION__?: unknown }).__REDUX_DEVTOOLS_EXTENSION__,
      ),
    ).toBe('function');
    for (let i = 0; i < 3; i++) await click(app);
    await expect.poll(() => shown(app)).toBe('3');
    const pid = () =>
      panel.evaluate(
        (n) =>
          document.querySelector(`[data-testid=process-row][data-name="${n}"]`)?.getAttribute('data-pid'),
        name,
      );
    await pollUntil(async () => !!(await pid()), 30_000, `${name} in the panel`);
    const p = await pid();
    const stepRow = (s: number) =>
      `[data-testid=timeline-row][data-kind=step][data-pid="${p}"][data-step="${s}"]`;
    await pollUntil(
      () => panel.evaluate((sel) => !!document.querySelector(sel), stepRow(3)),
      30_000,
      'step 3',
    );
    await panel.evaluate((sel) => document.querySelector<HTMLElement>(sel)!.click(), stepRow(1));
    await expect.poll(() => shown(app)).toBe('1');
    await app.close();
    await panel.close();
  });
});
