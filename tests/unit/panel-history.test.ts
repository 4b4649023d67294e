import { describe, expect, it } from 'vitest';
import { History } from '../../extension/panel/models/history';
import { SessionStore } from '../../extension/panel/models/session';
import type { Serialized, StepEvent } from '../../runtime-hook/protocol';
import { Script } from './panel-fixtures';

describe('panel history', () => {
  it('materializes each step with structural sharing', () => {
    const s = new Script();
    const big = Array.from({ length: 1000 }, (_, i) => ({ id: i, text: `item ${i}` }));
    const s0 = { list: big, meta: { count: 0 }, other: { deep: { x: 1 } } };
    const s1 = { ...s0, meta: { count: 1 } };
    const s2 = { ...s1, list: [...big.slice(0, 999), { id: 999, text: 'changed' }] };
    s.process('p', 'store');
    s.step('p', s0);
    s.step('p', s1);
    s.step('p', s2);
    const store = new SessionStore(null);
    store.apply(s.take());
    const [a, b, c] = [0, 1, 2].map((k) => store.history.get('p', k)!.state as Record<string, Serialized>);
    expect(b).toEqual(s1);
    expect(c).toEqual(s2);
    // Untouched subtrees are the same objects as in the previous step.
    expect(b.list).toBe(a.list);
    expect(b.other).toBe(a.other);
    expect(c.meta).toBe(b.meta);
    const [cl, bl] = [c.list as Serialized[], b.list as Serialized[]];
    expect(cl).not.toBe(bl);
    expect(cl[0]).toBe(bl[0]);
    expect(cl[998]).toBe(bl[998]);
    // Earlier states are untouched by later patches.
    expect(a).toEqual(s0);
  });

  it('gives any step of a long history in O(1), without replaying', () => {
    const h = new History();
    const N = 20_000;
    let state: Serialized = { n: 0, list: [] };
    h.add({ type: 'step', seq: 1, t: 0, pid: 'p', step: 0, full: state, stats: { size: 1 } });
    for (let k = 1; k < N; k++) {
      h.add({
        type: 'step',
        seq: k + 1,
        t: k,
        pid: 'p',
        step: k,
        delta: { n: [k - 1, k] },
        stats: { size: 1 },
      });
    }
    state = h.get('p', N - 1)!.state!;
    expect(state).toEqual({ n: N - 1, list: [] });
    // Lookups of random steps: time does not depend on the step's distance from a full.
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += (h.get('p', (i * 7919) % N)!.state as { n: number }).n;
    const elapsed = performance.now() - t0;
    expect(sum).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(200);
    // The list subtree is shared by all 20,000 states.
    expect((h.get('p', 1)!.state as { list: unknown }).list).toBe(
      (h.get('p', N - 1)!.state as { list: unknown }).list,
    );
  });

  it('a delta that does not apply marks the step broken; the chain resumes at the next full', () => {
    const h = new History();
    const ev = (step: number, x: Partial<StepEvent>): StepEvent =>
      ({ type: 'step', seq: step + 1, t: step, pid: 'p', step, stats: { size: step }, ...x }) as StepEvent;
    h.add(ev(0, { full: { a: 1 } }));
    h.add(ev(1, { delta: { a: [1, 2] } }));
    h.add(ev(2, { delta: { _t: 'a', 0: [1, 2] } })); // array delta on an object
    h.add(ev(3, { delta: { a: [2, 3] } })); // base is broken
    h.add(ev(4, { full: { a: 10 } }));
    h.add(ev(5, { delta: { a: [10, 11] } }));
    h.add(ev(6, { delta: { s: ['@@ -1 +1 @@', 0, 2] } })); // text diffs are not supported
    expect(h.get('p', 1)!.state).toEqual({ a: 2 });
    expect(h.get('p', 2)!.state).toBeUndefined();
    expect(h.get('p', 2)!.broken).toMatch(/delta did not apply/);
    expect(h.get('p', 3)!.broken).toMatch(/step 2 is broken/);
    expect(h.get('p', 4)!.state).toEqual({ a: 10 });
    expect(h.get('p', 5)!.state).toEqual({ a: 11 });
    expect(h.get('p', 6)!.broken).toBeDefined();
    expect(h.last('p')!.step).toBe(6);
  });

  it('counts the growth streak from stats.size', () => {
    const h = new History();
    const sizes = [10, 11, 12, 12, 13, 14];
    sizes.forEach((size, step) => {
      h.add({ type: 'step', seq: step + 1, t: step, pid: 'p', step, full: {}, stats: { size } } as StepEvent);
    });
    expect(sizes.map((_, k) => h.get('p', k)!.growStreak)).toEqual([0, 1, 2, 0, 1, 2]);
  });
});
