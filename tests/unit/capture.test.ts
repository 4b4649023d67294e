/**
 * Incremental capture (runtime-hook/capture.ts) against the full reference: on random
 * immutable update sequences, every step's value, stats and delta equal what `serialize`
 * of the new state and `diff` against the previous serialized state give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { immutableCapture } from '../../runtime-hook/capture';
import type { Capture } from '../../runtime-hook/hook';
import type { SerializeOptions } from '../../runtime-hook/serialize';
import {
  applyEdit,
  checkStep,
  type Edit,
  editArb,
  immutableEdit,
  nodes,
  optionsArb,
  type Prev,
  plainStateArb,
  stateArb,
} from './capture-arbitraries';

/** Run `states` through `cap` and the reference; returns how many steps were incremental. */
function checkAgainstReference(cap: Capture, states: unknown[], opts: Partial<SerializeOptions>): number {
  const prev: Prev = {};
  let incremental = 0;
  states.forEach((state, i) => {
    const { walk, delta } = checkStep(cap, state, opts, prev, `step ${i}`);
    if (i > 0 && delta && walk === undefined) incremental++;
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
          const prev: Prev = {};
          checkStep(cap, state, o, prev, 'start');
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
            const { walk, delta } = checkStep(cap, state, o, prev, `step ${steps}`);
            steps++;
            if (walk === undefined && delta) incremental++;
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
