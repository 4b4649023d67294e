/**
 * Load: 1,000,000 messages (hook events, as on the wire) from an app flat out, in real
 * Chromium with the built extension and the real DevTools panel open on the app's tab.
 *
 * The app is the throughput benchmark's page (tests/bench/harness/throughput-app.ts): the
 * real runtime hook with its default options, one store, each app message 4 hook events
 * (`queue`, `start`, `step`, `done`), dispatched in 5 ms slices as fast as the page runs.
 *
 * Proves, and records as figures:
 * - nothing silently lost: every event of the run is either applied by the panel's model
 *   (once, in order) or counted as dropped — by the page (a `rebase` saying how many of its
 *   unsent events its memory budget evicted) or by the panel; sent = delivered + dropped;
 * - whatever was dropped is shown: the toolbar's drop counter says the count;
 * - the page stays responsive: no long task over 100 ms caused by Hindsight. The hook's
 *   own time is measured per task in the page (its calls inside each app slice, its flush
 *   timer, its window-message handler, its resend timer; throughput-app.ts `instrument`),
 *   the content script's from `long-animation-frame` script attribution; a long task is
 *   Hindsight's when taking Hindsight's time out of it would leave it at 100 ms or less;
 * - the page side stays within its budget: the hook's outbox never holds more than its
 *   memory budget (its own estimate, sampled every 250 ms), and the estimate is honest:
 *   the page's JS heap after the run (after a GC) has grown by no more than the outbox
 *   says it holds, plus a little for the app's own records of the run;
 * - the panel stays within its own: the whole session's estimate (state history, timeline,
 *   messages, event log, flag facts: SessionStore.bytes), sampled every 250 ms, never over
 *   the panel's memory budget (past it the oldest events are let go of, counted); the
 *   panel's real JS heap after the run (after a GC) is recorded next to it.
 *
 * A second, short run squeezes the page's budget (`?maxBytes=`, 2 MB) and holds the panel's
 * main thread busy for a moment as it starts (a panel that keeps up would never make the
 * page drop), so that drops must happen, and checks they are counted, add up and are
 * shown: the first run may well drop nothing on a fast machine, and the counting must
 * still be seen to work.
 *
 * Knobs (env): HINDSIGHT_LOAD_MESSAGES (default 1,000,000), HINDSIGHT_LOAD_SQUEEZED (200,000).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { IGNORED_REASONS } from '../../extension/panel/sequencer';
import type {
  HookTiming,
  OutboxView,
  RunOptions,
  RunStats,
  ThroughputApi,
} from '../bench/harness/throughput-app';
import { type ChromiumHarness, type DevtoolsPanelHandle, launchChromium } from '../e2e/harness/chromium';
import { pollUntil } from '../e2e/harness/panel';
import { type StaticServer, startStaticServer } from '../e2e/harness/server';
import { type Figure, mustBeZero, recordReliability } from './lib/figures';
import { page, throughputAppBundle } from './lib/pages';

const MESSAGES = Number(process.env.HINDSIGHT_LOAD_MESSAGES) || 1_000_000;
const SQUEEZED = Number(process.env.HINDSIGHT_LOAD_SQUEEZED) || 200_000;
const SQUEEZED_BUDGET = 2 * 1024 * 1024;
/** How long the squeezed run holds the panel busy: the app sends far more than 2 MB meanwhile. */
const SQUEEZED_STALL_MS = 1500;
/** The hook's default history budget (hook.ts connect()). */
const DEFAULT_BUDGET = 64 * 1024 * 1024;
const LONG_TASK_MS = 100;
/** Give up when the panel made no progress for this long. */
const STALL_MS = 20_000;
const MB = 1024 * 1024;
/** Heap the app page itself may add over the run (its logs of the run), beyond the outbox. */
const HEAP_SLACK = 8 * MB;

declare global {
  interface Window {
    __hsTp: ThroughputApi;
  }
}

let chrome: ChromiumHarness;
let server: StaticServer;
let devtools: DevtoolsPanelHandle | undefined;

beforeAll(async () => {
  server = await startStaticServer({
    '/app.js': await throughputAppBundle(),
    '/index.html': page('<p>load</p>'),
  });
  chrome = await launchChromium({ devtools: true });
});

afterAll(async () => {
  devtools?.close();
  await chrome?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Counts what the live session's `apply` gets, from `seq` on: installed in the panel frame. */
const recorder = (seq: number) => `(() => {
  const store = globalThis.__HINDSIGHT_PANEL__.live.value;
  const rec = { session: store.info ? store.info.session : null, lastSeq: ${seq}, applied: 0, rebases: 0,
    rebaseDropped: 0, gaps: 0, repeats: 0, inconsistent: 0 };
  globalThis.__hsLoadRec = rec;
  const apply = store.apply.bind(store);
  store.apply = (events, announce) => {
    apply(events, announce);
    for (const ev of events) {
      if (ev.seq <= rec.lastSeq) { rec.repeats++; continue; }
      if (ev.type === 'rebase') {
        // Takes the place of the events it says were dropped (its own seq is the last of them).
        rec.rebases++;
        rec.rebaseDropped += ev.dropped;
        if (ev.seq - rec.lastSeq !== ev.dropped) rec.inconsistent++;
      } else {
        if (ev.seq !== rec.lastSeq + 1) rec.gaps++;
        rec.applied++;
      }
      rec.lastSeq = ev.seq;
    }
  };
  return rec.session;
})()`;

interface Rec {
  session: string | null;
  lastSeq: number;
  applied: number;
  rebases: number;
  rebaseDropped: number;
  gaps: number;
  repeats: number;
  inconsistent: number;
}

const PANEL_STATE = `(() => {
  const m = globalThis.__HINDSIGHT_PANEL__;
  const s = m.live.value;
  const el = document.querySelector('[data-testid=drops]');
  return {
    session: s.info ? s.info.session : null,
    pageDropped: s.pageDropped,
    drops: m.drops.value.map((d) => ({ ...d })),
    memory: { ...m.memoryUse.value },
    dropsText: el ? el.textContent : null,
  };
})()`;

/** What the live session holds by its estimate, all its models together. */
const PANEL_BYTES = 'globalThis.__HINDSIGHT_PANEL__.live.value.bytes';

interface PanelState {
  session: string | null;
  pageDropped: number;
  drops: { where: string; reason: string; count: number }[];
  memory: { bytes: number; budget: number; history: number; letGo: number };
  dropsText: string | null;
}

/** Drops the panel counts as lost (not the "ignored" ones, which it already held). */
const lostDrops = (s: PanelState) =>
  s.drops
    .filter((d) => !(d.where === 'panel' && IGNORED_REASONS.includes(d.reason)))
    .reduce((n, d) => n + d.count, 0);

interface HeapUsage {
  usedSize: number;
}

/** JS heap in use after a full GC, through a target's CDP. */
async function heapAfterGc(send: <T>(method: string) => Promise<T>): Promise<number> {
  await send('HeapProfiler.collectGarbage');
  return (await send<HeapUsage>('Runtime.getHeapUsage')).usedSize;
}

interface Own {
  where: string;
  start: number;
  ms: number;
  /** The stretch lies somewhere in [start, end] (a long frame's unattributed time). */
  end: number;
}

/**
 * Hindsight's time on the page: the hook's own stretches (throughput-app.ts), and for the
 * content script, whose scripts long animation frames never attribute, each long frame's
 * time that no page script and no rendering accounts for — which also holds any other
 * work outside scripts (a GC task, the browser), so this errs towards blaming Hindsight.
 * A long task is Hindsight's when taking that time out of it leaves it at LONG_TASK_MS or less.
 */
function attribute(stats: RunStats, timing: HookTiming) {
  const own: Own[] = [
    ...timing.slices.map((s) => ({ ...s, end: s.start + s.ms })),
    ...timing.frames
      .filter((f) => f.unattributedMs > 0)
      .map((f) => ({
        where: 'outside page scripts',
        start: f.start,
        ms: f.unattributedMs,
        end: f.start + f.ms,
      })),
  ];
  let hook = { where: 'none', ms: 0 };
  for (const [where, ms] of Object.entries(timing.longest)) if (ms > hook.ms) hook = { where, ms };
  const outsideMs = own.reduce((m, o) => (o.where === 'outside page scripts' ? Math.max(m, o.ms) : m), 0);
  const long = stats.longtasks.filter((t) => t.duration > LONG_TASK_MS);
  const caused = long
    .map((t) => {
      const end = t.start + t.duration;
      let share = 0;
      for (const o of own)
        share += Math.min(o.ms, Math.max(0, Math.min(end, o.end) - Math.max(t.start, o.start)));
      return { start: round(t.start), duration: round(t.duration), hindsightMs: round(share) };
    })
    .filter((t) => t.duration - t.hindsightMs <= LONG_TASK_MS);
  return { hook, outsideMs, long, caused };
}

/** Scripts seen in long animation frames, by script: how many, their longest and total ms. */
function frameSummary(timing: HookTiming) {
  const by: Record<string, { n: number; maxMs: number; totalMs: number }> = {};
  for (const s of timing.frameScripts) {
    const where = s.url
      .replace(/^chrome-extension:\/\/[^/]+/, 'extension:')
      .replace(/^https?:\/\/[^/]+/, 'page:');
    const key = `${where} (${s.invoker})`;
    by[key] ??= { n: 0, maxMs: 0, totalMs: 0 };
    const b = by[key];
    b.n++;
    b.maxMs = Math.max(b.maxMs, round(s.ms));
    b.totalMs = round(b.totalMs + s.ms);
  }
  return by;
}

interface Run {
  label: string;
  sent: number;
  delivered: number;
  dropped: number;
  lost: number;
  rec: Rec;
  stats: RunStats;
  timing: HookTiming;
  outboxMaxBytes: number;
  /** Most the panel's session held by its estimate (SessionStore.bytes, sampled every 250 ms). */
  panelMaxBytes: number;
  outboxEnd: OutboxView | null;
  budget: number;
  stalled: boolean;
  before: PanelState;
  after: PanelState;
  seconds: number;
}

async function streamRun(
  app: Page,
  panel: DevtoolsPanelHandle,
  label: string,
  events: number,
  budget: number,
  /** Keep the panel's main thread busy this long once the app started (no acks meanwhile). */
  stallPanelMs = 0,
): Promise<Run> {
  const t0 = Date.now();
  const startSeq = await app.evaluate(() => window.__hsTp.lastSeq());
  const session = await app.evaluate(() => window.__hsTp.session());
  // The panel holds this session up to startSeq before counting starts from there.
  await pollUntil(
    async () =>
      (await panel.evaluate<number | null>(
        `(() => { const s = globalThis.__HINDSIGHT_PANEL__.live.value;
          return s.info && s.info.session === ${JSON.stringify(session)} && s.lastEvent ? s.lastEvent.seq : null; })()`,
      )) === startSeq,
    60_000,
    `the panel to hold session ${session} up to seq ${startSeq}`,
  );
  expect(await panel.evaluate<string | null>(recorder(startSeq))).toBe(session);
  const before = await panel.evaluate<PanelState>(PANEL_STATE);
  expect(await app.evaluate(() => window.__hsTp.instrument())).toBe(true);
  const opts: RunOptions = { events, sliceMs: 5, rate: 0 };
  await app.evaluate((o) => window.__hsTp.start(o), opts);
  if (stallPanelMs > 0)
    await panel.evaluate<void>(
      `(() => { const end = Date.now() + ${stallPanelMs}; while (Date.now() < end); })()`,
    );
  const rec = () => panel.evaluate<Rec>('globalThis.__hsLoadRec');
  let outboxMaxBytes = 0;
  let panelMaxBytes = 0;
  let lastSeen = startSeq;
  let progressAt = Date.now();
  let stalled = false;
  for (;;) {
    await sleep(250);
    const [stats, box, r, held] = await Promise.all([
      app.evaluate(() => window.__hsTp.stats()),
      app.evaluate(() => window.__hsTp.outbox()),
      rec(),
      panel.evaluate<number>(PANEL_BYTES),
    ]);
    if (box) outboxMaxBytes = Math.max(outboxMaxBytes, box.bytes);
    panelMaxBytes = Math.max(panelMaxBytes, held);
    if (r.lastSeq !== lastSeen || stats?.running) {
      lastSeen = r.lastSeq;
      progressAt = Date.now();
    }
    if (stats && !stats.running && r.lastSeq >= stats.endSeq) break;
    if (Date.now() - progressAt > STALL_MS) {
      stalled = true;
      break;
    }
  }
  panelMaxBytes = Math.max(panelMaxBytes, await panel.evaluate<number>(PANEL_BYTES));
  const outboxEnd = await app.evaluate(() => window.__hsTp.outbox());
  const timing = await app.evaluate(() => window.__hsTp.timing());
  const stats = await app.evaluate(() => window.__hsTp.stop());
  if (!stats || !timing) throw new Error(`${label}: the page lost its run`);
  const r = await rec();
  // The toolbar redraws at its own pace: wait for it to show the session's drops.
  let after = await panel.evaluate<PanelState>(PANEL_STATE);
  const shown = (s: PanelState) => s.pageDropped + lostDrops(s);
  await pollUntil(
    async () => {
      after = await panel.evaluate<PanelState>(PANEL_STATE);
      return shown(after) === 0
        ? after.dropsText === null
        : !!after.dropsText?.startsWith(`${shown(after)} dropped`);
    },
    10_000,
    `${label}: the toolbar to show ${shown(after)} dropped`,
  ).catch(() => undefined);
  const sent = stats.endSeq - stats.startSeq;
  const dropped = after.pageDropped - before.pageDropped + lostDrops(after) - lostDrops(before);
  return {
    label,
    sent,
    delivered: r.applied,
    dropped,
    lost: sent - r.applied - dropped,
    rec: r,
    stats,
    timing,
    outboxMaxBytes: Math.max(outboxMaxBytes, outboxEnd?.bytes ?? 0),
    panelMaxBytes,
    outboxEnd,
    budget,
    stalled,
    before,
    after,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** What must hold for any run: every event delivered or counted, the counts shown. */
function checkRun(run: Run): string[] {
  const bad: string[] = [];
  const { rec, after } = run;
  if (run.stalled) bad.push(`${run.label}: the panel stalled at seq ${rec.lastSeq} of ${run.stats.endSeq}`);
  if (run.lost !== 0)
    bad.push(
      `${run.label}: ${run.lost} silently lost (${run.sent} sent, ${run.delivered} delivered, ${run.dropped} dropped and counted)`,
    );
  if (rec.gaps || rec.repeats || rec.inconsistent)
    bad.push(
      `${run.label}: ${rec.gaps} gaps, ${rec.repeats} repeats, ${rec.inconsistent} rebases not matching their count`,
    );
  if (rec.rebaseDropped !== after.pageDropped - run.before.pageDropped)
    bad.push(
      `${run.label}: rebases said ${rec.rebaseDropped} dropped, the panel counted ${after.pageDropped - run.before.pageDropped}`,
    );
  const total = after.pageDropped + lostDrops(after);
  if (total > 0 && !after.dropsText?.startsWith(`${total} dropped`))
    bad.push(`${run.label}: ${total} dropped, the toolbar shows ${JSON.stringify(after.dropsText)}`);
  if (total === 0 && after.dropsText !== null)
    bad.push(`${run.label}: nothing dropped, the toolbar shows ${after.dropsText}`);
  if (run.outboxMaxBytes > run.budget)
    bad.push(
      `${run.label}: the page's outbox held ${run.outboxMaxBytes} bytes, over its ${run.budget} budget`,
    );
  return bad;
}

it('1,000,000 messages flat out: nothing silently lost, drops counted and shown, the page responsive, memory within budgets', async () => {
  const app = await chrome.context.newPage();
  const pageErrors: string[] = [];
  app.on('pageerror', (e) => pageErrors.push(String(e)));
  await app.goto(`${server.url}/index.html`);
  await app.waitForFunction(() => window.__hsTp?.ready() === true);
  devtools = await chrome.openRealDevtoolsPanel(app);
  const panel = devtools;
  const appCdp = await chrome.context.newCDPSession(app);
  const appSend = <T>(method: string) => appCdp.send(method as 'Runtime.getHeapUsage') as Promise<T>;
  const panelSend = <T>(method: string) => panel.send<T>(method);
  // Timers of a background tab are throttled: the app is the tab in front, as when used.
  await app.bringToFront();
  await pollUntil(() => app.evaluate(() => window.__hsTp.hookActive()), 30_000, 'the hook to connect');
  const longtaskSupported = await app.evaluate(() => window.__hsTp.longtaskSupported());

  // 1. The full load, default options.
  const pageHeapBefore = await heapAfterGc(appSend);
  const main = await streamRun(app, panel, 'flat out', MESSAGES, DEFAULT_BUDGET);
  const pageHeapGrowth = (await heapAfterGc(appSend)) - pageHeapBefore;
  const panelHeap = await heapAfterGc(panelSend);
  const attr = attribute(main.stats, main.timing);

  // 2. The same app with its page budget squeezed, so that drops must happen.
  await app.goto(`${server.url}/index.html?maxBytes=${SQUEEZED_BUDGET}`);
  await app.waitForFunction(() => window.__hsTp?.ready() === true);
  await app.bringToFront();
  await pollUntil(() => app.evaluate(() => window.__hsTp.hookActive()), 30_000, 'the hook to connect again');
  const squeezed = await streamRun(app, panel, 'squeezed', SQUEEZED, SQUEEZED_BUDGET, SQUEEZED_STALL_MS);
  const squeezedAttr = attribute(squeezed.stats, squeezed.timing);

  const longest = main.stats.longtasks.reduce((m, t) => Math.max(m, t.duration), 0);
  const detail = (run: Run, a: ReturnType<typeof attribute>) => ({
    sent: run.sent,
    delivered: run.delivered,
    dropped: run.dropped,
    lost: run.lost,
    rebases: run.rec.rebases,
    panel: { gaps: run.rec.gaps, repeats: run.rec.repeats, inconsistent: run.rec.inconsistent },
    toolbar: run.after.dropsText,
    outboxMaxBytes: run.outboxMaxBytes,
    outboxEnd: run.outboxEnd,
    budget: run.budget,
    produceMs: round(run.stats.lastSendAt - run.stats.firstSendAt),
    hookLongestMs: Object.fromEntries(Object.entries(run.timing.longest).map(([k, v]) => [k, round(v, 2)])),
    hookTotalMs: Object.fromEntries(Object.entries(run.timing.totalMs).map(([k, v]) => [k, round(v)])),
    longFrames: run.timing.frames.length,
    longFrameAttribution: run.timing.frameSupported,
    longFrameScripts: frameSummary(run.timing),
    longtasks: run.stats.longtasks.map((t) => ({ start: round(t.start), duration: round(t.duration) })),
    longestHookStretch: { where: a.hook.where, ms: round(a.hook.ms, 2) },
    longestOutsidePageScriptsMs: round(a.outsideMs, 1),
    longTasksCausedByHindsight: a.caused,
    appSliceMsMax: round(run.stats.sliceMsMax, 2),
    probeGapMsMax: round(run.stats.gapMsMax, 1),
    seconds: run.seconds,
  });
  const figures: Figure[] = [
    {
      name: 'load_messages_sent',
      value: main.sent,
      unit: 'count',
      note: `hook events an app sent flat out (${main.stats.messages} app messages × 4), real DevTools panel open, default options`,
      detail: { flatOut: detail(main, attr), squeezed: detail(squeezed, squeezedAttr), pageErrors },
    },
    {
      name: 'load_messages_delivered',
      value: main.delivered,
      unit: 'count',
      note: `applied by the panel's model once each, in order, in ${round(main.seconds)} s`,
    },
    {
      name: 'load_messages_dropped_counted',
      value: main.dropped,
      unit: 'count',
      note: `evicted unsent past the page's budget, counted by a rebase and shown in the toolbar (${main.after.dropsText ?? 'nothing shown: none dropped'}); with the budget squeezed to ${SQUEEZED_BUDGET / MB} MB: ${squeezed.dropped} of ${squeezed.sent} dropped and counted, ${squeezed.delivered} delivered`,
    },
    {
      name: 'load_messages_lost_silently',
      value: main.lost + squeezed.lost,
      unit: 'count',
      target: mustBeZero,
      note: 'sent − delivered − dropped and counted, both runs',
    },
    {
      name: 'load_page_longest_task_ms',
      value: round(longest),
      unit: 'ms',
      note: longtaskSupported
        ? `longest task on the app page during the run, whatever its cause (${main.stats.longtasks.length} over 50 ms, ${attr.long.length} over ${LONG_TASK_MS} ms)`
        : 'longtask entries not supported: unknown',
    },
    {
      name: 'load_hindsight_longest_slice_ms',
      value: round(Math.max(attr.hook.ms, squeezedAttr.hook.ms), 1),
      unit: 'ms',
      target: { max: LONG_TASK_MS },
      note: `longest stretch of the hook's own work within one page task, both runs (${attr.hook.where}: ${round(attr.hook.ms)} ms; squeezed, ${squeezedAttr.hook.where}: ${round(squeezedAttr.hook.ms)} ms); the content script's is at most the longest time a long frame spent outside page scripts: ${round(Math.max(attr.outsideMs, squeezedAttr.outsideMs))} ms${main.timing.frameSupported ? '' : ' (long-animation-frame unsupported here: unknown)'}`,
    },
    {
      name: 'load_long_tasks_caused_by_hindsight',
      value: attr.caused.length + squeezedAttr.caused.length,
      unit: 'count',
      target: mustBeZero,
      note: `page tasks over ${LONG_TASK_MS} ms that would be under it without Hindsight's share, both runs`,
    },
    {
      name: 'load_page_budget_used_mb',
      value: round(main.outboxMaxBytes / MB, 1),
      unit: 'MB',
      target: { max: DEFAULT_BUDGET / MB },
      note: `most the hook's outbox held (its estimate, sampled every 250 ms); page JS heap grew by ${round(pageHeapGrowth / MB, 1)} MB over the run (after GC)`,
      detail: { pageHeapGrowth },
    },
    {
      name: 'load_panel_budget_used_mb',
      value: round(main.panelMaxBytes / MB, 1),
      unit: 'MB',
      target: { max: main.after.memory.budget / MB },
      note: `most the panel's session held by its estimate, all models (sampled every 250 ms; the trim keeps it within the budget after every event); at the end ${round(main.after.memory.bytes / MB, 1)} MB, of which the state history ${round(main.after.memory.history / MB, 1)} MB; ${main.after.memory.letGo.toLocaleString('en-US')} oldest events let go of and counted (squeezed run: at most ${round(squeezed.panelMaxBytes / MB, 1)} MB)`,
      detail: {
        main: main.after.memory,
        squeezed: squeezed.after.memory,
        squeezedMaxBytes: squeezed.panelMaxBytes,
      },
    },
    {
      name: 'load_panel_heap_mb',
      value: round(panelHeap / MB, 1),
      unit: 'MB',
      target: { max: main.after.memory.budget / MB },
      note: `the panel's real JS heap after the main run (after GC), everything in the panel's page included; its session's estimate then: ${round(main.after.memory.bytes / MB, 1)} MB (the estimate counts 8-byte pointers; this browser compresses them to 4)`,
    },
  ];
  recordReliability('load', figures);

  const bad = [...checkRun(main), ...checkRun(squeezed)];
  if (squeezed.dropped === 0) bad.push('squeezed: nothing was dropped, so the counting was not exercised');
  if (main.sent !== 4 * Math.ceil(MESSAGES / 4)) bad.push(`flat out: ${main.sent} sent, not ${MESSAGES}`);
  if (attr.hook.ms >= LONG_TASK_MS || squeezedAttr.hook.ms >= LONG_TASK_MS)
    bad.push(`the hook ran ${round(Math.max(attr.hook.ms, squeezedAttr.hook.ms))} ms in one task`);
  for (const t of [...attr.caused, ...squeezedAttr.caused])
    bad.push(`a ${t.duration} ms task at ${t.start} with ${t.hindsightMs} ms of Hindsight's work`);
  // The outbox's estimate is honest: the page holds no more than it says (the app's own
  // records of the run, a few MB, are the slack).
  const held = (main.outboxEnd?.bytes ?? 0) + HEAP_SLACK;
  if (pageHeapGrowth > held)
    bad.push(
      `the page's heap grew by ${round(pageHeapGrowth / MB)} MB, more than the outbox's ${round((held - HEAP_SLACK) / MB)} MB and ${HEAP_SLACK / MB} MB for the app`,
    );
  for (const run of [main, squeezed]) {
    const { budget: panelBudget } = run.after.memory;
    if (run.panelMaxBytes > panelBudget || run.after.memory.bytes > panelBudget)
      bad.push(
        `${run.label}: the panel's session held ${Math.max(run.panelMaxBytes, run.after.memory.bytes)} bytes, over its ${panelBudget} budget`,
      );
  }
  if (pageErrors.length) bad.push(`page errors: ${pageErrors.join('; ')}`);
  expect(bad).toEqual([]);
  await app.close();
});
