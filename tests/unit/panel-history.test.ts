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

  it('gives any step of a long history of a big store, sharing every subtree no step touched', () => {
    const h = new History();
    const N = 20_000;
    const n = 5000;
    const meta = { title: 'untouched' };
    const items = Array.from({ length: n }, (_, i) => ({ id: i, n: 0 }));
    h.add({ type: 'step', seq: 1, t: 0, pid: 'p', step: 0, full: { items, meta }, stats: { size: 1 } });
    const touched = (k: number) => (k * 7919) % n;
    const counts = new Array<number>(n).fill(0);
    for (let k = 1; k < N; k++) {
      const i = touched(k);
      const delta = { items: { _t: 'a', [i]: { n: [counts[i], ++counts[i]] } } };
      h.add({ type: 'step', seq: k + 1, t: k, pid: 'p', step: k, delta, stats: { size: 1 } });
    }
    // Any step, in any order: its items' counts are the touches up to it.
    for (const k of [N - 1, 0, 1, 12_345, 777, N - 2, 9_999, 10_000, 3]) {
      const want = new Array<number>(n).fill(0);
      for (let j = 1; j <= k; j++) want[touched(j)]++;
      const st = h.get('p', k)!.state as { items: { id: number; n: number }[]; meta: unknown };
      expect(st.items.map((x) => x.n)).toEqual(want);
      expect(st.items[n - 1].id).toBe(n - 1);
      expect(st.meta).toBe(meta);
    }
    // An item no step up to 4321 touched is still the original object there.
    const upTo = new Set(Array.from({ length: 4321 }, (_, j) => touched(j + 1)));
    const never = items.findIndex((_, i) => !upTo.has(i));
    expect(never).toBeGreaterThanOrEqual(0);
    expect((h.get('p', 4321)!.state as { items: unknown[] }).items[never]).toBe(items[never]);
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
