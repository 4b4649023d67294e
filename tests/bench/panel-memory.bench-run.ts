/**
 * The panel's whole session within its memory budget: a PanelModel (the real models: the
 * timeline, messages, the event log, flags, the state history) fed 1,000,000 hook events as
 * the link delivers them, 250,000 app messages of 4 events each (queued, started, a step
 * with a small delta, done: what tests/bench/harness/throughput-app.ts sends), decoded from
 * JSON batch bodies by the panel's own decoder, with the default budget (256 MB).
 *
 * - panel_heap_mb_1m: the JS heap the model holds after the run (GC forced before each
 *   reading; the bench project runs node with --expose-gc), from before the model was made.
 *   Target: within the budget. Node runs without pointer compression, so the same objects
 *   take more here than in the browser's panel (Chrome compresses pointers to 4 bytes).
 * - panel_apply_us_per_event: mean time the model took per event (SessionStore.apply with
 *   trimming, decoding not included); target ≤ 10 (100,000 events/s).
 * - peer_heap_mb_1m_unbounded, peer_apply_us_per_event_unbounded: the same run with no
 *   budget (nothing let go of), measured in the same process.
 *
 * The detail says what the session's estimate was against the heap (per kept event), how
 * many events were let go of, and the decode time. HINDSIGHT_BENCH_PANEL_EVENTS changes the
 * event count (a multiple of 4).
 */
import { expect, test } from 'vitest';
import { createPanelModel } from '../../extension/panel/models/panel';
import { diff } from '../../runtime-hook/delta';
import { decodeBatchBody, type Serialized } from '../../runtime-hook/protocol';
import { SESSION } from '../unit/panel-fixtures';
import { type Figure, recordFigures } from './lib/figures';

const EVENTS = Number(process.env.HINDSIGHT_BENCH_PANEL_EVENTS ?? 1_000_000);
/** Events per delivered batch (the link's batches carry up to 512K characters, a few thousand events). */
const BATCH = 2000;
const MB = 1024 * 1024;

const gc = (globalThis as { gc?: () => void }).gc;
const heap = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

type State = { count: number; last: { i: number; title: string; done: boolean } | null };

/** The app's stream as wire JSON, one batch body at a time (what the hook posts). */
function* bodies(events: number): Generator<string> {
  let state: State = { count: 0, last: null };
  let seq = 0;
  let t = 1_700_000_000_000;
  let out: unknown[] = [
    {
      type: 'process',
      seq: ++seq,
      t,
      pid: 's1',
      name: 'store',
      kind: 'store',
      caps: { jump: true, replay: true },
    },
  ];
  const size = (s: State) => JSON.stringify(s).length;
  out.push({ type: 'step', seq: ++seq, t, pid: 's1', step: 0, stats: { size: size(state) }, full: state });
  for (let i = 0; 4 * i < events; i++) {
    const mid = i + 1;
    t += 0.01;
    out.push({
      type: 'queued',
      seq: ++seq,
      t,
      pid: 's1',
      mid,
      name: 'addItem',
      kind: 'action',
      payload: { i },
    });
    out.push({ type: 'started', seq: ++seq, t, mid });
    const next: State = { count: state.count + 1, last: { i, title: `item ${i}`, done: i % 3 === 0 } };
    out.push({
      type: 'step',
      seq: ++seq,
      t,
      pid: 's1',
      step: i + 1,
      mid,
      mutation: { name: 'itemAdded', payload: i },
      stats: {
        size: size(next),
        keys: { count: String(next.count).length, last: JSON.stringify(next.last).length },
      },
      delta: diff(state as unknown as Serialized, next as unknown as Serialized),
    });
    out.push({ type: 'done', seq: ++seq, t, mid });
    state = next;
    if (out.length >= BATCH) {
      yield JSON.stringify(out);
      out = [];
    }
  }
  if (out.length) yield JSON.stringify(out);
}

interface Run {
  heapBytes: number;
  applyMs: number;
  decodeMs: number;
  applied: number;
  estimate: number;
  history: number;
  kept: number;
  letGo: number;
  budget: number;
}

function run(budget: number | undefined): Run {
  const before = heap();
  const model = createPanelModel();
  if (budget !== undefined) model.memoryBudget.set(budget);
  model.handlers.session(SESSION);
  let applyMs = 0;
  let decodeMs = 0;
  let applied = 0;
  for (const body of bodies(EVENTS)) {
    const d0 = performance.now();
    const { events, bad } = decodeBatchBody(body);
    const a0 = performance.now();
    if (bad) throw new Error(`${bad} events did not decode`);
    model.handlers.events(events);
    applyMs += performance.now() - a0;
    decodeMs += a0 - d0;
    applied += events.length;
  }
  const heapBytes = heap() - before;
  const s = model.live.value;
  const use = model.memoryUse.value;
  const out: Run = {
    heapBytes,
    applyMs,
    decodeMs,
    applied,
    estimate: use.bytes,
    history: use.history,
    kept: s.eventCount,
    letGo: use.letGo,
    budget: use.budget,
  };
  // Keep the model alive until the heap was read.
  expect(s.timeline.length).toBeGreaterThan(0);
  return out;
}

test('panel memory: 1,000,000 hook events within the budget', () => {
  expect(gc, 'run with --expose-gc (the bench project in vitest.config.ts does)').toBeTypeOf('function');
  // No budget: the largest the setting takes (a non-finite one is refused).
  const peer = run(Number.MAX_SAFE_INTEGER);
  const main = run(undefined);
  const us = (r: Run) => (r.applyMs * 1000) / r.applied;
  const detail = (r: Run) => ({
    ...r,
    heapMb: r.heapBytes / MB,
    estimateMb: r.estimate / MB,
    heapPerKeptEvent: r.heapBytes / r.kept,
    estimatePerKeptEvent: r.estimate / r.kept,
    decodeUsPerEvent: (r.decodeMs * 1000) / r.applied,
  });
  const figures: Figure[] = [
    {
      name: 'panel_heap_mb_1m',
      value: main.heapBytes / MB,
      unit: 'MB',
      target: { max: main.budget / MB },
      note: `heap a PanelModel holds after ${main.applied.toLocaleString('en')} hook events (GC forced), default budget ${main.budget / MB} MB; estimate ${(main.estimate / MB).toFixed(1)} MB, ${main.kept.toLocaleString('en')} events kept, ${main.letGo.toLocaleString('en')} let go of`,
      detail: detail(main),
    },
    {
      name: 'panel_apply_us_per_event',
      value: us(main),
      unit: 'us',
      target: { max: 10 },
      note: 'mean model time per event (apply, trimming included; decoding not)',
    },
    {
      name: 'peer_heap_mb_1m_unbounded',
      value: peer.heapBytes / MB,
      unit: 'MB',
      note: `the same run with no budget: nothing let go of (estimate ${(peer.estimate / MB).toFixed(1)} MB)`,
      detail: detail(peer),
    },
    {
      name: 'peer_apply_us_per_event_unbounded',
      value: us(peer),
      unit: 'us',
      note: 'mean model time per event with no budget, same process',
    },
  ];
  recordFigures('panel-memory', figures);
}, 600_000);
