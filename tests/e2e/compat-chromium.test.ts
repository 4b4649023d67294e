/**
 * Apps written for Redux DevTools, with no Hindsight import, in Chromium with the built
 * extension: its MAIN-world script installs the compatible global, each app's store shows
 * up in the panel, and a click on a past step changes the app's DOM; Skip and the store ops
 * (commit / rollback / reset) from the panel change it too.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChromiumHarness, launchChromium } from './harness/chromium';
import { serveCompatApps } from './harness/compat-apps';
import { processPid } from './harness/panel';
import type { StaticServer } from './harness/server';

let h: ChromiumHarness;
let server: StaticServer;

beforeAll(async () => {
  server = await serveCompatApps();
  h = await launchChromium();
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

async function counterApp(path: string): Promise<{ app: Page; panel: Page }> {
  const app = await h.context.newPage();
  await app.goto(`${server.url}${path}`);
  const panel = await h.openPanelTab(await h.tabIdOf(app));
  return { app, panel };
}

const shown = (app: Page) => app.locator('#n').textContent();

describe.each([
  ['Redux Toolkit', '/rtk.html', 'rtk counter', 'counter/inc'],
  ['Zustand devtools middleware', '/zustand.html', 'zustand counter', 'inc'],
])('%s app, unchanged, in Chromium', (_lib, path, name, action) => {
  test('shows up in the panel; a click on a past step changes the app DOM; present restores', async () => {
    const { app, panel } = await counterApp(path);
    expect(
      await app.evaluate(
        () => typeof (window as { __REDUX_DEVTOOLS_EXTENSION__?: unknown }).__REDUX_DEVTOOLS_EXTENSION__,
      ),
    ).toBe('function');
    for (let i = 0; i < 3; i++) await app.click('#inc');
    await expect.poll(() => shown(app)).toBe('3');
    const pid = await processPid(panel, name);
    await panel
      .locator(`[data-testid=timeline-row][data-kind=step][data-pid="${pid}"][data-name="${action}"]`)
      .nth(2)
      .waitFor();
    await panel
      .locator(`[data-testid=timeline-row][data-kind=step][data-pid="${pid}"][data-step="1"]`)
      .click();
    await expect.poll(() => shown(app)).toBe('1');
    await panel.locator('[data-testid=present]').click();
    await expect.poll(() => shown(app)).toBe('3');
    // The app goes on from its present.
    await app.click('#inc');
    await expect.poll(() => shown(app)).toBe('4');
    await app.close();
    await panel.close();
  });
});

test('Redux Toolkit: Skip on an earlier action recomputes the app without it; Un-skip brings it back', async () => {
  const { app, panel } = await counterApp('/rtk.html');
  await app.click('#inc');
  await app.click('#add');
  await app.click('#inc');
  await expect.poll(() => shown(app)).toBe('12');
  const pid = await processPid(panel, 'rtk counter');
  const addRow = panel.locator(
    `[data-testid=timeline-row][data-kind=message][data-pid="${pid}"][data-name="counter/add"]`,
  );
  // Selecting the message also moves the app to the state after it.
  await addRow.click();
  await expect.poll(() => shown(app)).toBe('11');
  const skip = panel.locator('[data-testid=skip-toggle]');
  await expect.poll(() => skip.textContent()).toBe('Skip');
  await skip.click();
  // The page recomputes every later state without the +10: the present, not a past step.
  await expect.poll(() => shown(app)).toBe('2');
  await expect.poll(() => addRow.getAttribute('class')).toContain('skipped');
  await expect.poll(() => skip.textContent()).toBe('Un-skip');
  await expect.poll(() => panel.locator('[data-testid=past-bar]').count()).toBe(0);
  // The app goes on from the recomputed state; un-skip puts the +10 back under everything.
  await app.click('#inc');
  await expect.poll(() => shown(app)).toBe('3');
  await skip.click();
  await expect.poll(() => shown(app)).toBe('13');
  await expect.poll(() => addRow.getAttribute('class')).not.toContain('skipped');
  await app.close();
  await panel.close();
});

describe.each([
  ['Redux Toolkit (enhancer)', '/rtk.html'],
  ['Zustand (connect)', '/zustand.html'],
])('%s: store ops from the panel menu', (_lib, path) => {
  test('commit, more changes, rollback → the committed state; reset → the initial state', async () => {
    const { app, panel } = await counterApp(path);
    const op = async (name: string) => {
      await panel.locator('[data-testid=store-ops] summary').click();
      await panel.locator(`[data-testid=store-op-${name}]`).click();
    };
    await app.click('#inc');
    await expect.poll(() => shown(app)).toBe('1');
    await panel.locator('[data-testid=store-ops]').waitFor();
    await op('commit');
    // The commit's answer step is on record before the app moves on.
    await panel.locator('[data-testid=timeline-row][data-kind=step][data-name="@@COMMIT"]').waitFor();
    await app.click('#inc');
    await app.click('#inc');
    await expect.poll(() => shown(app)).toBe('3');
    await op('rollback');
    await expect.poll(() => shown(app)).toBe('1');
    await op('reset');
    await expect.poll(() => shown(app)).toBe('0');
    await app.click('#inc');
    await expect.poll(() => shown(app)).toBe('1');
    await app.close();
    await panel.close();
  });
});

test('the panel setting turns the global off (after a reload) and on again; the app works either way', async () => {
  const { app, panel } = await counterApp('/rtk.html');
  const hasGlobal = () =>
    app.evaluate(
      () => typeof (window as { __REDUX_DEVTOOLS_EXTENSION__?: unknown }).__REDUX_DEVTOOLS_EXTENSION__,
    );
  expect(await hasGlobal()).toBe('function');
  await panel.click('[data-testid=settings]');
  const box = panel.locator('[data-testid=setting-compat-global]');
  await expect.poll(() => box.isChecked()).toBe(true);
  await box.uncheck();
  // The content script mirrors the change into the open page at once: one reload applies it.
  await expect.poll(() => app.evaluate(() => localStorage.getItem('__hindsight_compat_off'))).toBe('1');
  await app.reload();
  expect(await hasGlobal()).toBe('undefined');
  await app.click('#inc');
  await expect.poll(() => shown(app)).toBe('1');
  await box.check();
  await expect.poll(() => app.evaluate(() => localStorage.getItem('__hindsight_compat_off'))).toBe(null);
  await app.reload();
  expect(await hasGlobal()).toBe('function');
  await app.close();
  await panel.close();
});
