import { describe, expect, test } from 'vitest';
import { assign, createActor, createMachine, sendParent, sendTo, setup } from 'xstate';
import { hindsightInspect } from '../../runtime-hook/adapters/xstate';
import { revive } from '../../runtime-hook/serialize';
import { FakeExtension, settle } from '../support/fake-extension';

const child = createMachine({
  id: 'worker',
  initial: 'idle',
  context: { jobs: 0 },
  states: {
    idle: {
      on: {
        WORK: {
          actions: [assign({ jobs: ({ context }) => context.jobs + 1 }), sendParent({ type: 'DONE' })],
        },
      },
    },
  },
});

const parent = setup({ actors: { child } }).createMachine({
  id: 'boss',
  initial: 'running',
  context: { done: 0 },
  invoke: { src: 'child', id: 'worker', systemId: 'worker' },
  states: {
    running: {
      on: {
        GO: { actions: sendTo('worker', { type: 'WORK' }) },
        DONE: { actions: assign({ done: ({ context }) => context.done + 1 }) },
      },
    },
  },
});

describe('XState v5 inspect', () => {
  test('actors are processes (child under parent), events messages with sender, snapshots steps', async () => {
    const ext = new FakeExtension();
    ext.open();
    const actor = createActor(parent, { inspect: hindsightInspect({}, ext.hook) });
    actor.start();
    actor.send({ type: 'GO' });
    actor.send({ type: 'GO' });
    await settle();
    expect(actor.getSnapshot().context.done).toBe(2);
    const procs = ext.of('process');
    const boss = procs.find((p) => p.name === 'boss')!;
    const worker = procs.find((p) => p.name === 'worker')!;
    expect(worker.parent).toBe(boss.pid);
    expect(boss.kind).toBe('actor');
    expect(boss.caps).toEqual({ jump: false, replay: false });
    const queued = ext.of('queued');
    const work = queued.filter((q) => q.name === 'WORK');
    expect(work).toHaveLength(2);
    expect(work.every((q) => q.pid === worker.pid)).toBe(true);
    // Sender in the payload, and linked to the message the sender was handling.
    const go = queued.filter((q) => q.name === 'GO');
    expect(revive(work[0].payload!)).toMatchObject({ event: { type: 'WORK' }, from: boss.name });
    expect(work[0].from).toBe(go[0].mid);
    const dones = queued.filter((q) => q.name === 'DONE');
    expect(dones.every((q) => q.pid === boss.pid)).toBe(true);
    expect(revive(dones[0].payload!)).toMatchObject({ from: 'worker' });
    expect(dones[0].from).toBe(work[0].mid);
    // Snapshots are the steps; every delivered message is done.
    expect(revive(ext.latest(worker.pid)!)).toMatchObject({
      value: 'idle',
      context: { jobs: 2 },
      status: 'active',
    });
    expect(revive(ext.latest(boss.pid)!)).toMatchObject({ context: { done: 2 } });
    expect(ext.of('done')).toHaveLength(queued.length);
  });

  test('jump and replay are refused with a notice; a stopped actor exits', async () => {
    const ext = new FakeExtension();
    ext.open();
    const actor = createActor(parent, { inspect: hindsightInspect({}, ext.hook) });
    actor.start();
    actor.send({ type: 'GO' });
    await settle();
    const boss = ext.of('process').find((p) => !p.parent)!;
    const go = ext.of('queued').find((q) => q.name === 'GO')!;
    ext.send({
      type: 'replay',
      pid: boss.pid,
      state: ext.states.get(boss.pid)![0],
      messages: [{ name: 'GO', kind: 'event', payload: go.payload }],
      intervalMs: 0,
    });
    await settle();
    expect(ext.of('notice').at(-1)?.text).toMatch(/cannot replay/);
    actor.stop();
    await settle();
    expect(ext.of('status').some((s) => s.pid === boss.pid && s.status === 'exited')).toBe(true);
  });
});
