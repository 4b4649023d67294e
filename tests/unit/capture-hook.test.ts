/**
 * Incremental capture through the real hook and adapters, checked from the other end: the
 * fake extension rebuilds every state from the stream with the real jsondiffpatch, and each
 * must equal `serialize` of the store's state at that step (stats included).
 */
import fc from 'fast-check';
import { legacy_createStore, type StoreEnhancer } from 'redux';
import { describe, expect, test } from 'vitest';
import { createFluxStore } from '../../runtime-hook/adapters/flux-store';
import { hindsightEnhancer } from '../../runtime-hook/adapters/redux';
import type { StepEvent } from '../../runtime-hook/protocol';
import { serialize } from '../../runtime-hook/serialize';
import { freshExt } from '../support/compat-global';
import { FakeExtension } from '../support/fake-extension';

type Item = { id: number; title: string; n: number; tags: string[] };
type State = { items: Item[]; meta: { v: number; note?: string } };

const items = (n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: i, title: `item ${i}`, n: 0, tags: ['a'] }));

type Op = { k: number; i: number };
const reducer = (s: State | undefined, a: { type: string } & Partial<Op>): State => {
  if (!s) return { items: items(3000), meta: { v: 0 } };
  const i = (a.i ?? 0) % Math.max(s.items.length, 1);
  switch (a.type) {
    case 'touch': {
      const list = s.items.slice();
      if (list[i]) list[i] = { ...list[i], n: list[i].n + 1 };
      return { ...s, items: list };
    }
    case 'tag': {
      const list = s.items.slice();
      if (list[i]) list[i] = { ...list[i], tags: [...list[i].tags, `t${a.k}`] };
      return { ...s, items: list };
    }
    case 'add':
      return { ...s, items: [...s.items, { id: 10_000 + (a.k ?? 0), title: 'new', n: 0, tags: [] }] };
    case 'remove':
      return { ...s, items: s.items.filter((_, j) => j !== i) };
    case 'meta':
      return { ...s, meta: { ...s.meta, v: s.meta.v + 1, note: a.k ? `note ${a.k}` : undefined } };
    default:
      return s;
  }
};

/**
 * Each recorded step's state, as the extension rebuilt it, and its stats against the
 * reference; unless `walks` are expected, every step after the first is incremental.
 */
function expectStream(ext: FakeExtension, pid: string, states: unknown[], walks = false): StepEvent[] {
  const steps = ext.of('step').filter((s) => s.pid === pid);
  const rebuilt = ext.states.get(pid) ?? [];
  expect(steps.length).toBe(states.length);
  states.forEach((state, k) => {
    const ref = serialize(state);
    expect(rebuilt[k], `step ${k}`).toEqual(ref.value);
    const { walk, ...stats } = steps[k].stats;
    expect(stats, `step ${k}`).toEqual(ref.stats);
    if (k && !walks) expect(walk, `step ${k}`).toBeUndefined();
  });
  return steps;
}

/**
 * Dispatch `actions` to a Redux store recorded by `ext`; each state change is a step. Checks
 * the stream (expectStream) and returns its steps with the action type behind each.
 */
async function dispatchAll(
  ext: FakeExtension,
  store: { getState(): unknown; dispatch(a: never): unknown },
  actions: { type: string }[],
): Promise<{ steps: StepEvent[]; kinds: string[] }> {
  const states: unknown[] = [store.getState()];
  const kinds: string[] = [''];
  for (const a of actions) {
    const before = store.getState();
    store.dispatch(a as never);
    if (store.getState() !== before) {
      states.push(store.getState());
      kinds.push(a.type);
    }
  }
  await ext.drained();
  return { steps: expectStream(ext, ext.of('process')[0].pid, states), kinds };
}

describe('capture through the hook', () => {
  test('Redux: every rebuilt state equals the reference, and each delta carries only what changed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            type: fc.constantFrom('touch', 'tag', 'add', 'remove', 'meta'),
            i: fc.nat(4000),
            k: fc.nat(3),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (actions) => {
          const ext = new FakeExtension();
          const store = legacy_createStore(
            reducer as never,
            hindsightEnhancer({ name: 'big' }, ext.hook) as never,
          );
          ext.open();
          const { steps, kinds } = await dispatchAll(ext, store, actions);
          // A one-item change is a few dozen characters, not the 100 KB state (a removal shifts
          // every later index: the index-wise delta format carries them all).
          steps.forEach((s, k) => {
            if (k && kinds[k] !== 'remove') expect(JSON.stringify(s.delta).length).toBeLessThan(600);
          });
        },
      ),
      { numRuns: 15 },
    );
  });

  test('Redux Toolkit entity adapter keyed by number ids (frozen by Immer): incremental, and equal', async () => {
    const { configureStore, createEntityAdapter, createSlice } = await import('@reduxjs/toolkit');
    type Todo = { id: number; title: string; n: number };
    const todos = createEntityAdapter<Todo>();
    const slice = createSlice({
      name: 'todos',
      initialState: todos.addMany(
        todos.getInitialState(),
        Array.from({ length: 400 }, (_, i) => ({ id: i * 3, title: `todo ${i}`, n: 0 })),
      ),
      reducers: {
        touch: (s, a: { payload: number }) => {
          const t = s.entities[a.payload];
          if (t) t.n++;
        },
        add: todos.addOne,
        remove: todos.removeOne,
        // The same count and values under a new id: only the key check can tell.
        rename: (s, a: { payload: [number, number] }) => {
          const [from, to] = a.payload;
          const t = s.entities[from];
          if (!t || s.entities[to]) return;
          todos.removeOne(s, from);
          todos.addOne(s, { ...t, id: to });
        },
      },
    });
    const { touch, add, remove, rename } = slice.actions;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.nat(399).map((i) => touch(i * 3)),
            fc.nat(50).map((i) => add({ id: 2000 + i, title: 'new', n: 0 })),
            fc.nat(399).map((i) => remove(i * 3)),
            fc.tuple(fc.nat(399), fc.nat(50)).map(([i, j]) => rename([i * 3, 3000 + j])),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        async (actions) => {
          const ext = new FakeExtension();
          const store = configureStore({
            reducer: slice.reducer,
            devTools: false,
            enhancers: (d) => d().concat(hindsightEnhancer({ name: 'todos' }, ext.hook) as StoreEnhancer),
          });
          ext.open();
          const { steps, kinds } = await dispatchAll(ext, store, actions);
          // A touched entity is sent alone, not the 400-entity table.
          steps.forEach((s, k) => {
            if (kinds[k] === touch.type) expect(JSON.stringify(s.delta).length).toBeLessThan(400);
          });
        },
      ),
      { numRuns: 20 },
    );
  });

  test('flux store: a mutation sends what it wrote; a write outside a mutation is caught and said', async () => {
    const ext = new FakeExtension();
    const store = createFluxStore(
      {
        name: 'board',
        state: () => ({ items: items(3000), sel: null as Item | null }),
        mutations: {
          touch(s, i: number) {
            s.items[i].n++;
          },
          select(s, i: number) {
            s.sel = s.items[i];
          },
          rename(_s, item: Item) {
            // Written through the payload: an object of the state the view handed over.
            item.title = 'renamed';
          },
        },
        actions: {
          sloppy(ctx) {
            // Not through a mutation: the next step cannot trust its record.
            ctx.state.items[1].n = 42;
          },
        },
      },
      ext.hook,
    );
    ext.open();
    const states: unknown[] = [structuredClone(store.state)];
    const commit = (m: string, p: unknown) => {
      store.commit(m, p);
      states.push(structuredClone(store.state));
    };
    commit('touch', 5);
    commit('touch', 2999);
    await ext.drained();
    const pid = ext.of('process')[0].pid;
    const first = expectStream(ext, pid, states);
    expect(first[1].delta).toEqual({ items: { _t: 'a', 5: { n: [0, 1] } } });
    expect(first[2].delta).toEqual({ items: { _t: 'a', 2999: { n: [0, 1] } } });

    // A shared object: written through one place, shown in two.
    commit('select', 7);
    commit('touch', 7);
    await store.dispatch('sloppy');
    commit('touch', 3);
    // The view hands a state object to a mutation that writes it.
    commit('rename', store.state.items[9]);
    await ext.drained();
    const steps = expectStream(ext, pid, states, true);
    expect(steps.map((s) => s.stats.walk)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      'a written object is shared by two places',
      'the state changed outside a mutation',
      'a written object was not reached through the state',
    ]);
    // The full walk's delta is still only what changed.
    expect(steps[5].delta).toEqual({ items: { _t: 'a', 1: { n: [0, 42] }, 3: { n: [0, 1] } } });
  });

  test('connect() (Zustand, NgRx): frozen states are captured by reference; others are walked, and say so', async () => {
    const ext = freshExt();
    const g = globalThis as unknown as {
      __REDUX_DEVTOOLS_EXTENSION__: {
        connect(o: object): { init(s: unknown): void; send(a: unknown, s: unknown): void };
      };
    };
    const c = g.__REDUX_DEVTOOLS_EXTENSION__.connect({ name: 'app' });
    const freeze = <T>(x: T): T => {
      if (x && typeof x === 'object' && !Object.isFrozen(x)) {
        Object.freeze(x);
        for (const v of Object.values(x)) freeze(v);
      }
      return x;
    };
    let s: State = freeze({ items: items(2000), meta: { v: 0 } });
    c.init(s);
    ext.open();
    const states: unknown[] = [s];
    const touch = (i: number, frozen: boolean) => {
      const list = s.items.slice();
      list[i] = { ...list[i], n: list[i].n + 1 };
      s = { ...s, items: list };
      if (frozen) freeze(s);
      c.send({ type: 'touch', i }, s);
      states.push(s);
    };
    touch(1, true);
    touch(2, true);
    touch(3, false);
    touch(4, true);
    await ext.drained();
    const pid = ext.of('process')[0].pid;
    const steps = expectStream(ext, pid, states, true);
    expect(steps.map((x) => x.stats.walk)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      // The step after an unfrozen state cannot trust the references it kept.
      'not frozen: its objects could have changed in place',
    ]);
    expect(steps[2].delta).toEqual({ items: { _t: 'a', 2: { n: [0, 1] } } });
  });
});
