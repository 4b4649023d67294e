/**
 * liveview_overhead_pct: the added cost per LiveView message of the LiveView adapter,
 * against the same client with nothing attached, in one run.
 *
 * Set-up: a real LiveView server (LiveViewJS 0.8.1 on 127.0.0.1) with a counter whose
 * every event answers with a small diff; the real phoenix_live_view 1.0.19 client in
 * Chromium with the built extension, and the Hindsight panel connected to the tab (the
 * real DevTools panel by default), so the hook is active and everything streams to it.
 *
 * In the page, user events are pushed one after another through a phx-hook's pushEvent,
 * each timed from the push to its reply callback (which runs after the client applied the
 * reply's diff). Blocks with the adapter attached and blocks with it detached alternate
 * (ABBA order), each block starting from a fresh join (so an attached adapter keeps the
 * rendered tree, as it does from page load); warm-up blocks first. After each block the
 * panel is given time to catch up, so its work is not billed to the next block.
 *
 *   liveview_overhead_pct = (median attached − median plain) / median plain × 100
 *
 * over all round trips of each side. A median is blind to work done every n-th message
 * (the hook's batches go out every 16 ms), so the overhead of the means is reported too.
 *
 * Where the time goes, as further figures:
 * - liveview_adapter_us_per_msg: the adapter and the hook's recording per event round trip,
 *   in the page on a fake socket (no network, no contention): their own JS work;
 * - liveview_inline_us_per_msg: time added inside the socket's push + decode in the real run;
 * - liveview_extra_cpu_us_per_msg: CPU added per event across all processes (/proc), by
 *   role in the note (page renderer, extension renderer = panel + service worker, …).
 *
 * Knobs (env): HINDSIGHT_BENCH_LV_BLOCKS (blocks per side, default 30),
 * HINDSIGHT_BENCH_LV_EVENTS (events per block, default 50), HINDSIGHT_BENCH_LV_PANEL
 * (`devtools`; `tab`: the panel page opened as a tab, no DevTools; `none`: no panel, so
 * the hook records but streams nothing — for taking the cost apart),
 * HINDSIGHT_BENCH_LV_VIA (`import`: the page calls attachLiveSocket from runtime-hook, the
 * default; `extension`: the page sets and clears `window.liveSocket`, which the
 * extension's own copy of the adapter watches), HINDSIGHT_BENCH_LV_NULL=1 (a null run:
 * nothing attached on either side, which shows the noise floor). The plain side is
 * checked to have nothing wrapping the socket.
 */
import type { Page } from 'playwright-core';
import { afterAll, test } from 'vitest';
import { type ChromiumHarness, type DevtoolsPanelHandle, launchChromium } from '../e2e/harness/chromium';
import { type BenchServer, benchBundle, startBenchServer } from './harness/liveview-bench-server';
import { cpuSampler, type Role } from './harness/proc-cpu';
import { type Figure, recordFigures } from './lib/figures';
import { mean, median, pctOver, quantile } from './lib/stats';

const BLOCKS = Number(process.env.HINDSIGHT_BENCH_LV_BLOCKS) || 30;
const EVENTS = Number(process.env.HINDSIGHT_BENCH_LV_EVENTS) || 50;
const WARMUP_BLOCKS = 2;
const PANEL =
  (['tab', 'none'] as const).find((p) => p === process.env.HINDSIGHT_BENCH_LV_PANEL) ?? 'devtools';
/** A null run: the "attached" side attaches nothing either, so the figure shows the noise. */
const NULL_RUN = process.env.HINDSIGHT_BENCH_LV_NULL === '1';
const VIA = process.env.HINDSIGHT_BENCH_LV_VIA === 'extension' ? 'extension' : 'import';

interface BenchApi {
  ready(): boolean;
  hookActive(): boolean;
  crossOriginIsolated(): boolean;
  attached(): boolean;
  untouched(): boolean;
  microAll(): { plain: number; adapter: number; recording: number };
  reconnect(attach: boolean, via: 'import' | 'extension'): Promise<void>;
  run(n: number): Promise<{ rtts: number[]; pushMs: number; decodeMs: number }>;
  count(): number;
}
declare global {
  interface Window {
    __hsBench: BenchApi;
  }
}

let h: ChromiumHarness | undefined;
let server: BenchServer | undefined;
let devtoolsPanel: DevtoolsPanelHandle | undefined;

afterAll(async () => {
  devtoolsPanel?.close();
  await h?.close();
  await server?.close();
});

const emptyRoles = (): Record<Role, number> => ({
  page: 0,
  extension: 0,
  renderer: 0,
  browser: 0,
  gpu: 0,
  utility: 0,
  node: 0,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Event messages of `LiveView /bench` processes the panel holds, answered or not. */
const PANEL_EVENTS = `(() => {
  const s = globalThis.__HINDSIGHT_PANEL__?.live?.value;
  if (!s) return { procs: 0, events: 0, done: 0 };
  const pids = new Set(s.processes.list().filter((p) => p.name === 'LiveView /bench').map((p) => p.pid));
  const ms = [...s.messages.byMid.values()].filter((m) => pids.has(m.pid) && m.kind === 'event');
  return { procs: pids.size, events: ms.length, done: ms.filter((m) => m.doneAt !== undefined).length };
})()`;

test('liveview_overhead_pct', async () => {
  const t0 = Date.now();
  server = await startBenchServer(await benchBundle());
  h = await launchChromium({ devtools: PANEL === 'devtools' });
  const app = await h.context.newPage();
  const pageErrors: string[] = [];
  app.on('pageerror', (e) => pageErrors.push(String(e)));
  await app.goto(`${server.url}/bench`);
  await app.waitForFunction(() => window.__hsBench?.ready() === true, undefined, { timeout: 30_000 });

  /** Events pushed with the adapter attached so far (the panel should show them all). */
  let recorded = 0;
  // Connect the panel to this tab, then leave the app page in front.
  let panelEval: (expr: string) => Promise<unknown>;
  if (PANEL === 'devtools') {
    const handle = await h.openRealDevtoolsPanel(app);
    devtoolsPanel = handle;
    panelEval = (expr) => handle.evaluate(expr);
  } else if (PANEL === 'tab') {
    const tab: Page = await h.openPanelTab(await h.tabIdOf(app));
    panelEval = (expr) => tab.evaluate(expr);
    await app.bringToFront();
  } else {
    // No panel: report every event as seen, so the checks below pass trivially.
    panelEval = async () => ({ procs: 0, events: recorded, done: recorded });
  }
  await waitFor('the hook to be connected', () => app.evaluate(() => window.__hsBench.hookActive()));
  const isolated = await app.evaluate(() => window.__hsBench.crossOriginIsolated());
  const visibility = await app.evaluate(() => document.visibilityState);
  // Headless, the DevTools window (and so the panel) reports itself hidden: no painting.
  const panelVisibility = PANEL === 'none' ? 'no panel' : await panelEval('document.visibilityState');

  const api = {
    reconnect: (attach: boolean) =>
      app.evaluate(([a, v]) => window.__hsBench.reconnect(a, v), [attach && !NULL_RUN, VIA] as const),
    run: (n: number) => app.evaluate((k) => window.__hsBench.run(k), n),
  };
  let seen = { procs: 0, events: 0, done: 0 };
  /** Wait until the panel handled every attached event so far (its work stays on its side). */
  const panelCaughtUp = (timeoutMs = 15_000) =>
    waitFor(
      'the panel to catch up',
      async () => {
        seen = (await panelEval(PANEL_EVENTS)) as typeof seen;
        return seen.done >= recorded;
      },
      timeoutMs,
    );

  // Warm-up: both paths, JIT and connections settled; the panel shows it receives the stream.
  for (let i = 0; i < WARMUP_BLOCKS; i++) {
    for (const attach of [true, false]) {
      await api.reconnect(attach);
      await api.run(EVENTS);
      if (attach && !NULL_RUN) recorded += EVENTS;
    }
  }
  await panelCaughtUp(30_000);

  const cpu = await cpuSampler(h.context, app);
  const cpuMs = { attached: emptyRoles(), plain: emptyRoles() };
  const attached: number[] = [];
  const plain: number[] = [];
  const blockMeans = { attached: [] as number[], plain: [] as number[] };
  let lagging = 0;
  const inSocket = { attached: { push: 0, decode: 0 }, plain: { push: 0, decode: 0 } };
  for (let b = 0; b < BLOCKS; b++) {
    // ABBA: attached first in even pairs, plain first in odd ones, against drift.
    const order = b % 2 === 0 ? [true, false] : [false, true];
    for (const attach of order) {
      const side = attach ? 'attached' : 'plain';
      await api.reconnect(attach);
      await cpu.mark();
      const { rtts, pushMs, decodeMs } = await api.run(EVENTS);
      if (attach && !NULL_RUN) recorded += EVENTS;
      inSocket[side].push += pushMs;
      inSocket[side].decode += decodeMs;
      // The stream drains and the panel handles it before the next block (both sides wait).
      await sleep(50);
      await panelCaughtUp().catch(() => {
        lagging++;
      });
      const used = await cpu.mark();
      for (const r of Object.keys(used) as Role[]) cpuMs[side][r] += used[r];
      (attach ? attached : plain).push(...rtts);
      blockMeans[side].push(mean(rtts));
    }
  }
  await api.reconnect(false);
  await panelCaughtUp(30_000).catch(() => {});
  // The adapter's own work per event round trip, in the page, without a network.
  const micro = await app.evaluate(() => window.__hsBench.microAll());

  const medA = median(attached);
  const medP = median(plain);
  const meanA = mean(attached);
  const meanP = mean(plain);
  // Per pair of neighbouring blocks: how much slower the attached block's median was.
  const pairPct: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const a = attached.slice(b * EVENTS, (b + 1) * EVENTS);
    const p = plain.slice(b * EVENTS, (b + 1) * EVENTS);
    pairPct.push(pctOver(median(a), median(p)));
  }
  const us = (ms: number) => ms * 1000;
  const perEvent = (ms: Record<Role, number>) =>
    Object.fromEntries(Object.entries(ms).map(([r, v]) => [r, Math.round(us(v / (BLOCKS * EVENTS)))]));
  const perMsg = (ms: number) => us(ms / (BLOCKS * EVENTS));
  const inlineA = perMsg(inSocket.attached.push + inSocket.attached.decode);
  const inlineP = perMsg(inSocket.plain.push + inSocket.plain.decode);
  const cpuA = perEvent(cpuMs.attached);
  const cpuP = perEvent(cpuMs.plain);
  const cpuExtra = Object.fromEntries(Object.keys(cpuA).map((r) => [r, cpuA[r] - cpuP[r]]));
  const total = (x: Record<string, number>) => Object.values(x).reduce((a, b) => a + b, 0);
  const detail = {
    blocksPerSide: BLOCKS,
    eventsPerBlock: EVENTS,
    warmupBlocksPerSide: WARMUP_BLOCKS,
    panel: PANEL,
    attachedVia: VIA,
    nullRun: NULL_RUN,
    pageVisibility: visibility,
    panelVisibility,
    crossOriginIsolated: isolated,
    panelEventsSeen: seen,
    panelEventsExpected: recorded,
    blocksThePanelLaggedAfter: lagging,
    pageErrors,
    seconds: (Date.now() - t0) / 1000,
    attachedUs: {
      p10: us(quantile(attached, 0.1)),
      p50: us(medA),
      p90: us(quantile(attached, 0.9)),
      p99: us(quantile(attached, 0.99)),
      mean: us(meanA),
    },
    plainUs: {
      p10: us(quantile(plain, 0.1)),
      p50: us(medP),
      p90: us(quantile(plain, 0.9)),
      p99: us(quantile(plain, 0.99)),
      mean: us(meanP),
    },
    pairMedianPct: {
      p25: quantile(pairPct, 0.25),
      p50: median(pairPct),
      p75: quantile(pairPct, 0.75),
    },
    blockMeanUs: { attached: blockMeans.attached.map(us), plain: blockMeans.plain.map(us) },
    cpuUsPerEvent: cpu.available ? { attached: cpuA, plain: cpuP, extra: cpuExtra } : 'unavailable',
    microUsPerRoundTrip: micro,
    inSocketUsPerEvent: {
      attached: { push: perMsg(inSocket.attached.push), decode: perMsg(inSocket.attached.decode) },
      plain: { push: perMsg(inSocket.plain.push), decode: perMsg(inSocket.plain.decode) },
    },
  };
  const n = `${BLOCKS}x${EVENTS} events per side`;
  const figures: Figure[] = [
    {
      name: 'liveview_overhead_pct',
      value: pctOver(medA, medP),
      unit: '%',
      target: { max: 5 },
      note: `${NULL_RUN ? 'NULL RUN (nothing attached on either side): ' : ''}median round trip, adapter attached vs plain client (${n}, ${PANEL === 'none' ? 'NO panel' : `${PANEL} panel connected`})`,
      detail,
    },
    {
      name: 'liveview_rtt_us_attached',
      value: us(medA),
      unit: 'us',
      note: 'median event round trip, LiveViewJS on 127.0.0.1, adapter attached',
    },
    {
      name: 'liveview_rtt_us_plain',
      value: us(medP),
      unit: 'us',
      note: 'median event round trip, same client, nothing attached',
    },
    {
      name: 'liveview_overhead_pct_mean',
      value: pctOver(meanA, meanP),
      unit: '%',
      note: 'same, with means (includes the batched work a median skips)',
    },
    {
      name: 'liveview_adapter_us_per_msg',
      value: micro.recording - micro.plain,
      unit: 'us',
      note: `in-page JS per event round trip, no network: adapter ${(micro.adapter - micro.plain).toFixed(1)} + hook recording ${(micro.recording - micro.adapter).toFixed(1)}`,
    },
    {
      name: 'liveview_inline_us_per_msg',
      value: inlineA - inlineP,
      unit: 'us',
      note: `time added inside the socket's push + decode per event, in the real page (${inlineP.toFixed(0)} us plain)`,
    },
  ];
  if (cpu.available)
    figures.push({
      name: 'liveview_extra_cpu_us_per_msg',
      value: total(cpuExtra),
      unit: 'us',
      note: `CPU added per event, all processes: page ${cpuExtra.page}, extension ${cpuExtra.extension}, other renderers ${cpuExtra.renderer}, browser ${cpuExtra.browser}, node ${cpuExtra.node}`,
    });
  recordFigures('liveview-overhead', figures, {
    chromium: h.context.browser()?.version() ?? 'unknown',
  });
  if (pageErrors.length) throw new Error(`errors in the benchmark page: ${pageErrors.join('; ')}`);
  if (seen.done < recorded)
    throw new Error(`the panel saw ${seen.done} of ${recorded} attached events: not a fair measurement`);
}, 300_000);
