/**
 * throughput_msgs_per_s: how many hook events per second go from an app page to the
 * Hindsight panel's model, with none lost; page_longest_task_ms: the longest task on the
 * app page while they stream.
 *
 * Set-up: Chromium with the built extension (HINDSIGHT_DIST or dist/chrome) and the
 * Hindsight panel open on the app tab (the real DevTools panel by default; knob below).
 * The app page (harness/throughput-app.ts, bundled here with vite, served on 127.0.0.1)
 * uses the real runtime hook with its default options and one store process. Each app
 * message is 4 hook events (`queue`, `start`, `step` with a new small state, `done`),
 * dispatched in a tight loop that yields every HINDSIGHT_BENCH_TP_SLICE_MS (default 5,
 * as React's scheduler slices work) through a MessageChannel: an app flat out, in many
 * short tasks. Three streams, each waited out before the next:
 *   1. warm-up, HINDSIGHT_BENCH_TP_WARMUP events (default 20,000), not reported;
 *   2. burst, HINDSIGHT_BENCH_TP_BURST events (default 40,000), flat out, from a quiet
 *      link: throughput_burst_msgs_per_s;
 *   3. main, HINDSIGHT_BENCH_TP_EVENTS (default 200,000), flat out unless
 *      HINDSIGHT_BENCH_TP_RATE caps the page's events per second: throughput_msgs_per_s
 *      and the page figures. The page buffers what the link has not carried yet, up to
 *      its memory budget (64 MB by default, some 450,000 of these events); an app that
 *      outruns the link by more has events evicted unsent (counted), which this run checks.
 *
 * Measured:
 * - in the panel frame, `SessionStore.apply` of the live session is wrapped: the time each
 *   batch was applied, its events, and whether seqs follow one another (gaps, repeats);
 * - throughput = events the panel applied, once each and in order / (panel applied the
 *   run's last event − page sent its first), both clocks epoch-based (timeOrigin + now) on
 *   the same machine; if the panel never got the rest, until the page sent its last event;
 * - none lost: the panel applied every seq of the run exactly once and in order, the
 *   page's `lastSeq` moved by exactly 4 × messages, and the panel's drop counters
 *   (`model.drops` other than the "ignored" reasons, which are resends it already held)
 *   and the page-reported drops (`pageDropped`, rebases) did not grow. Otherwise the
 *   figures are recorded (marked LOSSY RUN) and then the test throws. A panel that makes
 *   no progress for 10 s is given up on (the note says where the link stalled);
 * - page_longest_task_ms: the longest `longtask` entry (>= 50 ms only, by definition)
 *   overlapping the run, 0 if none; page_max_gap_ms: the longest interval between ticks of
 *   a setTimeout(0) chain in the page over the same time (sees tasks under 50 ms too; it
 *   includes the 4 ms minimum of nested timers);
 * - where the time goes (in the notes and detail): CPU per process role (Linux /proc:
 *   page renderer, which also runs the content script; extension renderer = panel +
 *   service worker; other renderers = the DevTools front-end; browser), main-thread busy
 *   time of the page and of the panel frame (CDP Performance.getMetrics), the page's time
 *   in its slices and in postMessage, the panel's time in JSON.parse (the batch decode)
 *   and in `apply` (the models), and the link's pace from the page's own log of batches
 *   posted and acks received (post → ack, ack interval, events per ack).
 *
 * Knobs (env): HINDSIGHT_BENCH_TP_EVENTS, HINDSIGHT_BENCH_TP_WARMUP,
 * HINDSIGHT_BENCH_TP_BURST (0: none), HINDSIGHT_BENCH_TP_RATE (0: flat out),
 * HINDSIGHT_BENCH_TP_SLICE_MS, HINDSIGHT_BENCH_TP_PANEL (`devtools`, the default;
 * `tab`: panel/panel.html?tabId=N opened as an extension tab, no DevTools).
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, test } from 'vitest';
import { IGNORED_REASONS } from '../../extension/panel/sequencer';
import { type ChromiumHarness, type DevtoolsPanelHandle, launchChromium } from '../e2e/harness/chromium';
import { type StaticServer, startStaticServer } from '../e2e/harness/server';
import { iifeBundle } from '../support/iife-bundle';
import { type CpuSampler, cpuSampler, type Role } from './harness/proc-cpu';
import type { OutboxView, RunOptions, RunStats, ThroughputApi } from './harness/throughput-app';
import { type Figure, recordFigures } from './lib/figures';
import { median, quantile } from './lib/stats';

const EVENTS = Number(process.env.HINDSIGHT_BENCH_TP_EVENTS) || 200_000;
const WARMUP = Number(process.env.HINDSIGHT_BENCH_TP_WARMUP ?? 20_000);
const SLICE_MS = Number(process.env.HINDSIGHT_BENCH_TP_SLICE_MS) || 5;
/** Cap on the page's events per second (0: flat out, the default). */
const RATE = Number(process.env.HINDSIGHT_BENCH_TP_RATE) || 0;
/** A flat-out burst measured before the main stream, small enough for the page's history. */
const BURST = Number(process.env.HINDSIGHT_BENCH_TP_BURST ?? 40_000);
const PANEL = process.env.HINDSIGHT_BENCH_TP_PANEL === 'tab' ? 'tab' : 'devtools';
/** Give up waiting for the panel when it made no progress for this long. */
const STALL_MS = 10_000;

declare global {
  interface Window {
    __hsTp: ThroughputApi;
  }
}

const ENTRY = fileURLToPath(new URL('./harness/throughput-app.ts', import.meta.url));

const appBundle = () => iifeBundle(ENTRY, { name: 'HindsightThroughput' });

/** What the panel recorder (PANEL_RECORDER) holds. */
interface PanelRec {
  session: string | null;
  batches: number;
  events: number;
  /** Highest seq applied, and seqs out of order: a jump forward (gap) or a repeat. */
  lastSeq: number;
  gaps: number;
  repeats: number;
  /** Epoch ms the batch holding `lastSeq` was applied. */
  lastAt: number;
  applyMs: number;
  applyMsMax: number;
  parseMs: number;
  parseCalls: number;
  batchEventsMax: number;
}

/**
 * Installed in the panel frame: wraps the live session's `apply` (its instance, so only
 * this session) and JSON.parse (the Sequencer's batch decode) to time them. `reset(seq)`
 * starts counting afresh, expecting `seq + 1` next.
 */
const PANEL_RECORDER = `(() => {
  const model = globalThis.__HINDSIGHT_PANEL__;
  const store = model.live.value;
  const now = () => performance.timeOrigin + performance.now();
  const rec = { session: store.info ? store.info.session : null, batches: 0, events: 0, lastSeq: 0, gaps: 0,
    repeats: 0, lastAt: 0, applyMs: 0, applyMsMax: 0, parseMs: 0, parseCalls: 0, batchEventsMax: 0 };
  globalThis.__hsTpRec = rec;
  globalThis.__hsTpReset = (seq) => {
    Object.assign(rec, { batches: 0, events: 0, lastSeq: seq, gaps: 0, repeats: 0, lastAt: 0, applyMs: 0,
      applyMsMax: 0, parseMs: 0, parseCalls: 0, batchEventsMax: 0 });
  };
  const apply = store.apply.bind(store);
  store.apply = (events, announce) => {
    const t0 = performance.now();
    apply(events, announce);
    const t1 = performance.now();
    rec.batches++;
    rec.events += events.length;
    if (events.length > rec.batchEventsMax) rec.batchEventsMax = events.length;
    for (const ev of events) {
      if (ev.seq > rec.lastSeq + 1) rec.gaps++;
      if (ev.seq <= rec.lastSeq) rec.repeats++;
      else rec.lastSeq = ev.seq;
    }
    rec.lastAt = performance.timeOrigin + t1;
    rec.applyMs += t1 - t0;
    if (t1 - t0 > rec.applyMsMax) rec.applyMsMax = t1 - t0;
  };
  const parse = JSON.parse;
  JSON.parse = function (...args) {
    const t0 = performance.now();
    try {
      return parse.apply(this, args);
    } finally {
      rec.parseMs += performance.now() - t0;
      rec.parseCalls++;
    }
  };
  return rec.session;
})()`;

/** What the panel's model says about the live session and its drop counters. */
const PANEL_STATE = `(() => {
  const m = globalThis.__HINDSIGHT_PANEL__;
  const s = m.live.value;
  return {
    session: s.info ? s.info.session : null,
    // Events applied (held, or let go of for the panel's memory budget), read without
    // building an export of them.
    raw: s.eventCount + s.letGo,
    lastRawSeq: s.lastEvent ? s.lastEvent.seq : 0,
    pageDropped: s.pageDropped,
    oddities: Object.fromEntries(s.oddities),
    drops: m.drops.value.map((d) => ({ ...d })),
    linkStatus: m.linkStatus.value,
    visibility: document.visibilityState,
  };
})()`;

interface PanelState {
  session: string | null;
  raw: number;
  lastRawSeq: number;
  pageDropped: number;
  oddities: Record<string, number>;
  drops: { where: string; reason: string; count: number }[];
  linkStatus: string;
  visibility: string;
}

let h: ChromiumHarness | undefined;
let server: StaticServer | undefined;
let devtoolsPanel: DevtoolsPanelHandle | undefined;

afterAll(async () => {
  devtoolsPanel?.close();
  await h?.close();
  await server?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const emptyRoles = (): Record<Role, number> => ({
  page: 0,
  extension: 0,
  renderer: 0,
  browser: 0,
  gpu: 0,
  utility: 0,
  node: 0,
});

interface ThreadTime {
  taskMs: number;
  scriptMs: number;
}

interface Usage {
  roles: Record<Role, number>;
  pageMain: ThreadTime;
  panelMain: ThreadTime;
}

const emptyUsage = (): Usage => ({
  roles: emptyRoles(),
  pageMain: { taskMs: 0, scriptMs: 0 },
  panelMain: { taskMs: 0, scriptMs: 0 },
});

function addUsage(a: Usage, b: Usage): Usage {
  const roles = emptyRoles();
  for (const r of Object.keys(roles) as Role[]) roles[r] = a.roles[r] + b.roles[r];
  const add = (x: ThreadTime, y: ThreadTime) => ({
    taskMs: x.taskMs + y.taskMs,
    scriptMs: x.scriptMs + y.scriptMs,
  });
  return { roles, pageMain: add(a.pageMain, b.pageMain), panelMain: add(a.panelMain, b.panelMain) };
}

/**
 * Main-thread busy time of a page or frame target from CDP Performance metrics
 * (TaskDuration: all tasks; ScriptDuration: JS), as deltas between marks.
 */
function threadClock(send: <T>(method: string) => Promise<T>) {
  let last: ThreadTime = { taskMs: 0, scriptMs: 0 };
  const read = async (): Promise<ThreadTime> => {
    const { metrics } = await send<{ metrics: { name: string; value: number }[] }>('Performance.getMetrics');
    const v = (n: string) => (metrics.find((m) => m.name === n)?.value ?? 0) * 1000;
    return { taskMs: v('TaskDuration'), scriptMs: v('ScriptDuration') };
  };
  return {
    enable: async () => {
      await send('Performance.enable');
      last = await read();
    },
    async mark(): Promise<ThreadTime> {
      const now = await read();
      const d = { taskMs: now.taskMs - last.taskMs, scriptMs: now.scriptMs - last.scriptMs };
      last = now;
      return d;
    },
  };
}

/**
 * The link's pace from the page's logs: per ack, the time since the batch holding its seq
 * was posted (the window's round trip) and since the previous ack; events per ack.
 */
function linkPace(page: RunStats) {
  const rtt: number[] = [];
  const between: number[] = [];
  const perAck: number[] = [];
  let prev: [number, number] | undefined;
  for (const [t, seq] of page.ackLog) {
    const post = page.postLog.find(([, first, count]) => first <= seq && seq < first + count);
    if (post) rtt.push(t - post[0]);
    if (prev) {
      between.push(t - prev[0]);
      perAck.push(seq - prev[1]);
    }
    prev = [t, seq];
  }
  const q = (xs: number[]) =>
    xs.length
      ? { p10: round(quantile(xs, 0.1)), p50: round(median(xs)), p90: round(quantile(xs, 0.9)) }
      : null;
  return { postToAckMs: q(rtt), ackIntervalMs: q(between), eventsPerAck: q(perAck) };
}

type StreamResult = {
  page: RunStats;
  panel: PanelRec;
  state: PanelState;
  outbox: OutboxView | null;
  stalled: boolean;
  used: Usage;
};

/** Loss checks and figures of one stream; `prev`: the panel's state before it (drop counters are cumulative). */
function analyse(r: StreamResult, prev: PanelState, cpuAvailable: boolean) {
  const { page, panel, state, outbox, stalled, used } = r;
  const emitted = page.endSeq - page.startSeq;
  const expected = page.messages * 4;
  const durationMs = panel.lastAt - page.firstSendAt;
  const produceMs = page.lastSendAt - page.firstSendAt;
  // Events of the run the panel applied, once each (a repeat is not a second delivery).
  const delivered = panel.events - panel.repeats;
  const sum = (ds: PanelState['drops'], ignored: boolean) =>
    ds.filter((d) => IGNORED_REASONS.includes(d.reason) === ignored).reduce((n, d) => n + d.count, 0);
  const lostDrops = sum(state.drops, false) - sum(prev.drops, false);
  const ignored = sum(state.drops, true) - sum(prev.drops, true);
  const evicted = state.pageDropped - prev.pageDropped;
  const lost = expected - delivered;
  const complete =
    emitted === expected &&
    panel.lastSeq >= page.endSeq &&
    panel.gaps === 0 &&
    panel.repeats === 0 &&
    lost === 0;
  const broken = !complete || lostDrops > 0 || evicted > 0;
  // Per second of the stream: until the panel applied its last event, or until the page sent
  // its last one if the panel's last came earlier (it never got the rest).
  const goodput = (delivered / Math.max(durationMs, produceMs)) * 1000;
  const perK = (ms: number, n = emitted) => round((ms / Math.max(1, n)) * 1000, 2);
  const cpuPerK = Object.fromEntries(
    Object.entries(used.roles).map(([role, v]) => [role, perK(v, role === 'page' ? emitted : delivered)]),
  ) as Record<Role, number>;
  const stallNote =
    stalled && outbox
      ? `; the link stalled at seq ${panel.lastSeq}: the page's outbox had acked ${outbox.acked}, sent ${outbox.sent}, kept ${outbox.oldest}..${outbox.seq}`
      : '';
  const lossNote = broken
    ? `LOSSY RUN (${lost} of ${expected} not delivered, ${lostDrops} in drop counters, ${evicted} evicted unsent at the page${stallNote}): `
    : '';
  const cpuNote = cpuAvailable
    ? `; CPU ms per 1000 events: page ${cpuPerK.page} (main thread ${perK(used.pageMain.taskMs)}), extension ${cpuPerK.extension} (panel main thread ${perK(used.panelMain.taskMs, delivered)}: JSON.parse ${perK(panel.parseMs, delivered)}, models ${perK(panel.applyMs, delivered)}; the rest is the service worker and messaging), other renderers ${cpuPerK.renderer}, browser ${cpuPerK.browser}`
    : '';
  const detail = {
    messages: page.messages,
    emitted,
    expected,
    delivered,
    seqRange: [page.startSeq + 1, page.endSeq],
    lost,
    panelDrops: state.drops,
    panelDropsLost: lostDrops,
    panelIgnoredResends: ignored,
    pageEvictedUnsent: evicted,
    panelOddities: state.oddities,
    linkStalled: stalled,
    pageOutboxAtEnd: outbox,
    linkPace: linkPace(page),
    panelGaps: panel.gaps,
    panelRepeats: panel.repeats,
    durationMs: round(durationMs),
    produceMs: round(produceMs),
    drainAfterProduceMs: round(panel.lastAt - page.lastSendAt),
    produceRatePerS: Math.round((emitted / produceMs) * 1000),
    panelRateWhileDeliveringPerS: Math.round((delivered / durationMs) * 1000),
    pageSlices: page.slices,
    pageSliceMsMax: round(page.sliceMsMax, 2),
    pageSliceMsSum: round(page.sliceMsSum),
    pageBatchesPosted: page.batches,
    pageBatchEventsMax: page.batchEventsMax,
    pageBatchCharsMean: Math.round(page.batchChars / Math.max(1, page.batches)),
    pagePostMessageMs: round(page.postMs),
    pageAcksReceived: page.acks,
    panelBatchesApplied: panel.batches,
    panelBatchEventsMax: panel.batchEventsMax,
    panelApplyMs: round(panel.applyMs),
    panelApplyMsMax: round(panel.applyMsMax, 2),
    panelParseMs: round(panel.parseMs),
    panelParseCalls: panel.parseCalls,
    cpuMs: cpuAvailable ? used.roles : 'unavailable',
    cpuMsPer1000Events: cpuAvailable ? cpuPerK : 'unavailable',
    mainThreadMs: {
      page: { task: round(used.pageMain.taskMs), script: round(used.pageMain.scriptMs) },
      panel: { task: round(used.panelMain.taskMs), script: round(used.panelMain.scriptMs) },
    },
  };
  const error = broken
    ? `${lost} of ${expected} not applied in order (panel reached seq ${panel.lastSeq} of ${page.endSeq}, ${panel.gaps} gaps, ${panel.repeats} repeats), ${lostDrops} in drop counters, ${evicted} evicted unsent at the page${stallNote}`
    : null;
  return { emitted, goodput, lossNote, cpuNote, detail, error };
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

test('throughput_msgs_per_s', async () => {
  const t0 = Date.now();
  const load0 = loadavg()[0];
  server = await startStaticServer({
    '/app.js': await appBundle(),
    '/index.html':
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>throughput</title>' +
      '<script src="/app.js"></script></head><body><p>throughput</p></body></html>',
  });
  h = await launchChromium({ devtools: PANEL === 'devtools' });
  const app = await h.context.newPage();
  const pageErrors: string[] = [];
  app.on('pageerror', (e) => pageErrors.push(String(e)));
  await app.goto(`${server.url}/index.html`);
  await app.waitForFunction(() => window.__hsTp?.ready() === true, undefined, { timeout: 30_000 });

  let panelEval: <T>(expr: string) => Promise<T>;
  let panelCdp: <T>(method: string) => Promise<T>;
  if (PANEL === 'devtools') {
    const handle = await h.openRealDevtoolsPanel(app);
    devtoolsPanel = handle;
    panelEval = <T>(expr: string) => handle.evaluate<T>(expr);
    panelCdp = <T>(method: string) => handle.send<T>(method);
  } else {
    const tab: Page = await h.openPanelTab(await h.tabIdOf(app));
    panelEval = <T>(expr: string) => tab.evaluate(expr) as Promise<T>;
    const session = await h.context.newCDPSession(tab);
    panelCdp = <T>(method: string) => session.send(method as 'Performance.getMetrics') as Promise<T>;
  }
  const appSession = await h.context.newCDPSession(app);
  const appCdp = <T>(method: string) => appSession.send(method as 'Performance.getMetrics') as Promise<T>;
  await app.bringToFront();
  await waitFor('the hook to be connected', () => app.evaluate(() => window.__hsTp.hookActive()));
  const session = await app.evaluate(() => window.__hsTp.session());
  // The panel synced: it holds this session and every event the page has made so far.
  await waitFor('the panel to hold the page session', async () => {
    const s = await panelEval<PanelState>(PANEL_STATE);
    const seq = await app.evaluate(() => window.__hsTp.lastSeq());
    return s.session === session && seq > 0 && s.lastRawSeq === seq;
  });
  const recSession = await panelEval<string | null>(PANEL_RECORDER);
  if (recSession !== session) throw new Error(`panel recorder on session ${recSession}, page is ${session}`);

  const rec = () => panelEval<PanelRec>('globalThis.__hsTpRec');
  const pageThread = threadClock(appCdp);
  const panelThread = threadClock(panelCdp);
  await pageThread.enable();
  await panelThread.enable();
  /** CPU by role (ms) and the main-thread busy time of the page and of the panel (ms). */
  const usage = async (cpu: CpuSampler): Promise<Usage> => {
    const [roles, pageMain, panelMain] = await Promise.all([
      cpu.mark(),
      pageThread.mark(),
      panelThread.mark(),
    ]);
    return { roles, pageMain, panelMain };
  };

  /**
   * Stream `events` and wait for the panel to apply the last one (or to stall). Usage
   * (when `cpu` is given) is summed up to the last poll that saw the page or the panel
   * progress, so a stall is not billed.
   */
  const stream = async (events: number, cpu?: CpuSampler, rate = 0) => {
    const startSeq = await app.evaluate(() => window.__hsTp.lastSeq());
    await panelEval(`globalThis.__hsTpReset(${startSeq})`);
    const opts: RunOptions = { events, sliceMs: SLICE_MS, rate };
    if (cpu) await usage(cpu);
    await app.evaluate((o) => window.__hsTp.start(o), opts);
    let page: RunStats | null = null;
    let panel = await rec();
    let progressAt = Date.now();
    let lastSeen = panel.lastSeq;
    let used = emptyUsage();
    let pending = emptyUsage();
    let stalled = false;
    for (;;) {
      await sleep(250);
      page = await app.evaluate(() => window.__hsTp.stats());
      panel = await rec();
      if (cpu) pending = addUsage(pending, await usage(cpu));
      if (panel.lastSeq !== lastSeen || page?.running) {
        lastSeen = panel.lastSeq;
        progressAt = Date.now();
        used = addUsage(used, pending);
        pending = emptyUsage();
      }
      if (page && !page.running && panel.lastSeq >= page.endSeq) break;
      if (Date.now() - progressAt > STALL_MS) {
        stalled = true;
        break;
      }
    }
    const outbox = await app.evaluate(() => window.__hsTp.outbox());
    page = await app.evaluate(() => window.__hsTp.stop());
    if (!page) throw new Error('the page lost its run');
    return {
      page,
      panel: await rec(),
      state: await panelEval<PanelState>(PANEL_STATE),
      outbox,
      stalled,
      used,
    };
  };

  const longtaskSupported = await app.evaluate(() => window.__hsTp.longtaskSupported());
  const panelWhere =
    PANEL === 'devtools' ? 'real DevTools panel' : 'panel page opened as an extension tab (no DevTools)';
  const before = await panelEval<PanelState>(PANEL_STATE);
  const warm = WARMUP > 0 ? await stream(WARMUP) : null;
  const cpu = await cpuSampler(h.context, app);
  // Each measured stream starts from a quiet link (the panel's paced redraw done).
  await sleep(1000);
  const burst = BURST > 0 ? await stream(BURST, cpu) : null;
  await sleep(1000);
  const main = await stream(EVENTS, cpu, RATE);
  const runs = [warm, burst, main];
  const burstA = burst ? analyse(burst, warm?.state ?? before, cpu.available) : null;
  const mainA = analyse(main, (burst ?? warm)?.state ?? before, cpu.available);
  const { page } = main;
  const longest = page.longtasks.reduce((m, t) => Math.max(m, t.duration), 0);

  const detail = {
    panel: PANEL,
    events: EVENTS,
    warmupEvents: WARMUP,
    burstEvents: BURST,
    sliceMs: SLICE_MS,
    rateCap: RATE || 'none',
    ...mainA.detail,
    longtasks: page.longtasks.map((t) => ({ start: round(t.start), duration: round(t.duration) })),
    longtaskSupported,
    probe: {
      ticks: page.probeTicks,
      gapMsMax: round(page.gapMsMax, 2),
      top: page.gapsTop.map((g) => round(g, 2)),
      over16: page.gapsOver16,
      over50: page.gapsOver50,
    },
    pageVisibility: page.visibility,
    panelVisibility: main.state.visibility,
    linkStatus: main.state.linkStatus,
    warmup: warm
      ? {
          emitted: warm.page.endSeq - warm.page.startSeq,
          panelApplied: warm.panel.events,
          durationMs: round(warm.panel.lastAt - warm.page.firstSendAt),
          produceMs: round(warm.page.lastSendAt - warm.page.firstSendAt),
        }
      : null,
    pageErrors,
    seconds: (Date.now() - t0) / 1000,
    /** Other work on the machine shows here (1-minute load at the start and at the end). */
    loadAvg1m: [round(load0, 2), round(loadavg()[0], 2)],
  };
  const workload = (events: number, messages: number, rate = 0) =>
    `${events} events (${messages} messages × 4) in ${SLICE_MS} ms slices${rate ? `, capped at ${rate}/s` : ', flat out'}`;
  const figures: Figure[] = [
    {
      name: 'throughput_msgs_per_s',
      value: Math.round(mainA.goodput),
      unit: 'events/s',
      target: { min: 20_000 },
      note: `${mainA.lossNote}hook events page → panel model, first send to last applied (events the panel holds in order, per second of the stream), ${workload(mainA.emitted, page.messages, RATE)}; ${panelWhere}${mainA.cpuNote}`,
      detail,
    },
    {
      name: 'page_longest_task_ms',
      value: round(longest),
      unit: 'ms',
      target: { max: 50 },
      note: longtaskSupported
        ? `longest longtask entry on the app page during the ${EVENTS}-event stream (only tasks >= 50 ms are reported; 0 = none); ${page.longtasks.length} long tasks`
        : 'longtask entries are not supported in this page: 0 means unknown',
    },
    {
      name: 'page_max_gap_ms',
      value: round(page.gapMsMax, 1),
      unit: 'ms',
      note: `longest interval between ticks of a setTimeout(0) chain on the app page during the same stream (includes the 4 ms nested-timer minimum); ${page.gapsOver16} gaps > 16 ms, ${page.gapsOver50} > 50 ms; longest slice of app work ${round(page.sliceMsMax)} ms`,
    },
  ];
  if (burst && burstA)
    figures.push({
      name: 'throughput_burst_msgs_per_s',
      value: Math.round(burstA.goodput),
      unit: 'events/s',
      note: `${burstA.lossNote}the same, for a burst from a quiet link: ${workload(burstA.emitted, burst.page.messages)}; the link's capacity`,
      detail: {
        ...burstA.detail,
        longestTaskMs: burst.page.longtasks.reduce((m, t) => Math.max(m, t.duration), 0),
      },
    });
  recordFigures('throughput', figures, { chromium: h.context.browser()?.version() ?? 'unknown' });
  console.log(`[throughput] ${JSON.stringify({ main: detail, burst: burstA?.detail })}`);
  if (pageErrors.length) throw new Error(`errors in the benchmark page: ${pageErrors.join('; ')}`);
  const warmLost = warm
    ? warm.panel.events - warm.panel.repeats - (warm.page.endSeq - warm.page.startSeq)
    : 0;
  const broken = [
    warmLost !== 0 ? `warm-up: ${-warmLost} not applied` : '',
    ...[burstA, mainA].map((x) => x?.error ?? ''),
  ];
  if (broken.some(Boolean) || runs.some((r) => r && r.page.endSeq === 0))
    throw new Error(`events lost between page and panel: ${broken.filter(Boolean).join('; ')}`);
}, 600_000);
