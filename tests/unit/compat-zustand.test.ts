import { describe, expect, test } from 'vitest';
import {
  type DevtoolsMessage,
  devtoolsMessages,
  liftedStateOf,
  type ReduxDevtoolsExtension,
} from '../../runtime-hook/adapters/redux-devtools';
import { revive } from '../../runtime-hook/serialize';
import { freshExt } from '../support/compat-global';
import { settle } from '../support/fake-extension';

const { createStore } = await import('zustand/vanilla');
const { devtools, redux } = await import('zustand/middleware');

const win = globalThis as unknown as { __REDUX_DEVTOOLS_EXTENSION__: ReduxDevtoolsExtension };

/** Everything the app's devtools connections receive through `subscribe`. */
function spyMessages(): DevtoolsMessage[] {
  const seen: DevtoolsMessage[] = [];
  const ext = win.__REDUX_DEVTOOLS_EXTENSION__;
  const connect = ext.connect;
  ext.connect = (opts) => {
    const c = connect(opts);
    c.subscribe((m) => seen.push(m));
    ext.connect = connect;
    return c;
  };
  return seen;
}

type Bears = { bears: number; add: (n: number) => void };
const bearStore = (name = 'bears') =>
  createStore<Bears>()(
    devtools(
      (set) => ({
        bears: 0,
        add: (n) => set((s) => ({ bears: s.bears + n }), undefined, { type: 'bears/add', n }),
      }),
      { name },
    ),
  );

describe("Zustand's devtools middleware on the global", () => {
  test('each store is a process; set calls are messages and steps; START arrives', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    const store = bearStore();
    store.getState().add(2);
    store.getState().add(3);
    await settle();
    const [proc] = ext.of('process');
    expect(proc).toMatchObject({ name: 'bears', kind: 'store', caps: { jump: true, replay: false } });
    expect(ext.of('queued').map((q) => q.name)).toEqual(['bears/add', 'bears/add']);
    expect(revive(ext.of('queued')[1].payload!)).toEqual({ type: 'bears/add', n: 3 });
    expect((revive(ext.latest(proc.pid)!) as Bears).bears).toBe(5);
    expect(seen[0]).toEqual({
      type: 'START',
      id: expect.any(String),
      source: '@devtools-extension',
      state: undefined,
    });
  });

  test('jump from the panel arrives as DISPATCH JUMP_TO_STATE with a JSON state and zustand applies it', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    const store = bearStore();
    for (const n of [1, 10, 100]) store.getState().add(n);
    await settle();
    const pid = ext.of('process')[0].pid;
    ext.send({ type: 'jump', pid, step: 2, state: ext.states.get(pid)![2] });
    expect(store.getState().bears).toBe(11);
    const jump = seen.find((m) => m.type === 'DISPATCH');
    expect(jump).toEqual({
      type: 'DISPATCH',
      payload: { type: 'JUMP_TO_STATE', index: 2, actionId: 2 },
      state: JSON.stringify({ bears: 11 }),
      id: expect.any(String),
      source: '@devtools-extension',
    });
    // zustand does not report the jump back (it is not a new step).
    await settle();
    expect(ext.of('step')).toHaveLength(4);
    ext.send({ type: 'present', pid });
    expect(store.getState().bears).toBe(111);
    // The functions in the state survive: JSON carries data only, zustand merges it.
    expect(typeof store.getState().add).toBe('function');
  });

  test('pause and resume reach zustand as PAUSE_RECORDING (it stops and restarts sending)', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    const store = bearStore();
    store.getState().add(1);
    await settle();
    ext.send({ type: 'pause' });
    store.getState().add(1);
    store.getState().add(1);
    ext.send({ type: 'resume' });
    store.getState().add(1);
    await settle();
    const pauses = seen.filter((m) => m.type === 'DISPATCH').map((m) => m.payload);
    expect(pauses).toEqual([
      { type: 'PAUSE_RECORDING', status: true },
      { type: 'PAUSE_RECORDING', status: false },
    ]);
    expect(store.getState().bears).toBe(4);
    // Recorded: the add before the pause and the one after the resume.
    expect(ext.of('queued')).toHaveLength(2);
    expect((revive(ext.latest(ext.of('process')[0].pid)!) as Bears).bears).toBe(4);
  });

  test('replay with the redux middleware: IMPORT_STATE sets the start state, ACTION re-dispatches', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    type S = { n: number };
    const reducer = (s: S, a: { type: string; by?: number }) =>
      a.type === 'add' ? { n: s.n + (a.by ?? 1) } : s;
    const store = createStore(
      devtools(redux(reducer, { n: 0 }), { name: 'counter', features: { dispatch: true } } as never),
    );
    (store as unknown as { dispatch(a: unknown): void }).dispatch({ type: 'add', by: 2 });
    (store as unknown as { dispatch(a: unknown): void }).dispatch({ type: 'add', by: 5 });
    await settle();
    const [proc] = ext.of('process');
    expect(proc.caps).toMatchObject({ jump: true, replay: true });
    expect(store.getState().n).toBe(7);
    const msgs = ext.of('queued').map((q) => ({ name: q.name, kind: q.kind, payload: q.payload }));
    ext.send({
      type: 'replay',
      pid: proc.pid,
      state: ext.states.get(proc.pid)![0],
      messages: msgs,
      intervalMs: 0,
    });
    await settle();
    expect(store.getState().n).toBe(7);
    const imp = seen.find((m) => m.type === 'DISPATCH' && m.payload.type === 'IMPORT_STATE');
    expect(imp).toMatchObject({
      type: 'DISPATCH',
      payload: { type: 'IMPORT_STATE', nextLiftedState: { computedStates: [{ state: { n: 0 } }] } },
    });
    expect(seen.filter((m) => m.type === 'ACTION').map((m) => JSON.parse(m.payload as string))).toEqual([
      { type: 'add', by: 2 },
      { type: 'add', by: 5 },
    ]);
    expect(ext.of('queued').filter((q) => q.replay)).toHaveLength(2);
    expect(ext.of('replay').at(-1)).toMatchObject({ state: 'done' });
  });

  test('plain zustand (no dispatch feature) cannot replay: the hook refuses and says so', async () => {
    const ext = freshExt();
    ext.open();
    const store = bearStore('noreplay');
    await settle();
    const proc = ext.of('process')[0];
    ext.send({ type: 'replay', pid: proc.pid, state: { bears: 42 } as never, messages: [], intervalMs: 0 });
    await settle();
    expect(store.getState().bears).toBe(0);
    expect(ext.of('notice').at(-1)?.text).toMatch(/cannot replay/);
  });

  test('features.jump: false → the process cannot jump', async () => {
    const ext = freshExt();
    ext.open();
    createStore(devtools(() => ({ a: 1 }), { name: 'nojump', features: { jump: false } }));
    await settle();
    expect(ext.of('process')[0].caps.jump).toBe(false);
  });
});

describe('connect() API and the message shapes Redux DevTools documents', () => {
  test.each<[string, DevtoolsMessage, Record<string, unknown>]>([
    [
      'START',
      devtoolsMessages.start('1'),
      { type: 'START', id: '1', source: '@devtools-extension', state: undefined },
    ],
    [
      'STOP',
      devtoolsMessages.stop('1'),
      { type: 'STOP', id: '1', source: '@devtools-extension', state: undefined },
    ],
    [
      'JUMP_TO_STATE',
      devtoolsMessages.dispatch('1', { type: 'JUMP_TO_STATE', index: 3, actionId: 3 }, '{"a":1}'),
      { type: 'DISPATCH', payload: { type: 'JUMP_TO_STATE', index: 3, actionId: 3 }, state: '{"a":1}' },
    ],
    [
      'JUMP_TO_ACTION',
      devtoolsMessages.dispatch('1', { type: 'JUMP_TO_ACTION', actionId: 2 }, '{"a":1}'),
      { type: 'DISPATCH', payload: { type: 'JUMP_TO_ACTION', actionId: 2 }, state: '{"a":1}' },
    ],
    [
      'TOGGLE_ACTION',
      devtoolsMessages.dispatch('1', { type: 'TOGGLE_ACTION', id: 2 }, '{}'),
      { type: 'DISPATCH', payload: { type: 'TOGGLE_ACTION', id: 2 }, state: '{}' },
    ],
    [
      'IMPORT_STATE',
      devtoolsMessages.dispatch('1', { type: 'IMPORT_STATE', nextLiftedState: liftedStateOf({ a: 1 }, 5) }),
      {
        type: 'DISPATCH',
        payload: {
          type: 'IMPORT_STATE',
          nextLiftedState: {
            actionsById: { 0: { type: 'PERFORM_ACTION', action: { type: '@@INIT' }, timestamp: 5 } },
            computedStates: [{ state: { a: 1 } }],
            currentStateIndex: 0,
            nextActionId: 1,
            skippedActionIds: [],
            stagedActionIds: [0],
          },
        },
      },
    ],
    [
      'COMMIT',
      devtoolsMessages.dispatch('1', { type: 'COMMIT', timestamp: 1 }),
      { type: 'DISPATCH', payload: { type: 'COMMIT', timestamp: 1 } },
    ],
    [
      'RESET',
      devtoolsMessages.dispatch('1', { type: 'RESET', timestamp: 1 }),
      { type: 'DISPATCH', payload: { type: 'RESET', timestamp: 1 } },
    ],
    [
      'ROLLBACK',
      devtoolsMessages.dispatch('1', { type: 'ROLLBACK', timestamp: 1 }, '{"a":0}'),
      { type: 'DISPATCH', payload: { type: 'ROLLBACK' }, state: '{"a":0}' },
    ],
    [
      'PAUSE_RECORDING',
      devtoolsMessages.dispatch('1', { type: 'PAUSE_RECORDING', status: true }),
      { type: 'DISPATCH', payload: { type: 'PAUSE_RECORDING', status: true } },
    ],
    [
      'LOCK_CHANGES',
      devtoolsMessages.dispatch('1', { type: 'LOCK_CHANGES', status: true }),
      { type: 'DISPATCH', payload: { type: 'LOCK_CHANGES', status: true } },
    ],
    ['ACTION', devtoolsMessages.action('1', { type: 'x' }), { type: 'ACTION', payload: '{"type":"x"}' }],
  ])('%s', (_name, msg, shape) => {
    expect(msg).toMatchObject({ id: '1', source: '@devtools-extension', ...shape });
    if ('state' in shape && shape.state !== undefined) expect(typeof msg.state).toBe('string');
  });

  test('connect(): init, send (object and string actions), error, send(null, liftedState), unsubscribe', async () => {
    const ext = freshExt();
    ext.open();
    const c = win.__REDUX_DEVTOOLS_EXTENSION__.connect({
      name: 'manual',
      serialize: { replacer: (_k, v) => v },
    });
    const got: DevtoolsMessage[] = [];
    c.subscribe((m) => got.push(m));
    c.init({ n: 0 });
    c.send({ type: 'inc' }, { n: 1 });
    c.send('dec', { n: 0 });
    c.error('something broke');
    c.send(null, {
      ...liftedStateOf({ n: 9 }),
      computedStates: [{ state: { n: 0 } }, { state: { n: 9 } }],
      currentStateIndex: 1,
    });
    await settle();
    const pid = ext.of('process')[0].pid;
    expect(ext.of('queued').map((q) => q.name)).toEqual(['inc', 'dec', '@@ERROR']);
    expect(ext.of('done').at(-1)?.error).toBe('something broke');
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([undefined, 'inc', 'dec', '@@LIFTED_STATE']);
    expect(revive(ext.latest(pid)!)).toEqual({ n: 9 });
    expect(got.map((m) => m.type)).toEqual(['START']);
    c.unsubscribe();
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    expect(got).toHaveLength(1);
  });

  test('the top-level send reports into one default instance', async () => {
    const ext = freshExt();
    ext.open();
    win.__REDUX_DEVTOOLS_EXTENSION__.send({ type: 'a' }, { v: 1 });
    win.__REDUX_DEVTOOLS_EXTENSION__.send('b', { v: 2 });
    await settle();
    expect(ext.of('process')).toHaveLength(1);
    expect(ext.of('queued').map((q) => q.name)).toEqual(['a', 'b']);
  });

  test('connect options: denylist, sanitizers and trace apply to send()', async () => {
    const ext = freshExt();
    ext.open();
    const c = win.__REDUX_DEVTOOLS_EXTENSION__.connect({
      name: 'opts',
      actionsDenylist: ['noise'],
      actionSanitizer: (a) => ({ ...a, big: '…' }),
      stateSanitizer: (s) => ({ ...(s as object), big: '…' }),
      trace: true,
    });
    c.init({ big: 'x'.repeat(10) });
    c.send('noise', { big: 'y' });
    c.send({ type: 'keep', big: 'z' }, { big: 'w' });
    await settle();
    expect(ext.of('queued').map((q) => q.name)).toEqual(['keep']);
    const payload = revive(ext.of('queued')[0].payload!) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'keep', big: '…' });
    expect(payload.stack).toMatch(/compat-zustand\.test/);
    expect(revive(ext.latest(ext.of('process')[0].pid)!)).toEqual({ big: '…' });
  });
});

describe('skip (TOGGLE_ACTION) for connect() apps', () => {
  test('Zustand: the skip reaches the app as DISPATCH TOGGLE_ACTION with the id send() numbered; the answer step marks it', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    const store = bearStore('skip');
    for (const n of [1, 10, 100]) store.getState().add(n);
    await settle();
    const [proc] = ext.of('process');
    expect(proc.caps.toggle).toBe(true);
    const ten = ext.of('queued')[1].mid;
    ext.send({ type: 'toggle', pid: proc.pid, mid: ten });
    const toggles = () => seen.filter((m) => m.type === 'DISPATCH' && m.payload.type === 'TOGGLE_ACTION');
    expect(toggles()).toEqual([
      {
        type: 'DISPATCH',
        payload: { type: 'TOGGLE_ACTION', id: 2 },
        state: expect.any(String),
        id: expect.any(String),
        source: '@devtools-extension',
      },
    ]);
    // As Redux DevTools, `state` is a lifted state (JSON): here the present and the skipped ids.
    expect(JSON.parse(toggles()[0].state as string)).toMatchObject({
      computedStates: [{ state: { bears: 111 } }],
      nextActionId: 4,
      skippedActionIds: [2],
    });
    // Zustand keeps no history, so it ignores the skip; the step still says what was asked.
    expect(store.getState().bears).toBe(111);
    await settle();
    expect(ext.of('step').at(-1)?.mutation).toEqual({ name: '@@SKIP', payload: { mid: ten, id: 2 } });
    ext.send({ type: 'toggle', pid: proc.pid, mid: ten });
    expect(JSON.parse(toggles()[1].state as string).skippedActionIds).toEqual([]);
    await settle();
    expect(ext.of('step').at(-1)?.mutation).toEqual({ name: '@@UNSKIP', payload: { mid: ten, id: 2 } });
  });

  test('an app keeping a lifted history (as NgRx does) recomputes without the action; no extra step for its answer', async () => {
    const ext = freshExt();
    ext.open();
    type Add = { type: 'add'; by: number };
    // The app's own history, numbered as Redux DevTools and NgRx number it: 1, 2, … after init.
    const actions = new Map<number, Add>();
    const skipped = new Set<number>();
    let nextId = 1;
    let n = 0;
    const c = win.__REDUX_DEVTOOLS_EXTENSION__.connect({ name: 'lifted app' });
    const recompute = () => {
      n = 0;
      for (const [id, a] of actions) if (!skipped.has(id)) n += a.by;
    };
    c.subscribe((m) => {
      if (m.type !== 'DISPATCH' || m.payload.type !== 'TOGGLE_ACTION') return;
      const { id } = m.payload;
      if (skipped.has(id)) skipped.delete(id);
      else skipped.add(id);
      recompute();
      c.send(null, { ...liftedStateOf(n), nextActionId: nextId, skippedActionIds: [...skipped] });
    });
    c.init(0);
    for (const by of [1, 10, 100]) {
      const a: Add = { type: 'add', by };
      actions.set(nextId++, a);
      n += by;
      c.send(a, n);
    }
    await settle();
    const pid = ext.of('process')[0].pid;
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[1].mid });
    expect(n).toBe(101);
    await settle();
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([undefined, 'add', 'add', 'add', '@@SKIP']);
    expect(revive(ext.latest(pid)!)).toBe(101);
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[0].mid });
    expect(n).toBe(100);
  });

  test('ids restart at init (as in Redux DevTools): an action from before it cannot be skipped', async () => {
    const ext = freshExt();
    ext.open();
    const store = bearStore('restart');
    store.getState().add(1);
    await settle();
    const pid = ext.of('process')[0].pid;
    // Zustand answers COMMIT with init(): a new history.
    ext.send({ type: 'store-op', pid, op: 'commit' });
    ext.send({ type: 'toggle', pid, mid: ext.of('queued')[0].mid });
    await settle();
    expect(ext.of('notice').at(-1)?.text).toMatch(/^skip failed: .*no id in the app's history/);
  });

  test('features.skip: false → no skip for a connect() process', async () => {
    const ext = freshExt();
    ext.open();
    createStore(devtools(() => ({ a: 1 }), { name: 'noskip', features: { skip: false } }));
    await settle();
    expect(ext.of('process')[0].caps.toggle).toBeUndefined();
  });
});

describe('store ops (COMMIT, RESET, ROLLBACK, LOCK_CHANGES) for connect() apps, with real Zustand', () => {
  test('commit, more changes, rollback: back at the committed state; then reset: the initial state', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    const store = bearStore('ops');
    store.getState().add(1);
    store.getState().add(2);
    await settle();
    const [proc] = ext.of('process');
    expect(proc.caps.ops).toEqual(['commit', 'reset', 'rollback', 'lock', 'unlock']);
    const op = (o: 'commit' | 'reset' | 'rollback') => ext.send({ type: 'store-op', pid: proc.pid, op: o });
    op('commit');
    expect(seen.at(-1)).toEqual({
      type: 'DISPATCH',
      payload: { type: 'COMMIT', timestamp: expect.any(Number) },
      id: expect.any(String),
      source: '@devtools-extension',
    });
    store.getState().add(10);
    store.getState().add(20);
    expect(store.getState().bears).toBe(33);
    op('rollback');
    // Redux DevTools sends the committed state as JSON with ROLLBACK; Zustand applies it.
    expect(seen.at(-1)).toEqual({
      type: 'DISPATCH',
      payload: { type: 'ROLLBACK', timestamp: expect.any(Number) },
      state: JSON.stringify({ bears: 3 }),
      id: expect.any(String),
      source: '@devtools-extension',
    });
    expect(store.getState().bears).toBe(3);
    expect(typeof store.getState().add).toBe('function');
    store.getState().add(5);
    expect(store.getState().bears).toBe(8);
    op('reset');
    expect(seen.at(-1)).toMatchObject({ type: 'DISPATCH', payload: { type: 'RESET' } });
    expect(store.getState().bears).toBe(0);
    await settle();
    // Zustand answers each op with init(); the op's own step stands for it (no @@INIT step).
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([
      undefined,
      'bears/add',
      'bears/add',
      '@@COMMIT',
      'bears/add',
      'bears/add',
      '@@ROLLBACK',
      'bears/add',
      '@@RESET',
    ]);
    expect(revive(ext.latest(proc.pid)!)).toEqual({ bears: 0, add: expect.anything() });
    expect((revive(ext.latest(proc.pid)!) as Bears).bears).toBe(0);
  });

  test('lock and unlock arrive as LOCK_CHANGES {status}; features.lock: false leaves them out', async () => {
    const ext = freshExt();
    ext.open();
    const seen = spyMessages();
    const store = bearStore('lock');
    createStore(devtools(() => ({ a: 1 }), { name: 'nolock', features: { lock: false } }));
    await settle();
    const [locking, nolock] = ext.of('process');
    ext.send({ type: 'store-op', pid: locking.pid, op: 'lock' });
    ext.send({ type: 'store-op', pid: locking.pid, op: 'unlock' });
    ext.send({ type: 'store-op', pid: nolock.pid, op: 'lock' });
    await settle();
    expect(seen.filter((m) => m.type === 'DISPATCH').map((m) => m.payload)).toEqual([
      { type: 'LOCK_CHANGES', status: true },
      { type: 'LOCK_CHANGES', status: false },
    ]);
    expect(nolock.caps.ops).toEqual(['commit', 'reset', 'rollback']);
    expect(ext.of('notice').at(-1)?.text).toBe(`process ${nolock.pid} cannot lock`);
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([undefined, undefined, '@@LOCK', '@@UNLOCK']);
    expect(store.getState().bears).toBe(0);
  });

  test('rollback for a client that never called init() is refused', async () => {
    const ext = freshExt();
    ext.open();
    const c = win.__REDUX_DEVTOOLS_EXTENSION__.connect({ name: 'noinit' });
    c.send('x', { v: 1 });
    await settle();
    ext.send({ type: 'store-op', pid: ext.of('process')[0].pid, op: 'rollback' });
    await settle();
    expect(ext.of('notice').at(-1)?.text).toBe(
      'rollback failed: Error: nothing to roll back to: the app never called init()',
    );
  });
});
