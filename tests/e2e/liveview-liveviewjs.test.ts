/**
 * The LiveView adapter against a live LiveView server, not a recording: LiveViewJS 0.8.1
 * on Express, started by this test on 127.0.0.1, with the real phoenix_live_view 1.0.19
 * client in Chromium and the built extension. The server also reports its assigns and
 * handler times through `push_event("hindsight:report", …)`.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ChromiumHarness, launchChromium } from './harness/chromium';
import { type LvjsServer, startLiveViewJsServer } from './harness/liveview-lvjs-server';
import { appBundle } from './harness/liveview-page';
import { expectHtmlMatches, type PanelSnapshot, snapshot } from './harness/liveview-panel';
import { pollUntil } from './harness/panel';

let h: ChromiumHarness;
let server: LvjsServer;
let app: Page;
let panel: Page;
const errors: string[] = [];

beforeAll(async () => {
  server = await startLiveViewJsServer(await appBundle('1.0'));
  h = await launchChromium();
  app = await h.context.newPage();
  app.on('pageerror', (e) => errors.push(String(e)));
  await app.goto(`${server.url}/counter`);
  panel = await h.openPanelTab(await h.tabIdOf(app));
  await panel.locator('[data-testid=process-row][data-name="LiveView /counter"]').waitFor();
});

afterAll(async () => {
  await h?.close();
  await server?.close();
});

const lvOf = (s: PanelSnapshot) => s.procs.find((p) => p.name === 'LiveView /counter')!;

test('join, events with round trips and steps; the rebuilt HTML equals the DOM after each', async () => {
  await expectHtmlMatches(app, panel, 'after the join');
  for (const [id, count] of [
    ['#inc', '1'],
    ['#inc', '2'],
    ['#dec', '1'],
    ['#inc', '2'],
  ]) {
    await app.click(id);
    // The page shows the reply first, so the comparison is with the state after it.
    await expect.poll(() => app.textContent('#count')).toBe(count);
    await expectHtmlMatches(app, panel, `after ${id}`);
  }
  await expect.poll(() => app.textContent('#count')).toBe('2');
  await pollUntil(
    async () => (await snapshot(panel)).msgs.filter((m) => m.kind === 'event' && m.doneAt).length >= 4,
    10_000,
    'four events answered',
  );
  const s = await snapshot(panel);
  const lv = lvOf(s);
  expect(lv).toMatchObject({ kind: 'liveview', status: 'running' });
  expect(lv.caps).toMatchObject({ jump: false, replay: true, preview: true });
  // The client's pushes (the server's handler reports are events too, by their own name).
  const events = s.msgs.filter((m) => m.pid === lv.pid && m.kind === 'event' && !m.name.startsWith('handle'));
  expect(events.map((m) => m.name)).toEqual(['inc', 'inc', 'dec', 'inc']);
  for (const m of events) {
    expect(m.error).toBeUndefined();
    expect(m.doneAt! - m.startedAt!).toBeGreaterThanOrEqual(0);
    expect(m.steps.length).toBeGreaterThan(0);
  }
  expect(s.steps[lv.pid].name).toBe('event:inc');
  expect(errors).toEqual([]);
});

test('preview: a past step rendered in a sandboxed frame beside the present, saying what the server owns', async () => {
  const lv = lvOf(await snapshot(panel));
  await panel
    .locator(`[data-testid=timeline-row][data-kind=step][data-pid="${lv.pid}"][data-step="1"]`)
    .click();
  const past = panel.frameLocator('[data-testid=lv-preview-past]');
  const present = panel.frameLocator('[data-testid=lv-preview-present]');
  // Step 1 is the join (count 0); the present is after the four events (count 2).
  await expect.poll(() => past.locator('#count').textContent()).toBe('0');
  await expect.poll(() => present.locator('#count').textContent()).toBe('2');
  expect(await app.textContent('#count')).toBe('2');
  for (const id of ['lv-preview-past', 'lv-preview-present'])
    expect(await panel.getAttribute(`[data-testid=${id}]`, 'sandbox')).toBe('');
  // The rebuilt page's buttons are inert copies: nothing in the frame reaches the app.
  await past.locator('#inc').click();
  await new Promise((r) => setTimeout(r, 300));
  expect(await app.textContent('#count')).toBe('2');
  expect(await panel.textContent('[data-testid=lv-server-owns]')).toContain(
    "The server owns this LiveView's assigns.",
  );
});

test('server-reported assigns and handler times appear in the same process', async () => {
  await pollUntil(
    async () => {
      const s = await snapshot(panel);
      const st = s.steps[lvOf(s).pid]?.state as { assigns?: { count?: number } } | undefined;
      return st?.assigns?.count === 2;
    },
    10_000,
    'assigns reported by the server',
  );
  const s = await snapshot(panel);
  const lv = lvOf(s);
  expect(s.steps[lv.pid].keys?.['assigns.count']).toBe(1);
  const handlers = s.msgs.filter((m) => m.pid === lv.pid && m.name.startsWith('handleEvent '));
  expect(handlers.map((m) => m.name)).toEqual([
    'handleEvent inc',
    'handleEvent inc',
    'handleEvent dec',
    'handleEvent inc',
  ]);
  for (const m of handlers) expect(m.doneAt).toBeGreaterThanOrEqual(m.startedAt!);
});

test('pushed events, the page title and a server-initiated diff (sendInfo)', async () => {
  // The client sets document.title in a requestAnimationFrame: give the app tab the focus.
  await app.bringToFront();
  await app.click('#shout');
  await expect.poll(() => app.title()).toBe('Shouted!');
  await pollUntil(
    async () => {
      const s = await snapshot(panel);
      const st = s.steps[lvOf(s).pid]?.state as { title?: string } | undefined;
      return st?.title === 'Shouted!';
    },
    10_000,
    'the title in the rebuilt state',
  );
  expect((await snapshot(panel)).msgs.some((m) => m.kind === 'info' && m.name === 'js-hello')).toBe(true);
  await app.click('#later');
  await expect.poll(() => app.textContent('#note')).toBe('info handled');
  await pollUntil(
    async () => (await snapshot(panel)).msgs.some((m) => m.kind === 'info' && m.name === 'diff'),
    10_000,
    'the diff pushed after sendInfo',
  );
  await expectHtmlMatches(app, panel, 'after sendInfo');
  expect(errors).toEqual([]);
});

test('replay re-sends recorded events to the live server', async () => {
  const s = await snapshot(panel);
  const lv = lvOf(s);
  const before = Number(await app.textContent('#count'));
  // Steps 2..3 were caused by the first two incs.
  await panel.locator(`[data-testid=process-row][data-pid="${lv.pid}"]`).click();
  await panel.fill('[data-testid=replay-from]', '2');
  await panel.fill('[data-testid=replay-to]', '3');
  await panel.selectOption('[data-testid=replay-speed]', 'instant');
  await panel.click('[data-testid=replay-start]');
  await expect
    .poll(() => panel.getAttribute('[data-testid=replay-progress]', 'data-state'), { timeout: 20_000 })
    .toBe('done');
  await expect.poll(() => app.textContent('#count')).toBe(String(before + 2));
  await expectHtmlMatches(app, panel, 'after the replay');
  // The replayed pushes, and the handler reports their replies carried.
  const replayed = (await snapshot(panel)).msgs.filter((m) => m.replay);
  expect(replayed.map((m) => m.name)).toEqual(['inc', 'handleEvent inc', 'inc', 'handleEvent inc']);
  // A live server counts on from the present: both replies differ from the recorded ones,
  // and the report says where (the rendered count and the reported assign).
  await expect
    .poll(() =>
      panel.$$eval('[data-testid=replay-pair]', (els) => els.map((e) => e.getAttribute('data-verdict'))),
    )
    .toEqual(['differs', 'differs']);
  const report = (await panel.textContent('[data-testid=replay-report]')) ?? '';
  expect(report).toMatch(/2 differ/);
  expect(report).toMatch(/\$\.rendered/);
  expect(report).toMatch(/\$\.assigns\.count/);
});

test('an app with no hook in it: the extension finds window.liveSocket by itself', async () => {
  const bare = await startLiveViewJsServer(await appBundle('1.0', { hook: false }));
  const page = await h.context.newPage();
  try {
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${bare.url}/counter`);
    // The app bundle really has no Hindsight in it.
    expect(await appBundle('1.0', { hook: false })).not.toMatch(/watchLiveSocket|hindsight:report-hook/);
    const p = await h.openPanelTab(await h.tabIdOf(page));
    try {
      await p.locator('[data-testid=process-row][data-name="LiveView /counter"]').waitFor();
      await page.click('#inc');
      await expect.poll(() => page.textContent('#count')).toBe('1');
      await pollUntil(
        async () => (await snapshot(p)).msgs.some((m) => m.kind === 'event' && m.name === 'inc' && m.doneAt),
        10_000,
        'the inc event with its reply',
      );
      await expectHtmlMatches(page, p, 'after #inc, attached by the extension');
      expect(pageErrors).toEqual([]);
    } finally {
      await p.close();
    }
  } finally {
    await page.close();
    await bare.close();
  }
});
