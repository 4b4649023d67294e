/**
 * The history's in-place patcher against the reference, patchImmutable applied in
 * sequence: the same states (values and key order), the same errors, and no write to
 * anything it was given or has handed out (all deep-frozen here, so a write throws).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StateCursor } from '../../extension/panel/models/state-cursor';
import { diff, patchImmutable } from '../../runtime-hook/delta';
import type { Delta, Serialized } from '../../runtime-hook/protocol';
import { applyEdit, deepFreeze, deltaFor, editArb, garbageDeltaArb, stateArb } from './history-arbitraries';

const errorOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return String(e);
  }
};

/** A delta the hook would send for a random edit, one written against the state, or garbage. */
const stepArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), edit: editArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fit' as const), seed: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), delta: garbageDeltaArb }) },
);

const deltaOf = (ref: Serialized, step: typeof stepArb extends fc.Arbitrary<infer T> ? T : never): Delta =>
  step.kind === 'edit'
    ? (diff(ref, applyEdit(ref, step.edit)) ?? {})
    : step.kind === 'fit'
      ? deltaFor(ref, step.seed)
      : step.delta;

describe('state cursor (patching in place, copy on write)', () => {
  it('gives what patchImmutable gives, step after step, frozen or not in between', () => {
    fc.assert(
      fc.property(stateArb, fc.array(fc.tuple(stepArb, fc.boolean()), { maxLength: 12 }), (base, steps) => {
        deepFreeze(base);
        const cur = new StateCursor(base);
        let ref: Serialized = base;
        for (const [step, freeze] of steps) {
          const delta = deepFreeze(deltaOf(ref, step));
          let next: Serialized = null;
          const want = errorOf(() => {
            next = patchImmutable(ref, delta);
          });
          const got = errorOf(() => cur.apply(delta));
          expect(got).toBe(want);
          if (want !== undefined) return; // the history drops a cursor that threw
          ref = next;
          expect(JSON.stringify(cur.state)).toBe(JSON.stringify(ref));
          expect(cur.state).toEqual(ref);
          // A frozen state is handed out: later deltas must copy rather than write to it.
          if (freeze) deepFreeze(cur.freeze());
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('copies each container once between freezes, and counts what it copied', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: i, n: 0 }));
    const base = deepFreeze({ items, meta: { v: 1 } });
    const cur = new StateCursor(base);
    for (let k = 0; k < 50; k++) cur.apply({ items: { _t: 'a', [k % 10]: { n: [0, k + 1] } } });
    // The top object (2 keys), the array (1000 slots) and ten items (2 keys each), once.
    expect(cur.copiedSlots).toBe(2 + 1000 + 10 * 2);
    expect(cur.copiedContainers).toBe(1 + 1 + 10);
    const s = cur.freeze() as typeof base;
    expect(cur.copiedSlots).toBe(0);
    expect(cur.copiedContainers).toBe(0);
    expect(s.meta).toBe(base.meta);
    expect(s.items[10]).toBe(items[10]);
    expect(s.items[3]).toEqual({ id: 3, n: 44 });
    // Appending to a list pushes onto the cursor's copy.
    cur.apply({ items: { _t: 'a', 1000: [{ id: 1000, n: 0 }], 1001: [{ id: 1001, n: 0 }] } });
    expect(cur.copiedSlots).toBe(2 + 1002);
    expect(cur.copiedContainers).toBe(2);
    expect((cur.state as typeof base).items).toHaveLength(1002);
    expect(s.items).toHaveLength(1000);
  });
});
