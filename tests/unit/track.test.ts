/**
 * Write tracking for stores that mutate in place (runtime-hook/track.ts): on random in-place
 * mutation sequences run through the tracker, every step's value, stats and delta equal what
 * `serialize` of the state and `diff` against the previous serialized state give; steps the
 * tracker cannot vouch for are full walks that say why.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serialize } from '../../runtime-hook/serialize';
import { trackedCapture } from '../../runtime-hook/track';
import {
  applyEdit,
  checkStep,
  type Edit,
  editArb,
  mutableEdit,
  nodes,
  optionsArb,
  type Prev,
  stateArb,
} from './capture-arbitraries';

type Node = Record<string, unknown> | unknown[];

describe('tracked capture (stores that mutate in place)', () => {
  it('equals serialize + diff on random in-place mutation sequences', () => {
    let steps = 0;
    let tracked = 0;
    fc.assert(
      fc.property(
        stateArb,
        fc.array(fc.tuple(editArb, fc.nat(9)), { minLength: 1, maxLength: 12 }),
        optionsArb,
        (s0, edits, o) => {
          const { capture, tracker } = trackedCapture();
          let state: Node = s0;
          const prev: Prev = {};
          checkStep(capture, state, o, prev, 'start');
          edits.forEach(([e, how], i) => {
            const run = (f: (s: Node) => void) => tracker.mutate(state, undefined, (s) => f(s as Node));
            if (how === 0) {
              // The payload is a raw object of the state; the mutation writes into it.
              const all = nodes(state);
              const target = all[e.pick % all.length].node;
              tracker.mutate(state, target, (s, p) => applyEdit(p as Node, e, s as Node, s));
            } else if (how === 1) {
              // A Map, Set or class instance changed through its own methods, inside a mutation.
              // Sometimes an object of the state goes into the Map (shown twice), sometimes
              // objects inside a Map change.
              const all = nodes(state);
              const paths = all.map((n) => n.path);
              const other = paths[e.pick % paths.length];
              run((s) => {
                const at = (path: (string | number)[]) => {
                  let node = s as Record<string | number, unknown>;
                  for (const k of path) node = node[k] as typeof node;
                  return node;
                };
                for (const path of paths) {
                  const node = at(path);
                  for (const k of Object.keys(node)) {
                    const v = node[k];
                    if (v instanceof Map) {
                      if (e.at % 3 === 0) v.set('shared', at(other));
                      else if (e.at % 3 === 1)
                        for (const x of v.values()) {
                          if (x && typeof x === 'object' && !Array.isArray(x))
                            (x as Record<string, unknown>).z = e.pick;
                        }
                      else v.set(`m${e.pick % 3}`, e.at);
                    } else if (v instanceof Set) v.add(e.at);
                  }
                }
              });
            } else if (how === 2 && i % 3 === 0) {
              // Replaced whole (a jump or replaceState).
              state = structuredClone(state);
            } else mutableEdit(state, e as Edit, run);
            // No tracked view is left in the state (structuredClone refuses proxies).
            expect(() => structuredClone(state)).not.toThrow();
            const { walk } = checkStep(capture, state, o, prev, `step ${i}`);
            steps++;
            if (walk === undefined) tracked++;
          });
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    // Tiny limits, cycles and shared objects make many steps full walks; still, many are not.
    expect(tracked).toBeGreaterThan(steps * 0.25);
  });

  it('tracks nearly every step of a typical store (default limits, nothing shared)', () => {
    let steps = 0;
    let tracked = 0;
    const typical = editArb.filter((e) => ![1, 5, 9].includes(e.op));
    fc.assert(
      fc.property(stateArb, fc.array(typical, { minLength: 1, maxLength: 12 }), (s0, edits) => {
        const { capture, tracker } = trackedCapture();
        const prev: Prev = {};
        checkStep(capture, s0, {}, prev, 'start');
        edits.forEach((e, i) => {
          mutableEdit(s0, e, (f) => tracker.mutate(s0, undefined, (s) => f(s as Node)));
          if (checkStep(capture, s0, {}, prev, `step ${i}`).walk === undefined) tracked++;
          steps++;
        });
      }),
      { numRuns: 300, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    expect(tracked).toBeGreaterThan(steps * 0.9);
  });

  it('says why when it walks the whole state', () => {
    const { capture, tracker } = trackedCapture();
    const state = { a: { n: 1 }, b: [{ x: 1 }], c: 0 };
    const o = {};
    let last = capture(state, o).value;
    let leaked: { n: number } | undefined;
    tracker.mutate(state, undefined, (s) => {
      leaked = (s as typeof state).a;
      leaked.n = 2;
    });
    let r = capture(state, o, last);
    expect(r.stats.walk).toBeUndefined();
    expect(r.delta).toEqual({ a: { n: [1, 2] } });
    last = r.value;
    // A write through a view kept past its mutation.
    (leaked as { n: number }).n = 3;
    r = capture(state, o, last);
    expect(r.stats.walk).toBe('the state changed outside a mutation');
    expect(r.value).toEqual(serialize(state).value);
    last = r.value;
    // Two places show one object: a write through one must not leave the other stale.
    tracker.mutate(state, undefined, (s) => {
      (s as Record<string, unknown>).c = (s as typeof state).a;
    });
    last = capture(state, o, last).value;
    tracker.mutate(state, undefined, (s) => {
      (s as typeof state).a.n = 4;
    });
    r = capture(state, o, last);
    expect(r.stats.walk).toBe('a written object is shared by two places');
    expect(r.value).toEqual(serialize(state).value);
  });

  it('walks a Map again whole, and everything when what it holds is shown elsewhere too', () => {
    const { capture, tracker } = trackedCapture();
    const state = { a: { n: 1 }, m: new Map<string, unknown>([['p', 1]]) };
    const o = {};
    let last = capture(state, o).value;
    type S = typeof state;
    tracker.mutate(state, undefined, (s) => (s as S).m.set('p', 2));
    let r = capture(state, o, last);
    expect(r.stats.walk).toBeUndefined();
    expect(r.value).toEqual(serialize(state).value);
    last = r.value;
    // The Map now holds the object shown at `a` (a view of it, cleaned to the raw object).
    tracker.mutate(state, undefined, (s) => (s as S).m.set('k', (s as S).a));
    expect(state.m.get('k')).toBe(state.a);
    r = capture(state, o, last);
    expect(r.value).toEqual(serialize(state).value);
    last = r.value;
    // Changed through the Map (not tracked inside it): `a` shows it too.
    tracker.mutate(state, undefined, (s) => {
      ((s as S).m.get('k') as { n: number }).n = 2;
    });
    r = capture(state, o, last);
    expect(r.stats.walk).toBe('a Map, Set or class instance holding objects changed in place');
    expect(r.value).toEqual(serialize(state).value);
    expect((r.value as { a: unknown }).a).toEqual({ n: 2 });
  });

  it('works on states holding frozen and read-only objects (walking what it cannot track)', () => {
    const { capture, tracker } = trackedCapture();
    const ro = {};
    Object.defineProperty(ro, 'box', { value: { n: 1 }, enumerable: true });
    const state = { cfg: Object.freeze({ inner: { n: 1 } }), list: Object.freeze([{ a: 1 }]), ro };
    const last = capture(state, {}).value;
    const got = tracker.mutate(state, undefined, (s) => {
      const st = s as typeof state & { ro: { box: { n: number } } };
      st.cfg.inner.n = 2;
      st.ro.box.n = 3;
      return st.list[0].a;
    });
    expect(got).toBe(1);
    expect(state.cfg.inner.n).toBe(2);
    const r = capture(state, {}, last);
    expect(r.value).toEqual(serialize(state).value);
    expect(r.delta).toEqual({ cfg: { inner: { n: [1, 2] } }, ro: { box: { n: [1, 3] } } });
  });

  it('keeps identity checks working inside a mutation, and the state free of proxies', () => {
    const { tracker } = trackedCapture();
    const item = { id: 1 };
    const state = { list: [item, { id: 2 }], picked: null as unknown };
    tracker.mutate(state, item, (s, p) => {
      const st = s as typeof state;
      expect(st.list.indexOf(item)).toBe(0);
      expect(st.list.includes(p as typeof item)).toBe(true);
      expect(st.list[0]).toBe(p);
      st.list = st.list.filter((x) => x !== p);
      st.picked = st.list[0];
    });
    expect(state.list).toEqual([{ id: 2 }]);
    expect(state.picked).toBe(state.list[0]);
    // Raw objects: structuredClone throws on proxies.
    expect(() => structuredClone(state)).not.toThrow();
  });
});
