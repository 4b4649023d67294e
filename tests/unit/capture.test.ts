/**
 * Incremental capture (runtime-hook/capture.ts) against the full reference: on random
 * immutable update sequences, every step's value, stats and delta equal what `serialize`
 * of the new state and `diff` against the previous serialized state give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { immutableCapture } from '../../runtime-hook/capture';
import { diff, patchImmutable } from '../../runtime-hook/delta';
import type { Capture } from '../../runtime-hook/hook';
import type { Serialized } from '../../runtime-hook/protocol';
import { type SerializeOptions, serialize } from '../../runtime-hook/serialize';
import {
  applyEdit,
  type Edit,
  editArb,
  immutableEdit,
  nodes,
  optionsArb,
  plainStateArb,
  stateArb,
} from './capture-arbitraries';

/** Run `states` through `cap` and the reference; returns how many steps were incremental. */
function checkAgainstReference(
  cap: Capture,
  states: unknown[],
  opts: Partial<SerializeOptions>,
  label = '',
): number {
  let last: Serialized | undefined;
  // The capture writes its own previous value in place: keep a copy to patch.
  let lastCopy: Serialized | undefined;
  let prevRef: Serialized | undefined;
  let incremental = 0;
  states.forEach((state, i) => {
    const ref = serialize(state, opts);
    const got = cap(state, opts, last);
    const where = `${label} step ${i}`;
    expect(got.value, where).toEqual(ref.value);
    // Key order too: the same JSON text.
    expect(JSON.stringify(got.value), where).toBe(JSON.stringify(ref.value));
    const { walk, ...stats } = got.stats;
    expect(stats, where).toEqual(ref.stats);
    if (last !== undefined && prevRef !== undefined) {
      const want = diff(prevRef, ref.value) ?? {};
      const delta = got.delta ?? diff(last, got.value) ?? {};
      expect(delta, where).toEqual(want);
      // The delta rebuilds the new value from the previous one.
      expect(patchImmutable(lastCopy as Serialized, delta), where).toEqual(ref.value);
      if (got.delta !== undefined && walk === undefined) incremental++;
    }
    last = got.value;
    lastCopy = JSON.parse(JSON.stringify(got.value));
    prevRef = ref.value;
  });
  return incremental;
}

describe('immutable capture', () => {
  it('equals serialize + diff on random immutable update sequences', () => {
    let steps = 0;
    let incremental = 0;
    fc.assert(
      fc.property(
        stateArb,
        fc.array(editArb, { minLength: 1, maxLength: 12 }),
        optionsArb,
        (s0, edits, o) => {
          const states: unknown[] = [s0];
          let s: unknown = s0;
          for (const e of edits as Edit[]) {
            s = immutableEdit(s, e);
            states.push(s);
          }
          incremental += checkAgainstReference(immutableCapture(), states, o);
          steps += states.length - 1;
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    // Most steps took the incremental path (fallbacks are the exception).
    expect(incremental).toBeGreaterThan(steps * 0.5);
  });
});

const deepFreeze = (x: unknown, seen = new Set<unknown>()): void => {
  if (typeof x !== 'object' || x === null || seen.has(x)) return;
  seen.add(x);
  Object.freeze(x);
  for (const v of Object.values(x)) deepFreeze(v, seen);
};

describe('guarded immutable capture (connect() clients: references trusted inside frozen data)', () => {
  it('equals serialize + diff when frozen updates, unfrozen updates and in-place writes mix', () => {
    let steps = 0;
    let incremental = 0;
    fc.assert(
      fc.property(
        plainStateArb,
        fc.array(fc.tuple(editArb, fc.nat(6)), { minLength: 1, maxLength: 12 }),
        optionsArb,
        (s0, edits, o) => {
          const cap = immutableCapture(true);
          let state: unknown = s0;
          if (edits[0][1] > 1) deepFreeze(state);
          let last = cap(state, o).value;
          let ref = serialize(state, o).value;
          for (const [e, how] of edits) {
            if (how <= 3) {
              state = immutableEdit(state, e);
              // Mostly frozen, as Immer and NgRx's runtime checks leave it; sometimes all but the
              // new value, or only the top.
              if (how === 0) deepFreeze(state);
              else if (how === 1) deepFreeze(state, new Set([e.value]));
              else if (how === 2) Object.freeze(state);
            } else {
              // Written in place where it is not frozen (a store that does not always copy).
              const open = nodes(state).filter((n) => !Object.isFrozen(n.node));
              if (open.length) applyEdit(open[e.at % open.length].node, e, state as never, open[0].node);
            }
            const want = serialize(state, o);
            const got = cap(state, o, last);
            expect(JSON.stringify(got.value)).toBe(JSON.stringify(want.value));
            const { walk, ...stats } = got.stats;
            expect(stats).toEqual(want.stats);
            const delta = got.delta ?? diff(last, got.value) ?? {};
            expect(delta).toEqual(diff(ref, want.value) ?? {});
            steps++;
            if (walk === undefined && got.delta !== undefined) incremental++;
            last = got.value;
            ref = want.value;
          }
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    expect(incremental).toBeGreaterThan(steps * 0.2);
  });

  it('walks an unfrozen state whole, and says so', () => {
    const cap = immutableCapture(true);
    const s1 = { list: [{ n: 1 }, { n: 2 }] };
    const last = cap(s1, {}).value;
    s1.list[0].n = 5;
    const r = cap({ ...s1 }, {}, last);
    expect(r.stats.walk).toMatch(/not frozen/);
    expect(r.value).toEqual({ list: [{ n: 5 }, { n: 2 }] });
  });
});
