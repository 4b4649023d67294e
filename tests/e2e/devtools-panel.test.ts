/**
 * Through the real DevTools panel (not the panel page opened as a tab): DevTools opens for
 * the demo tab, the Hindsight panel is shown, the stream appears in it, and a click on a
 * past step inside the real panel moves the app back.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ChromiumHarness, type DevtoolsPanelHandle, launchChromium } from './harness/chromium';
import { appTaskTitles, pollUntil } from './harness/panel';
import { type StaticServer, startStaticServer } from './harness/server';

const EXAMPLE = fileURLToPath(new URL('../../dist/example', import.meta.url));

let h: ChromiumHarness;
let server: StaticServer;
let app: Page;
let panel: DevtoolsPanelHandle;

beforeAll(async () => {
  server = await startStaticServer(EXAMPLE);
  h = await launchChromium({ devtools: true });
  app = await h.context.newPage();
  await app.goto(`${server.url}/`);
  panel = await h.openRealDevtoolsPanel(app);
});

afterAll(async () => {
  panel?.close();
  await h?.close();
  await server?.close();
});

test('the real DevTools panel shows the stream and jumps the app', async () => {
  expect(panel.url).toContain('/panel/panel.html');
  await app.fill('#task-input', 'From DevTools');
  await app.click('#add');
  const stepRow = (step: number) =>
    `document.querySelector('[data-testid=timeline-row][data-kind=step][data-step="${step}"][data-pid="' + document.querySelector('[data-testid=process-row][data-name=board]')?.getAttribute('data-pid') + '"]')`;
  await pollUntil(
    async () => panel.evaluate<boolean>(`!!${stepRow(1)}`),
    30_000,
    'step 1 of board in the real panel',
  );
  await expect.poll(() => appTaskTitles(app)).toHaveLength(3);
  await panel.evaluate(`${stepRow(0)}.click()`);
  await expect.poll(() => appTaskTitles(app)).toHaveLength(2);
  await pollUntil(
    () => panel.evaluate<boolean>(`!!document.querySelector('[data-testid=past-bar]')`),
    10_000,
    'past bar',
  );
});
