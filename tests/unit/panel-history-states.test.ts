/**
 * The history keeps deltas and makes most states on demand; this checks it against the
 * simple reference it replaced, every step materialized by patchImmutable as it arrives:
 * on random streams (full states, fitting and unfitting deltas, gaps, rebases, reads in
 * any order, steps let go of up to random points) under random checkpoint policies, every step's state
 * and broken reason must be the reference's, states once handed out must never change
 * (they are deep-frozen here, so a write throws), and the memory estimate must add up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { History, type HistoryOptions } from '../../extension/panel/models/history';
import { diff, patchImmutable } from '../../runtime-hook/delta';
import type { Delta, Serialized, StepEvent } from '../../runtime-hook/protocol';
import {
  applyEdit,
  deepFreeze,
  deltaFor,
  editArb,
  garbageDeltaArb,
  roundTrip,
  stateArb,
} from './history-arbitraries';

const pidArb = fc.constantFrom('p', 'q');
const opArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('full' as const), pid: pidArb, state: stateArb }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('edit' as const), pid: pidArb, edit: editArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('fit' as const), pid: pidArb, seed: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('raw' as const), pid: pidArb, delta: garbageDeltaArb }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('gap' as const), pid: pidArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rebase' as const),
      pid: pidArb,
      state: stateArb,
      same: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('read' as const), pid: pidArb, back: fc.nat(12) }) },
  // The oldest kept step: its state is the one advanced in place as older steps go.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('first' as const), pid: pidArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('trim' as const), frac: fc.double({ min: 0, max: 1 }) }),
  },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

const optsArb: fc.Arbitrary<HistoryOptions> = fc.record({
  maxChain: fc.integer({ min: 1, max: 6 }),
  // Small states make a checkpoint at nearly every step under a finite ratio: weigh the
  // policy that leaves most steps to be made on demand.
  ratio: fc.constantFrom(0, 1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY),
  recent: fc.constantFrom(1, 3, 16),
  recentBytes: fc.constantFrom(0, 64, 1 << 20),
});

/** What the old history recorded: each step patched from the previous one as it arrived. */
interface Ref {
  state?: Serialized;
  broken?: string;
}

function run(opts: HistoryOptions, ops: Op[]): void {
  const h = new History(opts);
  const ref = new Map<string, Map<number, Ref>>([
    ['p', new Map()],
    ['q', new Map()],
  ]);
  const next = new Map([
    ['p', 0],
    ['q', 0],
  ]);
  const handedOut: [Serialized, string][] = [];
  let seq = 0;

  const read = (pid: string, step: number) => {
    const rec = h.get(pid, step);
    const want = ref.get(pid)!.get(step);
    if (!rec || !want) return;
    const s = rec.state;
    if (rec.released) {
      expect(s).toBeUndefined();
      return;
    }
    expect(rec.broken).toBe(want.broken);
    expect(JSON.stringify(s)).toBe(JSON.stringify(want.state));
    if (s === undefined) return;
    expect(s).toEqual(want.state);
    // Read again (the inspector does, on every redraw): the same object, as it is the most recent.
    expect(rec.state).toBe(s);
    handedOut.push([deepFreeze(s), JSON.stringify(s)]);
  };

  for (const op of ops) {
    if (op.kind === 'trim') {
      // Let go of the steps recorded so far up to a point (never a process's latest).
      h.forgetThrough(Math.floor(seq * op.frac));
      continue;
    }
    const { pid } = op;
    const steps = ref.get(pid)!;
    const k = next.get(pid)!;
    if (op.kind === 'read' || op.kind === 'first') {
      read(pid, op.kind === 'read' ? k - 1 - op.back : (h.firstKept(pid)?.step ?? -1));
      continue;
    }
    if (op.kind === 'gap') {
      next.set(pid, k + 1);
      continue;
    }
    if (op.kind === 'rebase') {
      const at = op.same && k > 0 ? k - 1 : k;
      const full = deepFreeze(op.state);
      h.base(pid, at, full, { size: JSON.stringify(full).length }, ++seq, seq);
      steps.set(at, { state: full });
      next.set(pid, at + 1);
      continue;
    }
    const ev: StepEvent = { type: 'step', seq: ++seq, t: seq, pid, step: k, stats: { size: k } };
    const prev = steps.get(k - 1);
    if (op.kind === 'full') {
      ev.full = deepFreeze(op.state);
      steps.set(k, { state: ev.full });
    } else {
      const base = prev?.state ?? null;
      const delta: Delta =
        op.kind === 'edit'
          ? (diff(base, applyEdit(base, op.edit)) ?? {})
          : op.kind === 'fit'
            ? deltaFor(base, op.seed)
            : op.delta;
      ev.delta = deepFreeze(roundTrip(delta));
      if (!prev) steps.set(k, { broken: `no state for step ${k - 1} to apply this delta to` });
      else if (prev.state === undefined)
        steps.set(k, { broken: `step ${k - 1} is broken; waiting for a full state` });
      else {
        try {
          steps.set(k, { state: patchImmutable(prev.state, ev.delta) });
        } catch (e) {
          steps.set(k, { broken: `delta did not apply: ${(e as Error).message}` });
        }
      }
    }
    h.add(ev);
    next.set(pid, k + 1);
  }

  // Every step, read in a random-ish order (newest first, so mostly on demand).
  let bytes = 0;
  for (const [pid, steps] of ref) {
    const order = [...steps.keys()].sort((a, b) => b - a);
    for (const step of order) {
      read(pid, step);
      bytes += h.get(pid, step)?.bytes ?? 0;
    }
    const last = h.last(pid);
    if (last) expect(last.released).toBeFalsy();
  }
  // The estimate is the sum of what each step is charged (and the lists' spare slots).
  expect(h.bytes - h.listBytes).toBe(bytes);
  // Nothing handed out was written to afterwards (a write to a frozen state would also have
  // thrown inside the history, and shown up above as a broken step or a missing state).
  for (const [s, json] of handedOut) expect(JSON.stringify(s)).toBe(json);
}

describe('panel history states made on demand', () => {
  it('equal the reference (patchImmutable at every step), whatever the policy and the order of reads', () => {
    fc.assert(fc.property(optsArb, fc.array(opArb, { maxLength: 60 }), run), { numRuns: 1000 });
  });

  it('long chains on a big list: each step equals the reference, read far apart or side by side', () => {
    const n = 3000;
    let state: Serialized = { items: Array.from({ length: n }, (_, i) => ({ id: i, n: 0 })), meta: { v: 0 } };
    const h = new History({ recent: 4 });
    h.add({ type: 'step', seq: 1, t: 0, pid: 'p', step: 0, full: state, stats: { size: 1 } });
    const states: Serialized[] = [state];
    for (let k = 1; k < 5000; k++) {
      const i = (k * 7919) % n;
      const item = (state as { items: { n: number }[] }).items[i];
      const delta: Delta =
        k % 500 === 0
          ? { items: { _t: 'a', [n + k / 500 - 1]: [{ id: -k, n: 0 }] } }
          : { items: { _t: 'a', [i]: { n: [item.n, item.n + 1] } } };
      state = patchImmutable(state, delta);
      states.push(state);
      h.add({ type: 'step', seq: k + 1, t: k, pid: 'p', step: k, delta, stats: { size: 1 } });
    }
    for (const k of [4999, 0, 1, 2, 2500, 2499, 2501, 4321, 17, 4998]) {
      expect(h.get('p', k)!.state).toEqual(states[k]);
    }
    // A step made from its cached neighbour shares everything its delta did not touch.
    const a = h.get('p', 3000)!.state as { items: unknown[]; meta: unknown };
    const b = h.get('p', 3001)!.state as { items: unknown[]; meta: unknown };
    const touched = (3001 * 7919) % n;
    expect(b.meta).toBe(a.meta);
    expect(b.items[(touched + 1) % n]).toBe(a.items[(touched + 1) % n]);
    expect(b.items[touched]).not.toBe(a.items[touched]);
  });

  it('the oldest kept step, once read, is not changed as later steps let go of move the base on', () => {
    const h = new History({ ratio: Number.POSITIVE_INFINITY });
    const ev = (step: number, x: Partial<StepEvent>): StepEvent =>
      ({ type: 'step', seq: step + 1, t: step, pid: 'p', step, stats: { size: 0 }, ...x }) as StepEvent;
    h.add(ev(0, { full: { n: 0, list: [0] } }));
    for (let k = 1; k < 8; k++) h.add(ev(k, { delta: { n: [k - 1, k], list: { _t: 'a', 0: [k - 1, k] } } }));
    // Steps 0 and 1 (seq 1 and 2), one at a time.
    expect(h.forgetThrough(1).count).toBe(1);
    expect(h.forgetThrough(2).count).toBe(1);
    const rec2 = h.firstKept('p')!;
    expect(rec2.step).toBe(2);
    const s2 = rec2.state;
    expect(s2).toEqual({ n: 2, list: [2] });
    expect(h.forgetThrough(4).count).toBe(2);
    expect(s2).toEqual({ n: 2, list: [2] });
    expect(rec2.released).toBe(true);
    expect(h.get('p', 2)).toBeUndefined();
    expect(h.released).toBe(4);
    for (let k = 4; k < 8; k++) expect(h.get('p', k)!.state).toEqual({ n: k, list: [k] });
    // Never the latest step.
    expect(h.forgetThrough(100).count).toBe(3);
    expect(h.get('p', 7)!.state).toEqual({ n: 7, list: [7] });
    expect(h.count('p')).toBe(8);
  });
});
