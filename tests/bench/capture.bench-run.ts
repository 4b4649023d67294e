/**
 * Capture cost per action, Hindsight's hook against the Redux DevTools page-script
 * pipeline, on the same store and actions, in this one process, alternating blocks.
 *
 * - Store: `{ items: [...] }` of about 10 KB, 100 KB and 1 MB of JSON; each action changes
 *   one leaf immutably (a new item object in a new array, as a Redux reducer does).
 * - Hindsight: real `redux` `createStore` with `hindsightEnhancer`, the hook connected to an
 *   in-memory extension that acks every batch (so the outbox flows as with a panel) and
 *   does nothing else: this is the page's side only.
 * - Peer: real `redux` `createStore` with `@redux-devtools/instrument` (the lifted store
 *   Redux DevTools' enhancer uses, maxAge 50), then what its page script does per action:
 *   stringify the current state and the action (JSON.stringify, falling back to `jsan`)
 *   into the message it posts. Posting itself is left out on both sides.
 * - Keyed: the 1 MB of items as a Redux Toolkit entity adapter keeps them, `{ todos: { ids,
 *   entities: { [id]: item } } }`, one entity replaced per action: the app's reducer copies
 *   the 12,954-key entities object (as Immer does), and a capture must check the new object's
 *   keys before it can tell which one changed. Reported, no target: `capture_ratio_1mb_keyed`
 *   with number ids (V8 keeps them as indexed elements: the capture reads the values and loads
 *   by number, without listing keys), `capture_ratio_1mb_keyed_str` with string ids (a hash
 *   table: listing its keys costs a millisecond, the app's own copy several).
 * - Mutable: a LiveEx-style store whose mutations change state in place (the hook's
 *   flux-store adapter) against the same page script on a `connect()`-style `send(action,
 *   state)` of that store.
 * - Plain: the same store with nothing attached, run in the same rotation.
 * Cost is CPU time (process.cpuUsage) per action over a block, including the hook's
 * batched flush (timers), so deferred work is counted. A side's capture cost is what it adds
 * over the plain store's block (the app's own reducer, and the harness's timers, are in
 * both): that is the ratio's basis (`capture_ratio_*`); the ratio of whole dispatch costs is
 * reported beside it (`*_total`). All sides first run the same number of warm-up actions
 * (WARM_ACTIONS, lib/rounds.ts): V8 compiles hot code on background threads during a side's first
 * thousands of calls, and that CPU is counted too, so a warm-up of a few blocks would
 * measure the cheaper side's start-up rather than its cost per action.
 */
import { instrument } from '@redux-devtools/instrument';
// @ts-expect-error — jsan ships no types; only `stringify` is used
import jsan from 'jsan';
import { createStore } from 'redux';
import { test } from 'vitest';
import { createFluxStore } from '../../runtime-hook/adapters/flux-store';
import { hindsightEnhancer } from '../../runtime-hook/adapters/redux';
import type { Hook } from '../../runtime-hook/hook';
import { type Figure, recordFigures } from './lib/figures';
import { compare, connectedHook, type Side } from './lib/rounds';

type Item = { id: number; title: string; done: boolean; n: number; tags: string[] };
type State = { items: Item[]; meta: { version: number } };
type Touch = { type: 'touch'; i: number };

/** About `bytes` of JSON: items of ~100 characters each. */
function makeState(bytes: number): State {
  const items: Item[] = [];
  for (let i = 0; JSON.stringify(items).length < bytes; i++)
    items.push({ id: i, title: `task number ${i} to do`, done: i % 3 === 0, n: 0, tags: ['a', 'b'] });
  return { items, meta: { version: 0 } };
}

type Reducer = (s: never, a: Touch) => unknown;

/** A reducer whose `touch` action makes the one-leaf change `touch` does (other actions: no change). */
const touchReducer =
  <S>(touch: (s: S, i: number) => S) =>
  (s: S | undefined, a: Touch): S => {
    if (!s) throw new Error('preloaded state required');
    return a.type === 'touch' ? touch(s, a.i) : s;
  };

const reducer = touchReducer((s: State, i) => {
  const items = s.items.slice();
  items[i] = { ...items[i], n: items[i].n + 1 };
  return { ...s, items };
});

type Keyed = { todos: { ids: string[]; entities: Record<string, Item> }; meta: { version: number } };
/** Entity ids: numbers (V8 keeps such keys as indexed elements) or strings (a hash table). */
type Id = (i: number) => string;
const keyed = (s: State, id: Id): Keyed => ({
  todos: {
    ids: s.items.map((i) => id(i.id)),
    entities: Object.fromEntries(s.items.map((i) => [id(i.id), i])),
  },
  meta: s.meta,
});
const keyedReducer = (id: Id) =>
  touchReducer((s: Keyed, i) => {
    const e = s.todos.entities;
    const k = id(i);
    const entities = { ...e, [k]: { ...e[k], n: e[k].n + 1 } };
    return { ...s, todos: { ...s.todos, entities } };
  });

/** Redux DevTools' page script: JSON.stringify, and jsan when that throws. */
function tryCatchStringify(x: unknown): string {
  try {
    return JSON.stringify(x);
  } catch {
    return jsan.stringify(x, null, null, { circular: '[CIRCULAR]' }) as string;
  }
}

let sink = 0;
function relay(state: unknown, action: unknown, nextActionId: number): void {
  const message = {
    type: 'ACTION',
    payload: tryCatchStringify(state),
    action: tryCatchStringify(action),
    nextActionId,
    maxAge: 50,
    source: '@devtools-page',
    instanceId: 1,
  };
  sink += message.payload.length;
}

/** A side that dispatches a one-leaf `touch` per action to `store`, cycling through the items. */
function touching(store: { dispatch(a: Touch): unknown }, len: number): Side {
  let k = 0;
  return {
    run: (n) => {
      for (let j = 0; j < n; j++) store.dispatch({ type: 'touch', i: k++ % len });
    },
  };
}

function hindsightSide(state: unknown, len: number, r: Reducer = reducer): Side {
  const store = createStore(
    r as never,
    state as never,
    hindsightEnhancer({ name: 'bench' }, connectedHook()) as never,
  );
  return touching(store as never, len);
}

function peerSide(state: unknown, len: number, r: Reducer = reducer): Side {
  const store = createStore(
    r as never,
    state as never,
    instrument(undefined, { maxAge: 50 }) as never,
  ) as unknown as {
    dispatch(a: Touch): void;
    liftedStore: { getState(): { computedStates: { state: unknown }[]; nextActionId: number } };
  };
  let k = 0;
  return {
    run: (n) => {
      for (let j = 0; j < n; j++) {
        const action: Touch = { type: 'touch', i: k++ % len };
        store.dispatch(action);
        const lifted = store.liftedStore.getState();
        relay(lifted.computedStates[lifted.computedStates.length - 1].state, action, lifted.nextActionId);
      }
    },
  };
}

/** LiveEx-style: the mutation changes the item in place (committed directly, synchronously). */
function mutableStore(state: State, hook?: Hook) {
  const s = structuredClone(state);
  return createFluxStore(
    {
      name: 'bench-mutable',
      state: () => s,
      mutations: {
        touch(st: State, i: number) {
          st.items[i].n++;
        },
      },
    } as never,
    hook,
  ) as unknown as { commit(m: string, p: unknown): void; state: State };
}

/** The mutable store, with the hook or without: one `touch` commit per action. */
function mutableSide(state: State, hook?: Hook): Side {
  const store = mutableStore(state, hook);
  let k = 0;
  const len = state.items.length;
  return {
    run: (n) => {
      for (let j = 0; j < n; j++) store.commit('touch', k++ % len);
    },
  };
}

function peerMutableSide(state: State): Side {
  const store = mutableStore(state, undefined);
  const s = store.state;
  let k = 0;
  const len = state.items.length;
  let id = 0;
  return {
    run: (n) => {
      for (let j = 0; j < n; j++) {
        const i = k++ % len;
        store.commit('touch', i);
        relay(s, { type: 'touch', payload: i }, ++id);
      }
    },
  };
}

function plainSide(state: unknown, len: number, r: Reducer = reducer): Side {
  return touching(createStore(r as never, state as never) as never, len);
}

/** The store with nothing attached, and `after` run on each action's previous and new states. */
function observed(state: State, after: (prev: State, next: State, action: Touch) => void): Side {
  const store = createStore(reducer as never, state as never) as unknown as {
    dispatch(a: Touch): void;
    getState(): State;
  };
  let prev = store.getState();
  const dispatch = (action: Touch) => {
    store.dispatch(action);
    const next = store.getState();
    after(prev, next, action);
    prev = next;
  };
  return touching({ dispatch }, state.items.length);
}

/**
 * The least any exact capture of this store must do: keep the previous state and, after each
 * action, compare the new items array with the old one by reference to find what changed (no
 * serialization, no events). Its cost over the plain store is the floor of `capture_us_1mb`.
 * It compares with `Object.is`, the cheapest reference comparison we know (capture.ts says why).
 */
function floorSide(state: State): Side {
  return observed(state, (prev, next) => {
    const a = prev.items;
    const b = next.items;
    for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) sink += i;
  });
}

/**
 * What a lean hot path adds: no more than this store needs. After each action, the same scan
 * as the floor, the changed items whole as a delta (`[old, new]`, JSON-safe here), and one
 * event per action (no message events, no stats, no mirror of the state), its JSON kept in
 * chunks of 128 K characters as the outbox keeps them, closed by a 16 ms timer. Not exact for
 * every state (no budgets, no markers): a bound on what a leaner pipeline could read, next to
 * the floor (reported, no target).
 */
function leanSide(state: State): Side {
  let open: string[] = [];
  let chars = 0;
  const ring: string[] = [];
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const close = () => {
    timer = undefined;
    if (open.length) ring.push(open.join(','));
    open = [];
    chars = 0;
    // About the outbox's 64 MB budget.
    if (ring.length > 512) ring.splice(0, 256);
  };
  return observed(state, (prev, next, action) => {
    const t = performance.timeOrigin + performance.now();
    const delta: Record<string, unknown> = {};
    const a = prev.items;
    const b = next.items;
    if (a !== b) {
      const d: Record<string, unknown> = { _t: 'a' };
      for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) d[i] = [a[i], b[i]];
      delta.items = d;
    }
    if (prev.meta !== next.meta) delta.meta = [prev.meta, next.meta];
    const json = JSON.stringify({ seq: ++seq, t, name: action.type, payload: action, delta });
    open.push(json);
    chars += json.length + 1;
    if (chars > 131_072) close();
    if (timer === undefined) timer = setTimeout(close, 16);
  });
}

test('capture cost per action: Hindsight vs the Redux DevTools page script', async () => {
  const figures: Figure[] = [];
  const sizes = [
    { label: '10kb', bytes: 10 * 1024, perBlock: 400 },
    { label: '100kb', bytes: 100 * 1024, perBlock: 200 },
    // 300 a block at 1 MB: a block's fixed noise (idle CPU while the flush timer runs, a
    // collection of the peer's garbage spilling into it) is shared by 300 actions (the
    // figures that chose it are in tests/bench/README.md).
    { label: '1mb', bytes: 1024 * 1024, perBlock: 300 },
  ];
  for (const { label, bytes, perBlock } of sizes) {
    const state = makeState(bytes);
    const len = state.items.length;
    const c = await compare(
      hindsightSide(state, len),
      peerSide(state, len),
      plainSide(state, len),
      perBlock,
      9,
      label === '1mb' ? [floorSide(state), leanSide(state)] : [],
    );
    const [floorAdded = Number.NaN, leanAdded = Number.NaN] = c.extraAdded;
    const detail = { items: state.items.length, bytes: JSON.stringify(state).length, perBlock, ...c };
    if (label === '1mb') {
      figures.push(
        {
          name: 'capture_us_1mb',
          value: c.oursAdded,
          unit: 'us',
          note: `Hindsight hook, CPU it adds per action (whole dispatch ${c.ours.toFixed(1)} µs, plain store ${c.plain.toFixed(1)} µs)`,
          detail,
        },
        {
          name: 'capture_floor_us_1mb',
          value: floorAdded,
          unit: 'us',
          note: `the least an exact capture adds: a bare reference comparison of the new items array with the previous one (no serialization, no events); peer ÷ floor = ${(c.peerAdded / floorAdded).toFixed(1)}×`,
          detail,
        },
        {
          name: 'capture_lean_us_1mb',
          value: leanAdded,
          unit: 'us',
          note: `a lean hot path: the floor's scan, the changed items as a delta, one JSON event per action kept in chunks (no message events, stats or mirror); peer ÷ lean = ${(c.peerAdded / leanAdded).toFixed(1)}×`,
          detail,
        },
        {
          name: 'peer_capture_us_1mb',
          value: c.peerAdded,
          unit: 'us',
          note: `instrument + page-script stringify, CPU added per action (whole dispatch ${c.peer.toFixed(0)} µs)`,
          detail,
        },
      );
    }
    figures.push(
      {
        name: `capture_ratio_${label}`,
        value: c.peerAdded / c.oursAdded,
        unit: 'x',
        ...(label === '1mb' ? { target: { min: 100 } } : {}),
        note: `peer ÷ Hindsight, CPU added per action over the plain store, immutable one-leaf change, ${detail.items} items`,
        detail,
      },
      {
        name: `capture_ratio_${label}_total`,
        value: c.peer / c.ours,
        unit: 'x',
        note: 'the same with whole dispatch costs (the app reducer and harness included on both sides)',
      },
    );
  }
  const state = makeState(1024 * 1024);
  const len = state.items.length;
  // Number ids: ours about 0.1 ms an action, so blocks of 60 (of 10 it read 131 and 292 µs in two
  // runs). String ids: the app's own copy takes milliseconds, so blocks of 10.
  for (const [label, id, perBlock, rounds] of [
    ['', String, 60, 11],
    ['_str', (i: number) => `id-${i}`, 10, 9],
  ] as [string, Id, number, number][]) {
    // A few hundred actions warm V8 up: each one here costs the peer milliseconds.
    const r = keyedReducer(id);
    const ks = keyed(state, id);
    const c = await compare(
      hindsightSide(ks, len, r),
      peerSide(ks, len, r),
      plainSide(ks, len, r),
      perBlock,
      rounds,
      [],
      200,
    );
    figures.push({
      name: `capture_ratio_1mb_keyed${label}`,
      value: c.peerAdded / c.oursAdded,
      unit: 'x',
      note: `the 1 MB store keyed by ${label ? 'string' : 'number'} ids (an entity adapter's entities), one entity replaced per action: ours ${c.oursAdded.toFixed(0)} µs, peer ${c.peerAdded.toFixed(0)} µs, the app's reducer ${c.plain.toFixed(0)} µs`,
      detail: { ...c },
    });
  }
  const c = await compare(
    mutableSide(state, connectedHook()),
    peerMutableSide(state),
    mutableSide(state),
    20,
    7,
  );
  figures.push(
    {
      name: 'capture_ratio_mutable_1mb',
      value: c.peerAdded / c.oursAdded,
      unit: 'x',
      target: { min: 5 },
      note: `peer ÷ Hindsight, CPU added per commit over the plain store, mutated in place (flux-store adapter; ours ${c.oursAdded.toFixed(1)} µs, peer ${c.peerAdded.toFixed(0)} µs)`,
      detail: { ...c },
    },
    {
      name: 'capture_ratio_mutable_1mb_total',
      value: c.peer / c.ours,
      unit: 'x',
      note: 'the same with whole commit costs',
    },
  );
  recordFigures('capture', figures);
  if (sink < 0) throw new Error('unreachable');
}, 600_000);
