/**
 * The throughput benchmark's page (app.js, bundled by throughput.bench-run.ts): the real
 * runtime hook (getHindsight(), default options) and one store process, driven as an app
 * under load drives its store: each message is `queue` + `start` + `step` (a new small
 * state, sent as a delta) + `done`, i.e. 4 hook events, dispatched in a tight loop that
 * yields every `sliceMs` through a MessageChannel (as React's scheduler time-slices work),
 * so the stream is many short tasks, not one giant one. With `rate` the loop emits no
 * more than that many events per second (it waits with a timer when ahead).
 *
 * Observed in the page while a run lasts (start() → stop()):
 * - `longtask` entries (PerformanceObserver, buffered, from page load);
 * - a gap probe: a setTimeout(0) chain; the longest interval between two of its ticks is
 *   the longest the page could not run a task of its own (includes the timer's 4 ms
 *   minimum for nested timeouts), whatever ran meanwhile (a slice, the hook's flush, acks);
 * - each slice's own duration, and every batch the hook posts (window.postMessage wrapped:
 *   count, characters, time spent inside postMessage), and the acks coming back.
 * Everything is on `window.__hsTp`.
 *
 * For the load test (tests/reliability/load.test.ts), opt in with `instrument()`: the hook's
 * own time on the main thread, per task — inside each app slice (its calls from the app),
 * in its flush timer, its window-message handler and its resend timer — and
 * `long-animation-frame` entries, whose script attribution shows the content script's time.
 * `?maxBytes=N` in the page URL sets the hook's history budget (default: the hook's own).
 */
import { getHindsight } from '../../../runtime-hook/hook';
import type { OutboxState } from '../../../runtime-hook/outbox';
import { EXT_SOURCE, PAGE_SOURCE } from '../../../runtime-hook/protocol';

export interface RunOptions {
  /** Hook events to emit (rounded up to whole messages of 4 events). */
  events: number;
  /** Length of one slice of work before yielding (ms). */
  sliceMs: number;
  /** Cap on the events emitted per second (0: flat out). */
  rate: number;
}

/** Where the hook's outbox stands (its `state()`), with how many events it keeps. */
export interface OutboxView {
  seq: number;
  acked: number;
  sent: number;
  /** Seq of the oldest event still kept (the ring evicts from here). */
  oldest: number;
  kept: number;
  /** Estimated bytes the kept events take, and the budget (see outbox.ts). */
  bytes: number;
  maxBytes: number;
  streaming: boolean;
}

export interface RunStats {
  /** hook.lastSeq before the first and after the last event of the run. */
  startSeq: number;
  endSeq: number;
  messages: number;
  /** Epoch ms (performance.timeOrigin + now) of the first event sent and of the last. */
  firstSendAt: number;
  lastSendAt: number;
  /** Still emitting. */
  running: boolean;
  slices: number;
  sliceMsMax: number;
  sliceMsSum: number;
  /** Gap probe: ticks, longest gap (ms), the 5 longest, and how many exceeded 16 / 50 ms. */
  probeTicks: number;
  gapMsMax: number;
  gapsTop: number[];
  gapsOver16: number;
  gapsOver50: number;
  /** longtask entries that overlap the run window (ms, page time origin). */
  longtasks: { start: number; duration: number }[];
  batches: number;
  batchChars: number;
  batchEventsMax: number;
  postMs: number;
  acks: number;
  /** Page times (ms) each batch was posted (first seq, count) and each ack arrived (seq). */
  postLog: [number, number, number][];
  ackLog: [number, number][];
  visibility: DocumentVisibilityState;
}

interface State {
  count: number;
  last: { i: number; title: string; done: boolean } | null;
}

const maxBytes = Number(new URLSearchParams(location.search).get('maxBytes'));
const hook = getHindsight(maxBytes > 0 ? { history: { maxBytes } } : undefined);
let state: State = { count: 0, last: null };
const store = hook.process({
  name: 'throughput',
  kind: 'store',
  getState: () => state,
  setState: (s) => {
    state = s as State;
  },
});

const epoch = (t = performance.now()) => performance.timeOrigin + t;

// --- observers, on from load ----------------------------------------------------------------

const longtasks: { start: number; duration: number }[] = [];
let longtaskSupported = false;
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  longtaskSupported = true;
} catch {
  // No longtask support: the figure says so.
}

let run: RunStats | null = null;
let runStartPerf = 0;

// The hook posts through window.postMessage at call time (windowTransport): wrap it to see
// its batches. Only our own tagged envelopes are counted.
const realPost = window.postMessage.bind(window);
window.postMessage = ((message: unknown, ...rest: unknown[]) => {
  const m = message as { source?: unknown; kind?: unknown; body?: unknown; count?: unknown } | null;
  if (!run || m?.source !== PAGE_SOURCE || m.kind !== 'batch') {
    (realPost as (...a: unknown[]) => void)(message, ...rest);
    return;
  }
  const t = performance.now();
  (realPost as (...a: unknown[]) => void)(message, ...rest);
  run.postMs += performance.now() - t;
  run.batches++;
  if (typeof m.count === 'number' && run.postLog.length < 10_000)
    run.postLog.push([t, (m as { first?: number }).first ?? 0, m.count]);
  run.batchChars += typeof m.body === 'string' ? m.body.length : 0;
  if (typeof m.count === 'number' && m.count > run.batchEventsMax) run.batchEventsMax = m.count;
}) as typeof window.postMessage;

window.addEventListener('message', (e) => {
  const d = e.data as { source?: unknown; kind?: unknown; cmd?: { type?: unknown; seq?: unknown } } | null;
  if (
    run &&
    e.source === window &&
    d?.source === EXT_SOURCE &&
    d.kind === 'command' &&
    d.cmd?.type === 'ack'
  ) {
    run.acks++;
    if (run.ackLog.length < 10_000) run.ackLog.push([performance.now(), Number(d.cmd.seq)]);
  }
});

// --- the workload ----------------------------------------------------------------------------

function dispatch(i: number): void {
  if (timing) {
    timedDispatch(i);
    return;
  }
  const m = store.queue('addItem', { i });
  m.start();
  state = { count: state.count + 1, last: { i, title: `item ${i}`, done: i % 3 === 0 } };
  store.step({ name: 'itemAdded', payload: i }, state, m);
  m.done();
}

// --- the hook's own time (opt-in) --------------------------------------------------------------

/** One stretch of the hook's work within one task: app-slice calls, flush, command, resend. */
export interface HookSlice {
  where: string;
  /** Page time (ms) the task started and how long the hook ran in it. */
  start: number;
  ms: number;
}

export interface HookTiming {
  /** Longest stretch per kind of work. */
  longest: Record<string, number>;
  totalMs: Record<string, number>;
  /** Stretches of 2 ms or more (at most 20,000). */
  slices: HookSlice[];
  /** `long-animation-frame` scripts of 5 ms or more (at most 20,000): who ran, when, how long. */
  frameScripts: { url: string; invoker: string; start: number; ms: number }[];
  /**
   * `long-animation-frame` entries (at most 20,000), with the time no page script and no
   * rendering accounts for: the content script's (extension scripts are never attributed),
   * or work outside scripts (a GC task, the browser).
   */
  frames: { start: number; ms: number; unattributedMs: number }[];
  frameSupported: boolean;
}

let timing: HookTiming | null = null;
/** The hook's time in the current app slice. */
let inlineMs = 0;

function noteSlice(where: string, start: number, ms: number): void {
  const t = timing;
  if (!t) return;
  t.totalMs[where] = (t.totalMs[where] ?? 0) + ms;
  if (ms > (t.longest[where] ?? 0)) t.longest[where] = ms;
  if (ms >= 2 && t.slices.length < 20_000) t.slices.push({ where, start, ms });
}

function timedDispatch(i: number): void {
  let t0 = performance.now();
  const m = store.queue('addItem', { i });
  m.start();
  let t1 = performance.now();
  inlineMs += t1 - t0;
  state = { count: state.count + 1, last: { i, title: `item ${i}`, done: i % 3 === 0 } };
  t0 = performance.now();
  store.step({ name: 'itemAdded', payload: i }, state, m);
  m.done();
  t1 = performance.now();
  inlineMs += t1 - t0;
}

/** Time the hook's own tasks by wrapping the methods its timers and listener call on the instance. */
function instrument(): boolean {
  const h = hook as unknown as Record<string, unknown> & { outbox?: Record<string, unknown> };
  const box = h.outbox;
  if (!box || timing) return !!timing;
  const t: HookTiming = {
    longest: {},
    totalMs: {},
    slices: [],
    frameScripts: [],
    frames: [],
    frameSupported: false,
  };
  timing = t;
  const wrap = (obj: Record<string, unknown>, name: string, where: string) => {
    const f = obj[name] as (...a: unknown[]) => unknown;
    obj[name] = function (this: unknown, ...a: unknown[]) {
      const t0 = performance.now();
      try {
        return f.apply(this, a);
      } finally {
        noteSlice(where, t0, performance.now() - t0);
      }
    };
  };
  wrap(box, 'flush', 'flush');
  wrap(box, 'checkResend', 'resend');
  wrap(h, 'onData', 'command');
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as {
        startTime: number;
        duration: number;
        renderStart: number;
        scripts: { sourceURL: string; invoker: string; startTime: number; duration: number }[];
      }[]) {
        const end = e.startTime + e.duration;
        let scriptMs = 0;
        for (const sc of e.scripts ?? []) scriptMs += sc.duration;
        const renderMs = e.renderStart > 0 ? end - e.renderStart : 0;
        if (t.frames.length < 20_000)
          t.frames.push({
            start: e.startTime,
            ms: e.duration,
            unattributedMs: Math.max(0, e.duration - scriptMs - renderMs),
          });
        for (const sc of e.scripts ?? [])
          if (t.frameScripts.length < 20_000)
            t.frameScripts.push({
              url: sc.sourceURL,
              invoker: sc.invoker,
              start: sc.startTime,
              ms: sc.duration,
            });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
    t.frameSupported = PerformanceObserver.supportedEntryTypes.includes('long-animation-frame');
  } catch {
    // No long-animation-frame entries: the content script's time stays unknown.
  }
  return true;
}

let probeTimer: ReturnType<typeof setTimeout> | undefined;
let gaps: number[] = [];

function startProbe(r: RunStats): void {
  let last = performance.now();
  const tick = () => {
    const t = performance.now();
    const gap = t - last;
    last = t;
    r.probeTicks++;
    if (gap > r.gapMsMax) r.gapMsMax = gap;
    if (gap > 16) r.gapsOver16++;
    if (gap > 50) r.gapsOver50++;
    gaps.push(gap);
    if (gaps.length > 4096) gaps = gaps.sort((a, b) => b - a).slice(0, 5);
    probeTimer = setTimeout(tick, 0);
  };
  probeTimer = setTimeout(tick, 0);
}

function start(opts: RunOptions): void {
  if (run?.running) throw new Error('a run is already going');
  const messages = Math.ceil(opts.events / 4);
  const r: RunStats = {
    startSeq: hook.lastSeq,
    endSeq: 0,
    messages,
    firstSendAt: 0,
    lastSendAt: 0,
    running: true,
    slices: 0,
    sliceMsMax: 0,
    sliceMsSum: 0,
    probeTicks: 0,
    gapMsMax: 0,
    gapsTop: [],
    gapsOver16: 0,
    gapsOver50: 0,
    longtasks: [],
    batches: 0,
    batchChars: 0,
    batchEventsMax: 0,
    postMs: 0,
    acks: 0,
    postLog: [],
    ackLog: [],
    visibility: document.visibilityState,
  };
  run = r;
  gaps = [];
  runStartPerf = performance.now();
  startProbe(r);
  const channel = new MessageChannel();
  let i = 0;
  let t0 = 0;
  const next = () => channel.port2.postMessage(0);
  channel.port1.onmessage = () => {
    const s = performance.now();
    if (i === 0) {
      r.firstSendAt = epoch(s);
      t0 = s;
    }
    const end = s + opts.sliceMs;
    // With a rate cap: no further than the messages due by now.
    const due =
      opts.rate > 0 ? Math.min(messages, Math.floor(((s - t0) / 1000) * (opts.rate / 4)) + 1) : messages;
    if (i < due) {
      inlineMs = 0;
      do dispatch(i++);
      while (i < due && performance.now() < end);
      const e = performance.now();
      if (timing) noteSlice('app slice', s, inlineMs);
      r.slices++;
      r.sliceMsSum += e - s;
      if (e - s > r.sliceMsMax) r.sliceMsMax = e - s;
    }
    if (i < messages) {
      // Ahead of the rate: wait for the next message to be due.
      if (i >= due)
        setTimeout(next, Math.max(1, ((i + 1) / (opts.rate / 4)) * 1000 - (performance.now() - t0)));
      else next();
    } else {
      const e = performance.now();
      r.lastSendAt = epoch(e);
      r.endSeq = hook.lastSeq;
      r.running = false;
      channel.port1.close();
    }
  };
  channel.port2.postMessage(0);
}

/** Stats so far; `final` ends the probe and collects the long tasks of the run window. */
function stats(final = false): RunStats | null {
  if (!run) return null;
  if (final) {
    clearTimeout(probeTimer);
    probeTimer = undefined;
    const end = performance.now();
    run.longtasks = longtasks.filter((t) => t.start + t.duration >= runStartPerf && t.start <= end);
    run.gapsTop = [...gaps].sort((a, b) => b - a).slice(0, 5);
  }
  return { ...run, longtasks: [...run.longtasks], gapsTop: [...run.gapsTop] };
}

function outbox(): OutboxView | null {
  const box = (hook as unknown as { outbox?: { state(): OutboxState } }).outbox;
  if (!box) return null;
  const [seq, acked, sent, oldest, bytes, , streaming] = box.state();
  // The budget asked for, else the hook's default (hook.ts connect()).
  const budget = maxBytes > 0 ? maxBytes : 64 * 1024 * 1024;
  return { seq, acked, sent, oldest, kept: seq - oldest + 1, bytes, maxBytes: budget, streaming };
}

const api = {
  ready: () => true,
  hookActive: () => hook.active,
  session: () => hook.session,
  lastSeq: () => hook.lastSeq,
  longtaskSupported: () => longtaskSupported,
  instrument,
  timing: () => timing,
  outbox,
  start,
  stats,
  /** End a run: no more batches are counted, the probe stops. */
  stop: () => {
    const s = stats(true);
    run = null;
    return s;
  },
};
export type ThroughputApi = typeof api;
(window as unknown as { __hsTp: ThroughputApi }).__hsTp = api;
