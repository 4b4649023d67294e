/**
 * The demo app with the add-on installed in Debian's firefox-esr (puppeteer-core over
 * WebDriver BiDi): the stream appears in the panel and a jump changes the app.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type FirefoxHarness, launchFirefox } from './harness/firefox';
import { pollUntil } from './harness/panel';
import { type StaticServer, startStaticServer } from './harness/server';

const EXAMPLE = fileURLToPath(new URL('../../dist/example', import.meta.url));

let f: FirefoxHarness;
let server: StaticServer;
let app: Page;
let panel: Page;

const titles = (p: Page) =>
  p.evaluate(() => [...document.querySelectorAll('#tasks li .title')].map((e) => e.textContent));

beforeAll(async () => {
  server = await startStaticServer(EXAMPLE);
  f = await launchFirefox();
  app = await f.openPage(`${server.url}/`);
  panel = await f.openPanelTab(`${server.url}/`);
});

afterAll(async () => {
  await f?.close();
  await server?.close();
});

test('Firefox: the stream appears in the panel and a jump changes the app', async () => {
  await app.evaluate(() => {
    const input = document.querySelector<HTMLInputElement>('#task-input')!;
    input.value = 'From Firefox';
    document.querySelector<HTMLButtonElement>('#add')!.click();
  });
  await expect.poll(() => titles(app)).toHaveLength(3);
  const pid = async () =>
    panel.evaluate(() =>
      document.querySelector('[data-testid=process-row][data-name=board]')?.getAttribute('data-pid'),
    );
  await pollUntil(async () => !!(await pid()), 30_000, 'board process in the panel');
  const boardPid = await pid();
  const hasStep = (step: number) =>
    panel.evaluate(
      (p, s) =>
        !!document.querySelector(
          `[data-testid=timeline-row][data-kind=step][data-pid="${p}"][data-step="${s}"]`,
        ),
      boardPid,
      step,
    );
  await pollUntil(() => hasStep(1), 30_000, 'step 1 in the panel');
  await panel.evaluate(
    (p) =>
      document
        .querySelector<HTMLElement>(
          `[data-testid=timeline-row][data-kind=step][data-pid="${p}"][data-step="0"]`,
        )!
        .click(),
    boardPid,
  );
  await expect.poll(() => titles(app)).toEqual(['Write the release notes', 'Review the pull request']);
});
