import { applyMiddleware, compose, legacy_createStore, type StoreEnhancer } from 'redux';
import { describe, expect, test, vi } from 'vitest';
import { createFluxStore } from '../../runtime-hook/adapters/flux-store';
import { hindsightEnhancer } from '../../runtime-hook/adapters/redux';
import { MAX_TEXT_CHARS, SEND_WINDOW } from '../../runtime-hook/protocol';
import { revive, serialize } from '../../runtime-hook/serialize';
import { FakeExtension, settle } from '../support/fake-extension';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function boardStore(ext: FakeExtension, delay = 30) {
  return createFluxStore(
    {
      name: 'board',
      state: () => ({ tasks: [] as { id: number; title: string; done: boolean }[], when: new Date(0) }),
      mutations: {
        add(s, title: string) {
          s.tasks.push({ id: s.tasks.length + 1, title, done: false });
        },
        toggle(s, id: number) {
          const t = s.tasks.find((x) => x.id === id);
          if (t) t.done = !t.done;
        },
        stamp(s, ms: number) {
          s.when = new Date(ms);
        },
      },
      actions: {
        async slowAdd(ctx, title: string) {
          await sleep(delay);
          ctx.commit('add', title);
        },
        async boom() {
          throw new Error('save failed');
        },
      },
    },
    ext.hook,
  );
}

/** A connected board store with tasks a, b, c added (steps 0–3), everything delivered. */
async function boardWithThreeSteps() {
  const ext = new FakeExtension();
  const store = boardStore(ext);
  ext.open();
  for (const t of ['a', 'b', 'c']) await store.dispatch('add', t);
  await settle();
  return { ext, store, pid: ext.of('process')[0].pid };
}

describe('hook before a connection', () => {
  test('does no work: no batches, not active, store still works', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext);
    await store.dispatch('add', 'a');
    await settle();
    expect(ext.hook.active).toBe(false);
    expect(ext.batches).toBe(0);
    expect(store.state.tasks).toHaveLength(1);
  });
});

describe('flux store through the hook', () => {
  test('streams process, messages and steps whose deltas rebuild the exact state', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext);
    ext.open();
    await store.dispatch('add', 'write');
    await store.dispatch('add', 'test');
    await store.dispatch('toggle', 1);
    store.commit('stamp', 1234);
    await settle();
    const [proc] = ext.of('process');
    expect(proc).toMatchObject({ name: 'board', kind: 'store', caps: { jump: true, replay: true } });
    expect(ext.of('queued').map((q) => q.name)).toEqual(['add', 'add', 'toggle']);
    expect(ext.of('done')).toHaveLength(3);
    const steps = ext.of('step');
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4]);
    expect(steps[0].full).toBeDefined();
    expect(steps.slice(1).every((s) => s.delta !== undefined)).toBe(true);
    expect(steps.map((s) => s.mutation?.name)).toEqual([undefined, 'add', 'add', 'toggle', 'stamp']);
    // Steps during a message point at it; a direct commit has none.
    expect(steps[1].mid).toBe(ext.of('queued')[0].mid);
    expect(steps[4].mid).toBeUndefined();
    expect(revive(ext.latest(proc.pid)!)).toEqual(store.state);
    expect((revive(ext.latest(proc.pid)!) as { when: Date }).when).toBeInstanceOf(Date);
  });

  test('the sequential dispatcher makes later actions wait in the mailbox', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext, 40);
    ext.open();
    const all = Promise.all([
      store.dispatch('slowAdd', 'a'),
      store.dispatch('slowAdd', 'b'),
      store.dispatch('slowAdd', 'c'),
    ]);
    expect(store.mailbox).toBe(2);
    await all;
    await settle();
    const queued = ext.of('queued');
    const started = new Map(ext.of('started').map((s) => [s.mid, s.t]));
    const done = new Map(ext.of('done').map((s) => [s.mid, s.t]));
    // Each message starts only after the one before is done, and waited for it.
    for (let i = 1; i < 3; i++) {
      expect(started.get(queued[i].mid)!).toBeGreaterThanOrEqual(done.get(queued[i - 1].mid)!);
      expect(started.get(queued[i].mid)! - queued[i].t).toBeGreaterThan(30);
    }
    expect(store.state.tasks.map((t) => t.title)).toEqual(['a', 'b', 'c']);
  });

  test('a failing action is reported as done with its error and the app still sees the rejection', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext);
    ext.open();
    await expect(store.dispatch('boom')).rejects.toThrow('save failed');
    await settle();
    expect(ext.of('done')[0].error).toContain('save failed');
  });

  test('jump sets the app back to a recorded step; present returns the exact live object', async () => {
    const { ext, store, pid } = await boardWithThreeSteps();
    const live = store.state;
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    expect(store.state.tasks.map((t) => t.title)).toEqual(['a']);
    await settle();
    expect(ext.of('travel').at(-1)).toMatchObject({ pid, step: 1 });
    // The jump itself is not a new step.
    expect(ext.of('step')).toHaveLength(4);
    ext.send({ type: 'present', pid });
    expect(store.state).toBe(live);
    await settle();
    expect(ext.of('travel').at(-1)).toMatchObject({ pid, step: null });
  });

  test('new messages while viewing the past are recorded and chain from the last recorded step', async () => {
    const { ext, store, pid } = await boardWithThreeSteps();
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    await store.dispatch('add', 'x');
    await settle();
    expect(revive(ext.latest(pid)!)).toEqual(store.state);
    expect(store.state.tasks.map((t) => t.title)).toEqual(['a', 'x']);
    // The new step is the app's present again.
    expect(ext.of('travel').map((t) => t.step)).toEqual([1, null]);
  });

  test('replay re-dispatches recorded messages from a recorded state and reproduces the recorded end state', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext, 5);
    ext.open();
    for (const t of ['a', 'b']) await store.dispatch('slowAdd', t);
    await store.dispatch('toggle', 2);
    await settle();
    const pid = ext.of('process')[0].pid;
    const recorded = ext.latest(pid)!;
    const messages = ext.of('queued').map((q) => ({ name: q.name, kind: q.kind, payload: q.payload }));
    store.replaceState({ tasks: [], when: new Date(5) });
    ext.send({ type: 'replay', pid, state: ext.states.get(pid)![0], messages, intervalMs: 1 });
    for (let i = 0; i < 100 && ext.of('replay').at(-1)?.state !== 'done'; i++) await sleep(10);
    await settle();
    expect(ext.of('replay').at(-1)).toMatchObject({ state: 'done', index: 3, total: 3 });
    expect(revive(ext.latest(pid)!)).toEqual(revive(recorded));
    expect(store.state.tasks.map((t) => [t.title, t.done])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    const replayed = ext.of('queued').filter((q) => q.replay);
    expect(replayed.map((q) => q.name)).toEqual(['slowAdd', 'slowAdd', 'toggle']);
  });

  test('pause records nothing; resume restarts each chain from a full snapshot', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext);
    ext.open();
    await store.dispatch('add', 'a');
    await settle();
    ext.send({ type: 'pause' });
    await store.dispatch('add', 'b');
    await store.dispatch('add', 'c');
    await settle();
    const before = ext.of('queued').length;
    expect(before).toBe(1);
    ext.send({ type: 'resume' });
    await store.dispatch('add', 'd');
    await settle();
    const pid = ext.of('process')[0].pid;
    const steps = ext.of('step');
    expect(steps.at(-2)?.full).toBeDefined();
    expect(ext.of('notice').some((n) => /2 reports|reports not recorded/.test(n.text))).toBe(true);
    expect(revive(ext.latest(pid)!)).toEqual(store.state);
  });

  test('a page faster than the link beyond its memory budget: unsent events evicted from the ring become a counted rebase, and the stream goes on', async () => {
    const ext = new FakeExtension({ history: { maxBytes: 8000 } });
    const store = boardStore(ext);
    ext.open();
    await settle();
    const before = ext.lastSeq;
    // Far more than the budget holds in one go, while the panel acks as usual: most are
    // evicted from the ring before the outbox could ever post them.
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 2000; i++) pending.push(store.dispatch('add', `t${i}`));
    await Promise.all(pending);
    expect(ext.hook.lastSeq - before).toBe(4 * 2000);
    await vi.waitFor(() => expect(ext.lastSeq).toBe(ext.hook.lastSeq), { timeout: 15_000, interval: 20 });
    const rebase = ext.of('rebase').at(-1);
    expect(rebase?.dropped).toBeGreaterThan(0);
    const pid = rebase!.processes[0].pid;
    expect(revive(ext.latest(pid)!)).toEqual(store.state);
  }, 30_000);
});

describe('flow control', () => {
  test('at most SEND_WINDOW batches in flight without acks, each within batchChars; acks release more; nothing lost', async () => {
    const batchChars = 4000;
    const ext = new FakeExtension({ history: { batchChars } });
    ext.autoAck = false;
    const store = boardStore(ext);
    ext.open();
    const n = 2000;
    for (let i = 0; i < n; i++) store.commit('stamp', i);
    await vi.waitFor(() => expect(ext.batches).toBe(SEND_WINDOW), { interval: 5 });
    expect(ext.lastSeq).toBeLessThan(n + 2);
    // No more without an ack, however long the page waits (the resend comes later).
    await settle(100);
    expect(ext.batches).toBe(SEND_WINDOW);
    for (let acks = 0; ext.lastSeq < n + 2 && acks < 1000; acks++) {
      const had = ext.batches;
      ext.send({ type: 'ack', seq: ext.lastSeq });
      await vi.waitFor(() => expect(ext.batches).toBeGreaterThan(had), { interval: 5 });
      await settle(20);
      expect(ext.batches).toBeLessThanOrEqual(had + SEND_WINDOW);
    }
    // process + step 0 + n steps
    expect(ext.lastSeq).toBe(n + 2);
    expect(ext.events.map((e) => e.seq)).toEqual(Array.from({ length: n + 2 }, (_, i) => i + 1));
    expect(ext.largestBody).toBeLessThanOrEqual(batchChars);
  });

  test('resends from the last ack when acks stall (lost batches)', async () => {
    const ext = new FakeExtension();
    ext.autoAck = false;
    const store = boardStore(ext);
    ext.open();
    store.commit('stamp', 1);
    await settle();
    const firstCount = ext.received.length;
    // Pretend everything was lost in transit: the panel never saw or acked it.
    ext.lastSeq = 0;
    ext.events.length = 0;
    ext.states.clear();
    await sleep(1400);
    expect(ext.received.length).toBeGreaterThan(firstCount);
    expect(ext.events.map((e) => e.seq)).toEqual([1, 2, 3]);
  });

  test('a panel opened after the history ring evicted events gets a rebase that continues the chain', async () => {
    const ext = new FakeExtension({ history: { maxBytes: 8000 } });
    const store = boardStore(ext);
    ext.connect();
    for (let i = 0; i < 200; i++) await store.dispatch('add', `t${i}`);
    ext.send({ type: 'sync', since: 0 });
    await settle(80);
    const first = ext.events[0];
    expect(first.type).toBe('rebase');
    if (first.type !== 'rebase') return;
    expect(first.dropped).toBeGreaterThan(0);
    expect(first.processes.map((p) => p.name)).toEqual(['board']);
    const pid = first.processes[0].pid;
    expect(revive(ext.latest(pid)!)).toEqual(store.state);
  });
});

describe('redux enhancer (real redux)', () => {
  const reducer = (
    s = { count: 0, items: [] as number[], big: { a: [1, 2, 3] } },
    a: { type: string; by?: number },
  ) => {
    switch (a.type) {
      case 'inc':
        return { ...s, count: s.count + (a.by ?? 1) };
      case 'push':
        return { ...s, items: [...s.items, s.count] };
      default:
        return s;
    }
  };

  test('actions become messages, state changes become steps named by type; jump and replay work', async () => {
    const ext = new FakeExtension();
    const store = legacy_createStore(
      reducer,
      compose(applyMiddleware(), hindsightEnhancer({ name: 'counter' }, ext.hook)) as StoreEnhancer,
    );
    ext.open();
    store.dispatch({ type: 'inc', by: 2 });
    store.dispatch({ type: 'push' });
    store.dispatch({ type: 'noop' });
    await settle();
    const pid = ext.of('process')[0].pid;
    expect(ext.of('queued').map((q) => q.name)).toEqual(['inc', 'push', 'noop']);
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([undefined, 'inc', 'push']);
    expect(revive(ext.latest(pid)!)).toEqual(store.getState());
    const big = store.getState().big;
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    expect(store.getState().count).toBe(2);
    expect(store.getState().items).toEqual([]);
    ext.send({ type: 'present', pid });
    expect(store.getState().big).toBe(big);
    const messages = ext.of('queued').map((q) => ({ name: q.name, kind: q.kind, payload: q.payload }));
    ext.send({ type: 'replay', pid, state: ext.states.get(pid)![0], messages, intervalMs: 0 });
    await settle(60);
    expect(store.getState()).toEqual({ count: 2, items: [2], big: { a: [1, 2, 3] } });
  });

  test('unchanged subtrees of an immutable store are skipped: the delta names only the changed key', async () => {
    const ext = new FakeExtension();
    const store = legacy_createStore(reducer, hindsightEnhancer({}, ext.hook));
    ext.open();
    store.dispatch({ type: 'inc' });
    await settle();
    const delta = ext.of('step')[1].delta as Record<string, unknown>;
    expect(Object.keys(delta)).toEqual(['count']);
  });
});

describe('never throws into the app', () => {
  test('hostile state: throwing getters, revoked proxies, cycles', async () => {
    const ext = new FakeExtension();
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const hostile: Record<string, unknown> = {
      get bad() {
        throw new Error('getter');
      },
      revoked: proxy,
    };
    hostile.self = hostile;
    const store = createFluxStore(
      {
        name: 'hostile',
        state: hostile,
        mutations: {
          touch(s: Record<string, unknown>) {
            s.n = 1;
          },
        },
      },
      ext.hook,
    );
    ext.open();
    expect(() => store.commit('touch')).not.toThrow();
    await settle();
    expect(ext.of('step')).toHaveLength(2);
    expect(serialize(hostile).stats.size).toBeGreaterThan(0);
  });

  test('an event too large for one message becomes a counted notice; the stream goes on', async () => {
    const ext = new FakeExtension();
    const store = boardStore(ext);
    ext.open();
    const p = ext.hook.process({ name: 'thrower' });
    const m = p.queue('fails');
    m.start();
    // A 100 MB error text is capped; a 20 MB message name cannot be, so that event is replaced.
    m.done('x'.repeat(100 * 1024 * 1024));
    p.queue('y'.repeat(20 * 1024 * 1024));
    await store.dispatch('add', 'after');
    await settle();
    const done = ext.of('done').find((e) => e.mid === m.mid)!;
    expect(done.error).toHaveLength(MAX_TEXT_CHARS);
    // A process's exit reason is capped as its other status reasons are.
    const gone = ext.hook.process({ name: 'gone' });
    gone.exit('z'.repeat(MAX_TEXT_CHARS + 10));
    await settle();
    const exited = ext.of('status').find((e) => e.pid === gone.pid && e.status === 'exited');
    expect(exited?.reason).toHaveLength(MAX_TEXT_CHARS);
    const dropped = ext.of('notice').filter((n) => n.dropped === 1);
    expect(dropped).toHaveLength(1);
    expect(dropped[0].text).toMatch(/a queued event of \d+ characters was over/);
    // Nothing after it was held up: every seq arrived, the last step included.
    expect(ext.events.map((e) => e.seq)).toEqual(ext.events.map((_, i) => i + 1));
    expect(ext.of('step').at(-1)?.mutation?.name).toBe('add');
  });

  test('a step too large to send is counted, and the next step of that process is sent whole', async () => {
    // Limits lifted so a 20 M-character string reaches the outbox as it is.
    const ext = new FakeExtension({ serialize: { maxStringLength: 2 ** 30, maxTotalSize: Infinity } });
    let state: unknown = { n: 0 };
    const p = ext.hook.process({ name: 'big', getState: () => state });
    ext.open();
    state = { n: 1, blob: 'z'.repeat(20 * 1024 * 1024) };
    p.step({ name: 'grow' });
    state = { n: 2 };
    p.step({ name: 'shrink' });
    await settle();
    const steps = ext.of('step');
    expect(steps.map((e) => e.step)).toEqual([0, 2]);
    expect(steps[1].full).toEqual({ n: 2 });
    expect(ext.of('notice').filter((n) => n.dropped === 1)).toHaveLength(1);
    expect(ext.events.map((e) => e.seq)).toEqual(ext.events.map((_, i) => i + 1));
  });
});
