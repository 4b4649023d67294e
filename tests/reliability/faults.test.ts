/**
 * Faults the link must survive with nothing lost, duplicated or reordered, in real browsers
 * with the built extension and the real panel page:
 * - Chromium: 20 forced service-worker stops (CDP) during a 20-second stream of 5,000 app
 *   messages a second (each message is 4 hook events: queued, started, step, done);
 * - Firefox: 5 background-script terminations during a stream;
 * - the panel closed and opened again mid-stream: the backlog arrives complete;
 * - the page reloaded with "Preserve log" on: the earlier session stays in the panel, whole,
 *   view only and marked as such, beside the new one.
 * Each scenario records its figures before asserting; faults_survived and messages_lost sum
 * them up.
 */
import type { Page } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumHarness, launchChromium } from '../e2e/harness/chromium';
import { type FirefoxHarness, launchFirefox } from '../e2e/harness/firefox';
import { pollUntil } from '../e2e/harness/panel';
import type { StaticServer } from '../e2e/harness/server';
import type { App, StreamResult } from './apps/hook-app';
import { type Figure, mustBeZero, recordReliability } from './lib/figures';
import { serveHookApp } from './lib/pages';
import { type Held, heldExpr, lossOf } from './lib/stream-check';

type W = Window & { __app: App };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scenario {
  name: string;
  faults: number;
  survived: boolean;
  lost: number;
  duplicated: number;
  reordered: number;
  note: string;
}
const scenarios: Scenario[] = [];

/** Record one scenario and the running totals (before the scenario's own asserts). */
function record(s: Scenario, extra: Figure[] = []): void {
  scenarios.push(s);
  const sum = (f: (x: Scenario) => number) => scenarios.reduce((n, x) => n + f(x), 0);
  const planned = 20 + 5 + 1 + 1;
  recordReliability('faults', [
    {
      name: 'faults_survived',
      value: sum((x) => (x.survived ? x.faults : 0)),
      unit: 'count',
      target: { min: planned },
      note: scenarios.map((x) => `${x.name}: ${x.survived ? 'ok' : 'FAILED'}`).join('; '),
    },
    {
      name: 'messages_lost',
      value: sum((x) => x.lost + x.duplicated + x.reordered),
      unit: 'count',
      target: mustBeZero,
      note: `events lost ${sum((x) => x.lost)}, duplicated ${sum((x) => x.duplicated)}, reordered ${sum((x) => x.reordered)}, over every fault scenario`,
    },
    ...extra,
  ]);
}

/** A scenario's verdict from what the panel holds. */
function judge(name: string, faults: number, h: Held, run: StreamResult, note: string): Scenario {
  const loss = lossOf(h, run.lastSeq);
  const survived =
    loss.lost === 0 &&
    loss.duplicated === 0 &&
    loss.reordered === 0 &&
    h.ticks === run.sent &&
    h.first === 1 &&
    h.last === run.lastSeq &&
    h.drops === 0 &&
    h.pageDropped === 0;
  return { name, faults, survived, ...loss, note };
}

function expectWhole(h: Held, run: StreamResult): void {
  expect(h).toMatchObject({
    first: 1,
    last: run.lastSeq,
    count: run.lastSeq,
    gaps: 0,
    dups: 0,
    back: 0,
    ticks: run.sent,
    misplaced: 0,
    drops: 0,
    pageDropped: 0,
  });
}

type Evaluator = { evaluate<T>(expr: string): Promise<T> };
const chromeEval = (p: Page): Evaluator => ({ evaluate: <T>(e: string) => p.evaluate<T>(e) });
const firefoxEval = (p: PuppeteerPage): Evaluator => ({
  evaluate: <T>(e: string) => p.evaluate(e) as Promise<T>,
});

/** Wait until the panel holds the stream up to `lastSeq`, then read what it holds. */
async function heldWhenDone(panel: Evaluator, store: string, run: StreamResult, what: string) {
  const expr = heldExpr(store, run.pid);
  await pollUntil(
    async () => (await panel.evaluate<Held>(expr)).last >= run.lastSeq,
    90_000,
    `${what}: the panel to hold seq ${run.lastSeq}`,
  ).catch(() => {});
  return panel.evaluate<Held>(expr);
}

const rateOf = (r: StreamResult) => Math.round((r.sent / r.ms) * 1000);

describe('Chromium', () => {
  let chrome: ChromiumHarness;
  let server: StaticServer;

  beforeAll(async () => {
    server = await serveHookApp();
    chrome = await launchChromium();
  });

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
  });

  async function appWithPanel(): Promise<{ app: Page; panel: Page }> {
    const app = await chrome.context.newPage();
    await app.goto(`${server.url}/index.html`);
    await app.waitForFunction(() => typeof (window as unknown as W).__app?.stream === 'function');
    const panel = await chrome.openPanelTab(await chrome.tabIdOf(app));
    await panel.waitForFunction(() => {
      const m = (globalThis as { __HINDSIGHT_PANEL__?: { linkStatus: { value: string } } })
        .__HINDSIGHT_PANEL__;
      return m?.linkStatus.value === 'connected';
    });
    return { app, panel };
  }

  const stream = (app: Page, name: string, rate: number, ms: number) =>
    app.evaluate(([n, r, t]) => (window as unknown as W).__app.stream(n, r, t), [name, rate, ms] as const);

  it('20 service-worker stops during a 20-second stream of 5,000 messages a second', async () => {
    const { app, panel } = await appWithPanel();
    const STOPS = 20;
    const running = stream(app, 'sw-stream', 5000, 20_000);
    const t0 = Date.now();
    let stopped = 0;
    for (let k = 0; k < STOPS; k++) {
      // Spread over the stream: at 0.5 s, 1.45 s, … 18.55 s.
      await sleep(Math.max(0, t0 + 500 + k * 950 - Date.now()));
      await chrome.stopServiceWorker();
      stopped++;
    }
    const run = await running;
    const held = await heldWhenDone(chromeEval(panel), 'm.live.value', run, 'service-worker stops');
    const s = judge(
      'Chromium service-worker stops',
      stopped,
      held,
      run,
      `${run.sent} messages in ${Math.round(run.ms)} ms (${rateOf(run)}/s)`,
    );
    record(s, [
      {
        name: 'fault_sw_stops',
        value: stopped,
        unit: 'count',
        target: { min: STOPS },
        note: `forced stops (CDP) during a ${Math.round(run.ms / 1000)} s stream of ${rateOf(run)} messages/s (${run.lastSeq} events), all held once and in order: ${s.survived}`,
      },
    ]);
    expect(stopped).toBe(STOPS);
    expect(rateOf(run)).toBeGreaterThanOrEqual(4750);
    expectWhole(held, run);
    await panel.close();
    await app.close();
  });

  it('the panel closed and opened again mid-stream receives the whole backlog', async () => {
    const { app, panel } = await appWithPanel();
    const running = stream(app, 'reopen-stream', 5000, 6000);
    await sleep(1500);
    await panel.close();
    await sleep(2000);
    const again = await chrome.openPanelTab(await chrome.tabIdOf(app));
    const run = await running;
    const held = await heldWhenDone(chromeEval(again), 'm.live.value', run, 'panel reopened');
    record(judge('panel closed and reopened', 1, held, run, `${run.sent} messages, panel closed for 2 s`));
    expectWhole(held, run);
    await again.close();
    await app.close();
  });

  it('a reload with "Preserve log" on keeps the earlier session, whole and marked, beside the new one', async () => {
    const { app, panel } = await appWithPanel();
    await panel.click('[data-testid=preserve-log]');
    const first = await stream(app, 'before-reload', 5000, 2000);
    const before = await heldWhenDone(chromeEval(panel), 'm.live.value', first, 'before the reload');
    await app.reload();
    await app.waitForFunction(() => typeof (window as unknown as W).__app?.stream === 'function');
    const second = await stream(app, 'after-reload', 5000, 1000);
    const live = await heldWhenDone(chromeEval(panel), 'm.live.value', second, 'after the reload');
    const earlier = await chromeEval(panel).evaluate<Held>(
      heldExpr('m.earlier.list.value[0]?.store ?? { raw: [], info: null, pageDropped: -1 }', first.pid),
    );
    const ui = async () => ({
      options: await panel.locator('[data-testid=session-select] option').allTextContents(),
      banner: await panel.locator('[data-testid=earlier-banner]').count(),
    });
    const shown = await ui();
    await panel.selectOption('[data-testid=session-select]', { index: 1 });
    await panel
      .locator('[data-testid=earlier-banner]')
      .waitFor({ timeout: 10_000 })
      .catch(() => {});
    const banner =
      (await panel
        .locator('[data-testid=earlier-banner]')
        .textContent()
        .catch(() => null)) ?? '';
    const rows = await panel.locator('[data-testid=timeline-row]').count();
    const kept = judge('reload with preserve log', 1, earlier, first, 'earlier session kept');
    kept.survived &&=
      earlier.session === before.session &&
      live.session !== before.session &&
      /earlier session/.test(banner) &&
      rows > 0;
    record(kept);
    expectWhole(earlier, first);
    expectWhole(live, second);
    expect(earlier.session).toBe(before.session);
    expect(live.session).not.toBe(before.session);
    expect(shown.banner).toBe(0);
    expect(shown.options).toHaveLength(2);
    expect(shown.options[1]).toMatch(/^Earlier #1 /);
    expect(banner).toMatch(/Viewing an earlier session of this page.*view only/);
    expect(rows).toBeGreaterThan(0);
    // The earlier session is view only: a click on one of its steps moves nothing.
    await panel.locator('[data-testid=timeline-row][data-kind=step]').first().click();
    await sleep(300);
    expect(
      await app.evaluate(() => (window as unknown as W).__app.commands.filter((c) => c.type === 'jump')),
    ).toEqual([]);
    await panel.close();
    await app.close();
  });
});

describe('Firefox', () => {
  let ff: FirefoxHarness;
  let server: StaticServer;

  beforeAll(async () => {
    server = await serveHookApp();
    ff = await launchFirefox();
  });

  afterAll(async () => {
    await ff?.close();
    await server?.close();
  });

  it('5 background-script terminations during a stream', async () => {
    const url = `${server.url}/index.html`;
    const app = await ff.openPage(url);
    await pollUntil(
      () => app.evaluate(() => typeof (window as unknown as W).__app?.stream === 'function'),
      30_000,
      'the app',
    );
    const panel = await ff.openPanelTab(url);
    await pollUntil(
      () =>
        panel.evaluate(
          () =>
            (globalThis as { __HINDSIGHT_PANEL__?: { linkStatus: { value: string } } }).__HINDSIGHT_PANEL__
              ?.linkStatus.value === 'connected',
        ),
      30_000,
      'the panel connected',
    );
    const TERMINATIONS = 5;
    const running = app.evaluate(() => (window as unknown as W).__app.stream('bg-stream', 2000, 10_000));
    let terminated = 0;
    const t0 = Date.now();
    for (let k = 0; k < TERMINATIONS; k++) {
      await sleep(Math.max(0, t0 + 1000 + k * 1800 - Date.now()));
      await ff.terminateBackground();
      terminated++;
    }
    const run = await running;
    const held = await heldWhenDone(firefoxEval(panel), 'm.live.value', run, 'background terminations');
    record(
      judge(
        'Firefox background terminations',
        terminated,
        held,
        run,
        `${run.sent} messages in ${Math.round(run.ms)} ms`,
      ),
      [
        {
          name: 'fault_bg_terminations',
          value: terminated,
          unit: 'count',
          target: { min: TERMINATIONS },
          note: `Firefox background terminations during a ${Math.round(run.ms / 1000)} s stream of ${rateOf(run)} messages/s (${run.lastSeq} events)`,
        },
      ],
    );
    expect(terminated).toBe(TERMINATIONS);
    expectWhole(held, run);
    await panel.close();
    await app.close();
  });
});
