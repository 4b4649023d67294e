/**
 * The `store-op` command end to end through the hook, with a plain process (no adapter):
 * decoding, caps, the answer step, refusals, and commands the hook does not understand.
 */
import { describe, expect, test } from 'vitest';
import type { StoreOp } from '../../runtime-hook/protocol';
import { decodeCommand, decodeEvent, STORE_OP_MUTATION } from '../../runtime-hook/protocol';
import { revive } from '../../runtime-hook/serialize';
import { FakeExtension, settle } from '../support/fake-extension';

/** A counter process whose store ops act on its own state, as an adapter would. */
function counter(ext: FakeExtension, ops: StoreOp[] = ['commit', 'reset', 'rollback', 'lock', 'unlock']) {
  let state = { n: 0 };
  let committed = state;
  const ran: StoreOp[] = [];
  const proc = ext.hook.process({
    name: 'counter',
    kind: 'store',
    getState: () => state,
    setState: (s) => {
      state = s as { n: number };
    },
    storeOps: {
      ops,
      run: (op) => {
        ran.push(op);
        if (op === 'commit') committed = state;
        if (op === 'rollback') state = committed;
        if (op === 'reset') state = { n: 0 };
        if (op === 'lock' && state.n < 0) throw new Error('cannot lock a negative counter');
      },
    },
  });
  const add = (by: number) => {
    const m = proc.queue('add', { by });
    m.start();
    state = { n: state.n + by };
    proc.step({ name: 'add' }, undefined, m);
    m.done();
  };
  return {
    proc,
    add,
    ran,
    get state() {
      return state;
    },
  };
}

describe('store-op: the protocol', () => {
  test('decodes each known op; anything else is rejected', () => {
    for (const op of ['commit', 'reset', 'rollback', 'lock', 'unlock'])
      expect(decodeCommand({ type: 'store-op', pid: 'p1', op })).toEqual({ type: 'store-op', pid: 'p1', op });
    expect(decodeCommand({ type: 'store-op', pid: 'p1', op: 'sweep' })).toBeNull();
    expect(decodeCommand({ type: 'store-op', pid: 'p1' })).toBeNull();
    expect(decodeCommand({ type: 'store-op', pid: 7, op: 'commit' })).toBeNull();
  });

  test('caps.ops keeps only ops this panel knows', () => {
    const ev = decodeEvent({
      type: 'process',
      seq: 1,
      t: 1,
      pid: 'p1',
      name: 'x',
      kind: 'store',
      caps: { jump: true, replay: false, ops: ['commit', 'sweep', 3, 'lock'] },
    });
    expect(ev).toMatchObject({ caps: { jump: true, replay: false, ops: ['commit', 'lock'] } });
  });
});

describe('store-op: the hook', () => {
  test('announces the ops; runs each and answers with a step named for it', async () => {
    const ext = new FakeExtension();
    const c = counter(ext);
    ext.open();
    c.add(1);
    ext.send({ type: 'store-op', pid: c.proc.pid, op: 'commit' });
    c.add(10);
    ext.send({ type: 'store-op', pid: c.proc.pid, op: 'rollback' });
    await settle();
    expect(ext.of('process')[0].caps.ops).toEqual(['commit', 'reset', 'rollback', 'lock', 'unlock']);
    expect(c.ran).toEqual(['commit', 'rollback']);
    expect(ext.of('step').map((s) => s.mutation?.name)).toEqual([
      undefined,
      'add',
      STORE_OP_MUTATION.commit,
      'add',
      STORE_OP_MUTATION.rollback,
    ]);
    expect(revive(ext.latest(c.proc.pid)!)).toEqual({ n: 1 });
  });

  test('an op the process does not offer, or one that throws, is refused with a notice and no step', async () => {
    const ext = new FakeExtension();
    const c = counter(ext, ['commit', 'lock']);
    ext.open();
    c.add(-1);
    ext.send({ type: 'store-op', pid: c.proc.pid, op: 'reset' });
    ext.send({ type: 'store-op', pid: c.proc.pid, op: 'lock' });
    ext.send({ type: 'store-op', pid: 'p999', op: 'commit' });
    await settle();
    expect(c.ran).toEqual(['lock']);
    expect(ext.of('notice').map((n) => [n.level, n.text])).toEqual([
      ['error', `process ${c.proc.pid} cannot reset`],
      ['error', 'lock failed: Error: cannot lock a negative counter'],
      ['error', 'process p999 cannot commit'],
    ]);
    expect(ext.of('step')).toHaveLength(2);
  });

  test('lock while the app shows a past step keeps it there; present still returns', async () => {
    const ext = new FakeExtension();
    const c = counter(ext);
    ext.open();
    c.add(1);
    c.add(2);
    await settle();
    const pid = c.proc.pid;
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    expect(c.state).toEqual({ n: 1 });
    ext.send({ type: 'store-op', pid, op: 'lock' });
    await settle();
    // The lock step records the live state and does not end the travel.
    expect(ext.of('step').at(-1)?.mutation?.name).toBe(STORE_OP_MUTATION.lock);
    expect(revive(ext.latest(pid)!)).toEqual({ n: 3 });
    expect(ext.of('travel').map((t) => t.step)).toEqual([1]);
    ext.send({ type: 'present', pid });
    expect(c.state).toEqual({ n: 3 });
  });

  test('a command the hook does not understand is counted and reported, never acted on', async () => {
    const ext = new FakeExtension();
    const c = counter(ext);
    ext.open();
    ext.send({ type: 'store-op', pid: c.proc.pid, op: 'sweep' } as never);
    ext.send({ type: 'teleport', pid: c.proc.pid } as never);
    await settle();
    expect(c.ran).toEqual([]);
    expect(ext.hook.rejectedCommands).toBe(2);
    expect(ext.of('notice').map((n) => n.text)).toEqual([
      'command not understood (1 rejected)',
      'command not understood (2 rejected)',
    ]);
  });
});
