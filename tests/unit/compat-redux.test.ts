import { describe, expect, test } from 'vitest';
import type { ReduxDevtoolsExtension } from '../../runtime-hook/adapters/redux-devtools';
import { revive } from '../../runtime-hook/serialize';
import { freshExt, installed } from '../support/compat-global';
import { settle } from '../support/fake-extension';

// Redux Toolkit reads the globals when it loads: import it after they are installed.
const { configureStore, createSlice } = await import('@reduxjs/toolkit');
const { applyMiddleware, legacy_createStore } = await import('redux');

const win = globalThis as unknown as {
  __REDUX_DEVTOOLS_EXTENSION__: ReduxDevtoolsExtension;
  __REDUX_DEVTOOLS_EXTENSION_COMPOSE__: (...a: unknown[]) => unknown;
};

const counter = createSlice({
  name: 'counter',
  initialState: { n: 0, log: [] as string[] },
  reducers: {
    inc: (s) => {
      s.n += 1;
    },
    add: (s, a: { payload: number }) => {
      s.n += a.payload;
    },
    note: (s, a: { payload: string }) => {
      s.log.push(a.payload);
    },
  },
});
const { inc, add, note } = counter.actions;

function rtkStore(devTools: boolean | Record<string, unknown> = { name: 'counter app' }) {
  return configureStore({ reducer: counter.reducer, devTools });
}

describe('Redux Toolkit configureStore with the global present', () => {
  test('the globals were installed and RTK uses them: store is a process, actions messages, steps', async () => {
    expect(installed).toBe(true);
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(inc());
    store.dispatch(add(5));
    await settle();
    const [proc] = ext.of('process');
    expect(proc).toMatchObject({
      name: 'counter app',
      kind: 'store',
      caps: { jump: true, replay: true, toggle: true },
    });
    expect(ext.of('queued').map((q) => q.name)).toEqual(['counter/inc', 'counter/add']);
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([undefined, 'counter/inc', 'counter/add']);
    expect(revive(ext.latest(proc.pid)!)).toEqual(store.getState());
    // RTK turns `trace` on outside production: the call stack rides along in the payload.
    expect(typeof (revive(ext.of('queued')[0].payload!) as { stack?: unknown }).stack).toBe('string');
  });

  test('jump from the panel sets the store state; present returns; thunks still work', async () => {
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(inc());
    store.dispatch(inc());
    store.dispatch(((d: (a: unknown) => void) => d(inc())) as never);
    await settle();
    const pid = ext.of('process')[0].pid;
    expect(store.getState().n).toBe(3);
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    expect(store.getState().n).toBe(1);
    ext.send({ type: 'present', pid });
    expect(store.getState().n).toBe(3);
  });

  test('replay re-dispatches recorded actions from the recorded start state', async () => {
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(add(2));
    store.dispatch(add(3));
    await settle();
    const pid = ext.of('process')[0].pid;
    const msgs = ext.of('queued').map((q) => ({ name: q.name, kind: q.kind, payload: q.payload }));
    ext.send({ type: 'replay', pid, state: ext.states.get(pid)![0], messages: msgs, intervalMs: 0 });
    await settle();
    expect(store.getState().n).toBe(5);
    expect(ext.of('queued').filter((q) => q.replay)).toHaveLength(2);
    expect(ext.of('replay').at(-1)).toMatchObject({ state: 'done', total: 2 });
  });

  test('skip (toggle) an action: later states are recomputed without it; toggling again restores', async () => {
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(add(1));
    store.dispatch(add(10));
    store.dispatch(note('x'));
    store.dispatch(add(100));
    await settle();
    const pid = ext.of('process')[0].pid;
    const ten = ext.of('queued')[1].mid;
    ext.send({ type: 'toggle', pid, mid: ten });
    expect(store.getState()).toEqual({ n: 101, log: ['x'] });
    await settle();
    expect(ext.of('step').at(-1)!.mutation).toMatchObject({ name: '@@SKIP' });
    expect(revive(ext.latest(pid)!)).toEqual({ n: 101, log: ['x'] });
    ext.send({ type: 'toggle', pid, mid: ten });
    expect(store.getState().n).toBe(111);
    // The app keeps working on the recomputed state.
    store.dispatch(inc());
    expect(store.getState().n).toBe(112);
  });

  test('a skip of an action older than a jump-and-continue is refused with a notice', async () => {
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(add(1));
    store.dispatch(add(2));
    await settle();
    const pid = ext.of('process')[0].pid;
    const first = ext.of('queued')[0].mid;
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    store.dispatch(add(7));
    ext.send({ type: 'toggle', pid, mid: first });
    await settle();
    expect(store.getState().n).toBe(8);
    expect(ext.of('notice').at(-1)).toMatchObject({ level: 'error' });
  });

  test('store ops on the enhancer: commit, rollback, reset, lock; each answered by its step', async () => {
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(add(1));
    await settle();
    const pid = ext.of('process')[0].pid;
    const op = (o: 'commit' | 'reset' | 'rollback' | 'lock' | 'unlock') =>
      ext.send({ type: 'store-op', pid, op: o });
    op('commit');
    store.dispatch(add(10));
    store.dispatch(note('x'));
    op('rollback');
    expect(store.getState()).toEqual({ n: 1, log: [] });
    store.dispatch(add(2));
    op('reset');
    expect(store.getState()).toEqual({ n: 0, log: [] });
    // Reset also makes the initial state the committed one.
    store.dispatch(add(4));
    op('rollback');
    expect(store.getState().n).toBe(0);
    op('lock');
    store.dispatch(inc());
    expect(store.getState().n).toBe(0);
    op('unlock');
    store.dispatch(inc());
    expect(store.getState().n).toBe(1);
    await settle();
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([
      undefined,
      'counter/add',
      '@@COMMIT',
      'counter/add',
      'counter/note',
      '@@ROLLBACK',
      'counter/add',
      '@@RESET',
      'counter/add',
      '@@ROLLBACK',
      '@@LOCK',
      '@@UNLOCK',
      'counter/inc',
    ]);
    expect(revive(ext.latest(pid)!)).toEqual(store.getState());
    // The action dropped under the lock is on record, as failed.
    const locked = ext.of('queued').filter((q) => q.name === 'counter/inc')[0];
    expect(ext.of('done').find((d) => d.mid === locked.mid)?.error).toMatch(/locked/);
    // Actions before a commit / rollback / reset are no longer in the history a skip recomputes.
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[0].mid });
    await settle();
    expect(ext.of('notice').at(-1)).toMatchObject({
      level: 'error',
      text: expect.stringMatching(/^skip failed/),
    });
    expect(store.getState().n).toBe(1);
  });

  test('skip after a commit recomputes from the committed state', async () => {
    const ext = freshExt();
    ext.open();
    const store = rtkStore();
    store.dispatch(add(1));
    await settle();
    const pid = ext.of('process')[0].pid;
    ext.send({ type: 'store-op', pid, op: 'commit' });
    store.dispatch(add(10));
    store.dispatch(add(100));
    await settle();
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[1].mid });
    expect(store.getState().n).toBe(101);
  });

  test('a long history: the reducer runs once per action as the page log rolls on; skips stay exact', async () => {
    const ext = freshExt();
    ext.open();
    let calls = 0;
    const reducer = (s = { sum: 0, count: 0 }, a: { type: string; n?: number }) => {
      calls++;
      return a.type === 'add' ? { sum: s.sum + (a.n ?? 0), count: s.count + 1 } : s;
    };
    const store = legacy_createStore(reducer, win.__REDUX_DEVTOOLS_EXTENSION__() as never);
    const before = calls;
    const run = (from: number, to: number) => {
      for (let n = from; n <= to; n++) store.dispatch({ type: 'add', n });
    };
    const total = (to: number) => (to * (to + 1)) / 2;
    run(1, 2500);
    // No second reducer run to move the log's base on (the log keeps at least 1,000 actions).
    expect(calls - before).toBe(2500);
    // The stream arrives in several flushes (bounded batches, acked).
    const arrived = async (n: number) => {
      for (let i = 0; i < 100 && ext.of('queued').length < n; i++) await settle();
      expect(ext.of('queued')).toHaveLength(n);
    };
    await arrived(2500);
    const pid = ext.of('process')[0].pid;
    const mid = (n: number) => ext.of('queued')[n - 1].mid;
    ext.send({ type: 'toggle', pid, mid: mid(2000) });
    expect(store.getState()).toEqual({ sum: total(2500) - 2000, count: 2499 });
    // The oldest actions have left the page log: their skip is refused, and nothing changes.
    ext.send({ type: 'toggle', pid, mid: mid(1) });
    await settle();
    expect(ext.of('notice').at(-1)).toMatchObject({
      level: 'error',
      text: expect.stringMatching(/^skip failed/),
    });
    expect(store.getState().sum).toBe(total(2500) - 2000);
    // The skipped action leaves the log while still skipped: the base it leaves behind is
    // the recomputed state, so a later skip still starts from what the app really had.
    const calls2 = calls;
    run(2501, 3500);
    expect(calls - calls2).toBe(1000);
    await arrived(3500);
    ext.send({ type: 'toggle', pid, mid: mid(3200) });
    expect(store.getState()).toEqual({ sum: total(3500) - 2000 - 3200, count: 3498 });
    ext.send({ type: 'toggle', pid, mid: mid(3200) });
    expect(store.getState()).toEqual({ sum: total(3500) - 2000, count: 3499 });
  });

  test('devTools: false leaves the store alone', async () => {
    const ext = freshExt();
    ext.open();
    rtkStore(false).dispatch(inc());
    await settle();
    expect(ext.of('process')).toHaveLength(0);
  });
});

describe('Redux with the compose helper', () => {
  const reducer = (s: { n: number } = { n: 0 }, a: { type: string }) =>
    a.type === 'inc' ? { n: s.n + 1 } : s;
  const logger: string[] = [];
  const mw = () => (next: (a: unknown) => unknown) => (a: unknown) => {
    logger.push((a as { type: string }).type);
    return next(a);
  };

  test('compose(options)(applyMiddleware(...)): middleware runs, the devtools enhancer sees actions', async () => {
    const ext = freshExt();
    ext.open();
    const composeEnhancers = win.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__({ name: 'composed' }) as (
      ...f: unknown[]
    ) => never;
    const store = legacy_createStore(reducer, composeEnhancers(applyMiddleware(mw)));
    store.dispatch({ type: 'inc' });
    await settle();
    expect(logger).toContain('inc');
    expect(ext.of('process')[0].name).toBe('composed');
    expect(ext.of('queued').map((q) => q.name)).toEqual(['inc']);
    expect(store.getState().n).toBe(1);
  });

  test('compose(...enhancers) and the plain enhancer form', async () => {
    const ext = freshExt();
    ext.open();
    const a = legacy_createStore(
      reducer,
      win.__REDUX_DEVTOOLS_EXTENSION_COMPOSE__(applyMiddleware(mw)) as never,
    );
    const b = legacy_createStore(reducer, win.__REDUX_DEVTOOLS_EXTENSION__({ name: 'plain' }) as never);
    a.dispatch({ type: 'inc' });
    b.dispatch({ type: 'inc' });
    await settle();
    // Each store is its own process.
    expect(ext.of('process').map((p) => p.name)).toEqual(['redux store', 'plain']);
    expect(ext.of('queued')).toHaveLength(2);
  });
});

describe('options', () => {
  const reducer = (s: { n: number; note: string } = { n: 0, note: 'pw' }, a: { type: string }) =>
    a.type === 'inc' || a.type === 'TICK' ? { ...s, n: s.n + 1 } : s;
  const make = (opts: Record<string, unknown>) =>
    legacy_createStore(reducer, win.__REDUX_DEVTOOLS_EXTENSION__(opts) as never);

  test.each([
    [{ actionsDenylist: ['TICK'] }, ['inc', 'other']],
    [{ actionsBlacklist: 'TICK' }, ['inc', 'other']],
    [{ actionsAllowlist: ['inc'] }, ['inc']],
    [{ actionsWhitelist: 'inc|other' }, ['inc', 'other']],
    [{ predicate: (_s: unknown, a: { type: string }) => a.type !== 'other' }, ['inc', 'TICK']],
  ])('filter %o records %o', async (opts, expected) => {
    const ext = freshExt();
    ext.open();
    const store = make(opts);
    for (const type of ['inc', 'TICK', 'other']) store.dispatch({ type });
    await settle();
    expect(ext.of('queued').map((q) => q.name)).toEqual(expected);
    expect(store.getState().n).toBe(2);
    // Filtered actions still count when a later state is recomputed on skip.
    const pid = ext.of('process')[0].pid;
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[0].mid });
    expect(store.getState().n).toBe(1);
  });

  test('actionSanitizer and stateSanitizer change what is recorded, not the app', async () => {
    const ext = freshExt();
    ext.open();
    const store = make({
      actionSanitizer: (a: { type: string }, id: number) => ({ ...a, card: '<hidden>', id }),
      stateSanitizer: (s: { n: number }) => ({ ...s, note: '<hidden>' }),
    });
    store.dispatch({ type: 'inc', card: '4111' } as never);
    await settle();
    expect(revive(ext.of('queued')[0].payload!)).toEqual({ type: 'inc', card: '<hidden>', id: 1 });
    expect(revive(ext.latest(ext.of('process')[0].pid)!)).toEqual({ n: 1, note: '<hidden>' });
    expect(store.getState().note).toBe('pw');
  });

  test('features: jump/skip/dispatch/lock off → caps off', async () => {
    const ext = freshExt();
    ext.open();
    make({ features: { jump: false, skip: false, dispatch: false, lock: false } });
    make({ features: { jump: true } });
    await settle();
    const [off, on] = ext.of('process');
    expect(off.caps).toEqual({ jump: false, replay: false, ops: ['commit', 'reset', 'rollback'] });
    expect(on.caps).toEqual({
      jump: true,
      replay: true,
      toggle: true,
      ops: ['commit', 'reset', 'rollback', 'lock', 'unlock'],
    });
  });

  test('trace: true puts the dispatch stack in the payload; a trace function is used as is', async () => {
    const ext = freshExt();
    ext.open();
    make({ trace: true, traceLimit: 3 }).dispatch({ type: 'inc' });
    make({ trace: () => 'custom stack' }).dispatch({ type: 'inc' });
    make({}).dispatch({ type: 'inc' });
    await settle();
    const [a, b, c] = ext.of('queued').map((q) => revive(q.payload!) as { stack?: string });
    expect(a.stack).toMatch(/compat-redux\.test/);
    expect(a.stack!.split('\n').length).toBeLessThanOrEqual(3);
    expect(b.stack).toBe('custom stack');
    expect(c.stack).toBeUndefined();
  });

  test('maxAge: history in the panel is not cut to maxAge; skip reaches back at least 1000 actions', async () => {
    const ext = freshExt();
    ext.open();
    const store = make({ maxAge: 5 });
    for (let i = 0; i < 20; i++) store.dispatch({ type: 'inc' });
    await settle();
    expect(ext.of('step')).toHaveLength(21);
    const pid = ext.of('process')[0].pid;
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[0].mid });
    expect(store.getState().n).toBe(19);
  });

  test('nothing is recorded before the extension connects, and the app works', async () => {
    const ext = freshExt();
    const store = make({});
    store.dispatch({ type: 'inc' });
    await settle();
    expect(ext.batches).toBe(0);
    expect(store.getState().n).toBe(1);
  });
});
