import { createPinia, defineStore, setActivePinia } from 'pinia';
import { describe, expect, test } from 'vitest';
import { createApp } from 'vue';
import { hindsightPinia } from '../../runtime-hook/adapters/pinia';
import { revive } from '../../runtime-hook/serialize';
import { FakeExtension, settle } from '../support/fake-extension';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const useCart = defineStore('cart', {
  state: () => ({ items: [] as string[], saving: false }),
  actions: {
    add(item: string) {
      this.items.push(item);
    },
    async save() {
      this.saving = true;
      await sleep(20);
      this.$patch({ saving: false });
    },
    fail() {
      throw new Error('nope');
    },
  },
});

function setup() {
  const ext = new FakeExtension();
  const pinia = createPinia();
  // Pinia applies plugins once it is installed in an app (no mounting, no DOM needed).
  createApp({}).use(pinia);
  setActivePinia(pinia);
  pinia.use(hindsightPinia({}, ext.hook));
  return { ext, pinia };
}

describe('Pinia plugin', () => {
  test('each store is a process; actions are messages with async start/end; changes are steps', async () => {
    const { ext } = setup();
    ext.open();
    const cart = useCart();
    cart.add('apple');
    await cart.save();
    cart.$patch((s) => {
      s.items.push('pear');
    });
    cart.items.push('plum');
    expect(() => cart.fail()).toThrow('nope');
    await settle();
    const [proc] = ext.of('process');
    expect(proc).toMatchObject({ name: 'cart', kind: 'store', caps: { jump: true, replay: true } });
    const queued = ext.of('queued');
    expect(queued.map((q) => q.name)).toEqual(['add', 'save', 'fail']);
    expect(revive(queued[0].payload!)).toEqual({ args: ['apple'] });
    const started = new Map(ext.of('started').map((e) => [e.mid, e.t]));
    const done = new Map(ext.of('done').map((e) => [e.mid, e]));
    // save() ran ~20 ms between its start and its end.
    expect(done.get(queued[1].mid)!.t - started.get(queued[1].mid)!).toBeGreaterThanOrEqual(15);
    expect(done.get(queued[2].mid)!.error).toContain('nope');
    const steps = ext.of('step');
    expect(steps.map((s) => s.mutation?.name)).toEqual([
      undefined,
      'direct: 0',
      'direct: saving',
      '$patch',
      '$patch',
      expect.stringMatching(/^direct: .*2/),
    ]);
    // Changes during an action point at it (even after an await).
    expect(steps[1].mid).toBe(queued[0].mid);
    expect(steps[3].mid).toBe(queued[1].mid);
    expect(steps[4].mid).toBeUndefined();
    expect(revive(ext.latest(proc.pid)!)).toEqual({ items: ['apple', 'pear', 'plum'], saving: false });
  });

  test('jump sets the store state; replay calls the actions again', async () => {
    const { ext } = setup();
    ext.open();
    const cart = useCart();
    cart.add('a');
    cart.add('b');
    await settle();
    const pid = ext.of('process')[0].pid;
    ext.send({ type: 'jump', pid, step: 1, state: ext.states.get(pid)![1] });
    expect(cart.items).toEqual(['a']);
    ext.send({ type: 'present', pid });
    expect(cart.items).toEqual(['a', 'b']);
    const msgs = ext.of('queued').map((q) => ({ name: q.name, kind: q.kind, payload: q.payload }));
    ext.send({ type: 'replay', pid, state: ext.states.get(pid)![0], messages: msgs, intervalMs: 0 });
    await settle();
    expect(cart.items).toEqual(['a', 'b']);
    expect(
      ext
        .of('queued')
        .filter((q) => q.replay)
        .map((q) => q.name),
    ).toEqual(['add', 'add']);
  });

  test('nothing is recorded before a connection', async () => {
    const { ext } = setup();
    useCart().add('x');
    await settle();
    expect(ext.batches).toBe(0);
  });
});
