/**
 * The page's outbox against the panel's real Sequencer over a simulated link (latency,
 * lost messages, reconnects), with fake timers: property tests on random apps, budgets
 * and batch sizes. Checked against the simple reference — every event as the hook
 * produced it, and the states rebuilt from that whole stream with jsondiffpatch:
 * - nothing silently lost: each seq reaches the panel exactly once, as produced, or is
 *   counted by a `rebase` (delivered + dropped = produced);
 * - the states the panel can rebuild (rebase bases, then deltas) are the states the app had;
 * - the outbox stays within its memory budget and its send window at all times, and its
 *   batches within their size;
 * - when the budget holds the whole backlog, nothing is dropped at all.
 */
import fc from 'fast-check';
import * as jsondiffpatch from 'jsondiffpatch';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Sequencer } from '../../extension/panel/sequencer';
import { Hook } from '../../runtime-hook/hook';
import type { Outbox } from '../../runtime-hook/outbox';
import {
  type Command,
  decodePageEnvelope,
  EXT_SOURCE,
  type HookEvent,
  PROTOCOL_VERSION,
  SEND_WINDOW,
  type Serialized,
} from '../../runtime-hook/protocol';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

type State = { n: number; items: string[] };

/** One thing the app or the link does. */
type Op =
  | { kind: 'steps'; count: number; text: string; grow: boolean }
  | { kind: 'queued'; count: number; text: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'lossy'; on: boolean }
  | { kind: 'reconnect' };

const textArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 3000 }).map((n) => 'x'.repeat(n)),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('steps' as const),
      count: fc.integer({ min: 1, max: 60 }),
      text: textArb,
      grow: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('queued' as const),
      count: fc.integer({ min: 1, max: 60 }),
      text: textArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lossy' as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconnect' as const) }) },
);

function patch(prev: Serialized, delta: unknown): Serialized {
  return jsondiffpatch.patch(structuredClone(prev), delta as jsondiffpatch.Delta) as Serialized;
}

/** The page hook and the panel's Sequencer joined by a simulated link. */
function link(maxBytes: number, batchChars: number, seed: number) {
  let rnd = seed;
  const random = () => {
    rnd = (rnd * 1103515245 + 12345) % 2 ** 31;
    return rnd / 2 ** 31;
  };
  let lossy = false;
  /** Lose the next batch on its way to the panel (once). */
  let loseNext = false;
  let listener: ((d: unknown) => void) | undefined;
  /** Each direction is first in, first out, as a Port is: delivery times never go back. */
  const lastAt = { up: 0, down: 0 };
  const latency = (dir: 'up' | 'down') => {
    const at = Math.max(lastAt[dir], Date.now() + 1 + Math.floor(random() * 20));
    lastAt[dir] = at;
    return at - Date.now();
  };
  /** Largest batch body posted that holds more than one chunk's worth. */
  const bodies: { length: number; first: number; count: number }[] = [];
  const toPage = (data: unknown) =>
    setTimeout(() => {
      if (!(lossy && random() < 0.3)) listener?.(data);
    }, latency('down'));
  const hook = new Hook({
    history: { maxBytes, batchChars },
    transport: {
      post: (m) =>
        setTimeout(() => {
          if (lossy && random() < 0.3) return;
          const env = decodePageEnvelope(m);
          if (env?.kind === 'batch' && loseNext) {
            loseNext = false;
            return;
          }
          if (env?.kind === 'hello') seq.hello(env);
          else if (env?.kind === 'batch') {
            // A rebase carries full states: no batch size applies to it.
            if (!env.body.startsWith('[{"type":"rebase"'))
              bodies.push({ length: env.body.length, first: env.first, count: env.count });
            seq.batch(env);
          }
        }, latency('up')),
      listen: (cb) => {
        listener = cb;
      },
    },
  });
  const delivered: HookEvent[] = [];
  const seq = new Sequencer({
    session: () => {},
    events: (evs) => delivered.push(...evs),
    dropped: (d) => {
      throw new Error(`the panel dropped ${d.count}: ${d.reason}`);
    },
    command: (session: string, cmd: Command) =>
      toPage({ source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'command', session, cmd }),
  });
  const connect = () => toPage({ source: EXT_SOURCE, v: PROTOCOL_VERSION, kind: 'connect' });
  return {
    hook,
    seq,
    delivered,
    bodies,
    connect,
    setLossy(on: boolean) {
      lossy = on;
    },
    loseNextBatch() {
      loseNext = true;
    },
    /** The panel side went away and came back (its port reconnected): it says hello again. */
    reconnect() {
      seq.disconnected();
      connect();
    },
    outbox: () => (hook as unknown as { outbox?: Outbox }).outbox,
  };
}

function run(ops: Op[], maxBytes: number, batchChars: number, seed: number) {
  const l = link(maxBytes, batchChars, seed);
  let state: State = { n: 0, items: [] };
  /** Every event as the hook produced it, by seq (the reference stream). */
  const produced: string[] = [];
  const violations: string[] = [];
  const check = (when: string) => {
    const box = l.outbox()?.state();
    if (!box) return;
    const [, , , , bytes, inFlight] = box;
    if (bytes > maxBytes) violations.push(`${when}: ${bytes} bytes held`);
    if (inFlight > SEND_WINDOW + 1) violations.push(`${when}: ${inFlight} batches in flight`);
  };
  l.connect();
  vi.advanceTimersByTime(50);
  const box = l.outbox() as unknown as { push(ev: HookEvent): void };
  const push = box.push.bind(box);
  box.push = (ev) => {
    push(ev);
    produced[ev.seq] = JSON.stringify(ev);
  };
  const wrappedFrom = l.hook.lastSeq + 1;
  const proc = l.hook.process({ name: 'app', getState: () => state });
  for (const [i, op] of ops.entries()) {
    switch (op.kind) {
      case 'steps':
        for (let k = 0; k < op.count; k++) {
          state = {
            n: state.n + 1,
            items: op.grow ? [...state.items, `${op.text}${k}`] : [`${op.text}${k}`],
          };
          proc.step({ name: 'step' }, state);
        }
        break;
      case 'queued':
        for (let k = 0; k < op.count; k++) proc.queue('msg', { k, text: op.text });
        break;
      case 'wait':
        vi.advanceTimersByTime(op.ms);
        break;
      case 'lossy':
        l.setLossy(op.on);
        break;
      case 'reconnect':
        l.reconnect();
        break;
    }
    check(`after op ${i} (${op.kind})`);
  }
  // Drain: a reliable link from here; the resend timer and acks finish the job.
  l.setLossy(false);
  l.reconnect();
  for (let t = 0; t < 600 && l.seq.lastSeq < l.hook.lastSeq; t++) vi.advanceTimersByTime(100);
  check('drained');
  return { ...l, produced, wrappedFrom, violations, state };
}

describe('outbox over a lossy link, against the reference stream', () => {
  it('every event arrives once as produced or is counted dropped; rebuilt states are the app’s; budget, window and batch size hold', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 4000, max: 400_000 }),
        fc.integer({ min: 2000, max: 200_000 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        (ops, maxBytes, batchChars, seed) => {
          const r = run(ops, maxBytes, batchChars, seed);
          expect(r.violations).toEqual([]);
          const last = r.hook.lastSeq;
          expect(r.seq.lastSeq).toBe(last);
          // Exactly once each, or counted: delivered seqs and rebase ranges tile 1..last.
          let covered = 0;
          let dropped = 0;
          let prev = 0;
          /** States rebuilt as the panel would, and the reference states by step. */
          const rebuilt = new Map<number, Serialized>();
          const reference = new Map<number, Serialized>();
          let refState: Serialized | undefined;
          for (let s = r.wrappedFrom; s <= last; s++) {
            const ev = JSON.parse(r.produced[s]) as HookEvent;
            if (ev.type !== 'step') continue;
            refState = ev.full !== undefined ? ev.full : patch(refState as Serialized, ev.delta);
            reference.set(ev.step, refState);
          }
          let cur: Serialized | undefined;
          for (const ev of r.delivered) {
            if (ev.type === 'rebase') {
              expect(ev.seq - prev).toBe(ev.dropped);
              dropped += ev.dropped;
              covered += ev.dropped;
              for (const b of ev.bases) {
                cur = b.full;
                rebuilt.set(b.step, cur);
                if (reference.has(b.step)) expect(b.full).toEqual(reference.get(b.step));
              }
              if (!ev.bases.length) cur = undefined;
            } else {
              expect(ev.seq).toBe(prev + 1);
              covered++;
              if (ev.seq >= r.wrappedFrom) expect(ev).toEqual(JSON.parse(r.produced[ev.seq]));
              if (ev.type === 'step') {
                if (ev.full !== undefined) cur = ev.full;
                else if (cur !== undefined) cur = patch(cur, ev.delta);
                if (cur !== undefined) rebuilt.set(ev.step, cur);
              }
            }
            prev = ev.seq;
          }
          expect(covered).toBe(last);
          // The newest state is always rebuildable, and is the app's.
          const newest = Math.max(...reference.keys(), 0);
          if (reference.size) expect(rebuilt.get(newest)).toEqual(r.state);
          for (const [step, s] of rebuilt) if (reference.has(step)) expect(s).toEqual(reference.get(step));
          // Batches: within their size, unless one chunk (its threshold and an event) alone.
          for (const b of r.bodies) {
            let biggest = 0;
            for (let s = b.first; s < b.first + b.count; s++)
              biggest = Math.max(biggest, r.produced[s]?.length ?? 0);
            expect(b.length).toBeLessThanOrEqual(Math.max(batchChars, (batchChars >> 2) + biggest + 3));
          }
          // A budget that held everything dropped nothing.
          const total = r.produced.reduce((n, p) => n + (p ? p.length + 1 : 0), 0);
          if (total * 2 + 64 * r.produced.length < maxBytes - (maxBytes >> 4)) expect(dropped).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a batch lost on the way, then evicted with the backlog: the rebase after it counts those events too', () => {
    const l = link(6000, 2000, 7);
    l.connect();
    vi.advanceTimersByTime(50);
    let state: State = { n: 0, items: [] };
    const proc = l.hook.process({ name: 'app', getState: () => state });
    const steps = (n: number) => {
      for (let k = 0; k < n; k++) {
        state = { n: state.n + 1, items: [`item ${state.n}`] };
        proc.step({ name: 'step' }, state);
      }
    };
    steps(5);
    vi.advanceTimersByTime(200);
    expect(l.seq.lastSeq).toBe(l.hook.lastSeq);
    const held = l.seq.lastSeq;
    // This batch never arrives (a worker stopped), and nothing tells the panel yet.
    l.loseNextBatch();
    steps(5);
    vi.advanceTimersByTime(20);
    // Then far more than the budget holds: the lost events go with the unsent ones.
    steps(400);
    vi.advanceTimersByTime(5000);
    const rebase = l.delivered.find((e) => e.type === 'rebase');
    expect(rebase?.type).toBe('rebase');
    if (rebase?.type !== 'rebase') return;
    // Everything up to the rebase that the panel did not hold is counted, the lost batch too.
    expect(rebase.dropped).toBe(rebase.seq - held);
    expect(l.delivered.filter((e) => e.type !== 'rebase').length + rebase.dropped).toBe(l.hook.lastSeq);
  });
});
