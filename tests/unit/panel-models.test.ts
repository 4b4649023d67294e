import { describe, expect, it } from 'vitest';
import type { createPanelModel } from '../../extension/panel/models/panel';
import type { SessionStore } from '../../extension/panel/models/session';
import { connectedModel, Script, SESSION } from './panel-fixtures';

function setup() {
  const { model, link } = connectedModel();
  return { model, link, s: new Script() };
}

const live = (m: ReturnType<typeof createPanelModel>): SessionStore => m.live.value;

describe('panel models: a realistic session', () => {
  it('tracks processes, messages, mailbox, steps, travel, replay and notices', () => {
    const { model, s } = setup();
    s.process('p1', 'cart', { kind: 'store' });
    s.process('p2', 'cart-item', { kind: 'component', parent: 'p1', caps: { jump: false, replay: false } });
    s.step('p1', { items: [], total: 0 });
    const m1 = s.queued('p1', 'add', { id: 7 });
    const m2 = s.queued('p1', 'add', { id: 8 });
    const store = live(model);
    const v0 = store.version.value;
    model.handlers.events(s.take());

    const p1 = store.processes.get('p1')!;
    expect(p1).toMatchObject({ name: 'cart', kind: 'store', status: 'running', steps: 1, handled: 0 });
    expect(p1.waiting.size).toBe(2);
    expect(store.processes.tree().map((r) => [r.row.pid, r.depth])).toEqual([
      ['p1', 0],
      ['p2', 1],
    ]);
    expect(store.version.value).toBe(v0 + 1);

    s.started(m1, s.t + 30);
    s.step('p1', { items: [{ id: 7 }], total: 1 }, { mid: m1, mutation: 'push' });
    s.step('p1', { items: [{ id: 7 }], total: 7 }, { mid: m1, mutation: 'sum' });
    s.done(m1, { t: s.t + 5 });
    s.started(m2);
    s.step('p1', { items: [{ id: 7 }, { id: 8 }], total: 15 }, { mid: m2, mutation: 'push' });
    s.done(m2, { error: 'Error: boom' });
    s.travel('p1', 1);
    s.replay('p1', 'running', 0, 2);
    s.notice('hello from the page', 'warn');
    model.handlers.events(s.take());

    expect(store.version.value).toBe(v0 + 2);
    expect(p1.waiting.size).toBe(0);
    expect(p1.handled).toBe(2);
    expect(p1.failed).toBe(1);
    expect(p1.steps).toBe(4);
    expect(p1.lastStep).toBe(3);
    expect(p1.travel).toBe(1);
    expect(p1.replay).toEqual({ state: 'running', index: 0, total: 2 });

    const msg1 = store.messages.get(m1)!;
    expect(msg1.steps).toEqual([1, 2]);
    expect(msg1.startedAt! - msg1.queuedAt).toBeGreaterThanOrEqual(30);
    expect(store.messages.get(m2)!.error).toBe('Error: boom');

    // Materialized states, including through deltas.
    expect(store.history.get('p1', 2)!.state).toEqual({ items: [{ id: 7 }], total: 7 });
    expect(store.history.get('p1', 3)!.state).toEqual({ items: [{ id: 7 }, { id: 8 }], total: 15 });

    const kinds = store.timeline.toArray().map((e) => `${e.kind}:${e.name}`);
    expect(kinds).toEqual([
      'step:initial state',
      'message:add',
      'message:add',
      'step:push',
      'step:sum',
      'step:push',
      'notice:hello from the page',
    ]);
    expect(model.travelling.value).toEqual([{ pid: 'p1', name: 'cart', step: 1 }]);
    s.travel('p1', null);
    model.handlers.events(s.take());
    expect(model.travelling.value).toEqual([]);
  });

  it('a rebase announces processes and continues the delta chain from its base', () => {
    const { model, s } = setup();
    s.process('p1', 'store');
    s.step('p1', { n: 0 });
    model.handlers.events(s.take());
    // Events 3..9 evicted in the page; the rebase carries step 5's full state.
    s.seq = 9;
    const rebase = {
      type: 'rebase' as const,
      seq: ++s.seq,
      t: ++s.t,
      dropped: 7,
      processes: [{ pid: 'p1', name: 'store', kind: 'store' as const, caps: { jump: true, replay: true } }],
      bases: [{ pid: 'p1', step: 5, full: { n: 5 }, stats: { size: 7 } }],
    };
    model.handlers.events([rebase]);
    const store = live(model);
    expect(store.history.get('p1', 5)!.state).toEqual({ n: 5 });
    expect(store.pageDropped).toBe(7);
    expect(store.timeline.toArray().some((e) => e.kind === 'notice' && e.name.includes('7 events'))).toBe(
      true,
    );
    // The next delta (step 6) applies on the base.
    model.handlers.events([
      { type: 'step', seq: ++s.seq, t: ++s.t, pid: 'p1', step: 6, delta: { n: [5, 6] }, stats: { size: 7 } },
    ]);
    expect(store.history.get('p1', 6)!.state).toEqual({ n: 6 });
    expect(store.history.get('p1', 6)!.broken).toBeUndefined();
  });

  it('never throws on odd events, and counts them', () => {
    const { model } = setup();
    expect(() =>
      model.handlers.events([
        { type: 'started', seq: 1, t: 1, mid: 99 },
        { type: 'done', seq: 2, t: 2, mid: 98 },
        { type: 'travel', seq: 3, t: 3, pid: 'ghost', step: 2 },
        { type: 'step', seq: 4, t: 4, pid: 'ghost', step: 3, delta: { a: [1, 2] }, stats: { size: 1 } },
        // biome-ignore lint/suspicious/noExplicitAny: deliberately malformed
        { type: 'nonsense', seq: 5, t: 5 } as any,
      ]),
    ).not.toThrow();
    const store = live(model);
    expect(store.oddities.get('started for an unknown message')).toBe(1);
    expect(store.oddities.get('done for an unknown message')).toBe(1);
    expect(store.oddities.get('event for a process that was never announced')).toBe(1);
    expect(store.oddities.get('unknown event type')).toBe(1);
    expect(store.oddCount()).toBe(4);
    // The ghost step has no base: marked broken, still in the timeline.
    expect(store.history.get('ghost', 3)!.broken).toMatch(/no state for step 2/);
    expect(store.timeline.length).toBe(1);
  });

  it('a new session resets the models and notes the reload; drops are counted per reason', () => {
    const { model, s } = setup();
    s.process('p1', 'store');
    s.step('p1', { a: 1 });
    model.handlers.events(s.take());
    model.select(2);
    expect(model.selected.value?.kind).toBe('step');
    const before = live(model);
    model.handlers.session(SESSION); // same session again (a reconnect): nothing changes
    expect(live(model)).toBe(before);
    model.handlers.session({ ...SESSION, session: 's2' });
    expect(live(model)).not.toBe(before);
    expect(live(model).timeline.length).toBe(0);
    expect(model.reloads.value).toBe(1);
    expect(model.selected.value).toBeNull();

    model.handlers.dropped({ where: 'content', reason: 'malformed', count: 2 });
    model.handlers.dropped({ where: 'content', reason: 'malformed', count: 1 });
    model.handlers.dropped({ where: 'background', reason: 'oversize', count: 4 });
    expect(model.drops.value).toEqual([
      { where: 'content', reason: 'malformed', count: 3 },
      { where: 'background', reason: 'oversize', count: 4 },
    ]);
    model.handlers.status('disconnected');
    expect(model.linkStatus.value).toBe('disconnected');
  });

  it('bumps the version once per delivered batch, not per event', () => {
    const { model, s } = setup();
    s.process('p1', 'store');
    for (let i = 0; i < 500; i++) s.step('p1', { i });
    const store = live(model);
    const v = store.version.value;
    let renders = 0;
    const off = model.filter.result.subscribe(() => renders++);
    model.handlers.events(s.take());
    off();
    expect(store.version.value).toBe(v + 1);
    expect(renders).toBe(2); // the initial subscribe call + one update
  });
});

describe('panel models: time travel commands', () => {
  function recorded() {
    const ctx = setup();
    const { s, model } = ctx;
    s.process('p1', 'counter');
    s.process('p2', 'viewer', { kind: 'liveview', caps: { jump: false, replay: false, preview: true } });
    s.step('p1', { n: 0 });
    s.message('p1', 'inc', { by: 1 }, [{ n: 1 }]);
    s.message('p1', 'inc', { by: 2 }, [{ n: 3 }]);
    s.step('p2', { html: '<p>' });
    model.handlers.events(s.take());
    return ctx;
  }

  it('activating a step sends jump with the state of that step', () => {
    const { model, link } = recorded();
    const store = live(model);
    const step1 = store.stepEntry('p1', 1)!;
    model.activate(step1);
    expect(model.selected.value).toBe(step1);
    expect(link.sent).toEqual([{ type: 'jump', pid: 'p1', step: 1, state: { n: 1 } }]);
    // The very state object from history (no copy).
    expect((link.sent[0] as { state: unknown }).state).toBe(store.history.get('p1', 1)!.state);
  });

  it('activating a message jumps to the last step it caused', () => {
    const { model, link } = recorded();
    const store = live(model);
    const msg = store.timeline.toArray().find((e) => e.kind === 'message')!;
    model.activate(msg);
    expect(link.sent).toEqual([{ type: 'jump', pid: 'p1', step: 1, state: { n: 1 } }]);
  });

  it('a process without jump gets a visible note instead of a command', () => {
    const { model, link } = recorded();
    model.activate(live(model).stepEntry('p2', 0)!);
    expect(link.sent).toEqual([]);
    expect(model.hint.value?.text).toContain('this process cannot jump');
  });

  it('the newest step is the present: present when travelling, nothing otherwise', () => {
    const { model, link, s } = recorded();
    const newest = live(model).stepEntry('p1', 2)!;
    model.activate(newest);
    expect(link.sent).toEqual([]);
    s.travel('p1', 1);
    model.handlers.events(s.take());
    model.activate(newest);
    expect(link.sent).toEqual([{ type: 'present', pid: 'p1' }]);
  });

  it('present, pause/resume and replay-stop commands', () => {
    const { model, link, s } = recorded();
    s.travel('p1', 0);
    model.handlers.events(s.take());
    model.presentAll();
    model.toggleRecording();
    model.handlers.events([{ type: 'recording', seq: ++s.seq, t: ++s.t, on: false }]);
    model.toggleRecording();
    model.stopReplay('p1');
    expect(link.sent).toEqual([
      { type: 'present', pid: 'p1' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'replay-stop', pid: 'p1' },
    ]);
  });

  it('replay sends the state before the range and its messages at the chosen speed', () => {
    const { model, link } = recorded();
    expect(model.replay('p1', 1, 2, '2')).toBe(true);
    expect(link.sent).toEqual([
      {
        type: 'replay',
        pid: 'p1',
        state: { n: 0 },
        messages: [
          { name: 'inc', kind: 'action', payload: { by: 1 } },
          { name: 'inc', kind: 'action', payload: { by: 2 } },
        ],
        intervalMs: 250,
      },
    ]);
    link.sent = [];
    model.replay('p1', 2, 2, 'instant');
    expect(link.sent[0]).toMatchObject({
      state: { n: 1 },
      messages: [{ payload: { by: 2 } }],
      intervalMs: 0,
    });
    link.sent = [];
    expect(model.replay('p2', 0, 0, '1')).toBe(false);
    expect(link.sent).toEqual([]);
  });
});

describe('panel models: skipping a message (toggle)', () => {
  it('sends toggle only for processes that can skip, and marks the message from the answer step', () => {
    const { model, link, s } = setup();
    s.process('p1', 'store', { caps: { jump: true, replay: true, toggle: true } });
    s.process('p2', 'other');
    s.step('p1', { n: 0 });
    const m1 = s.queued('p1', 'inc');
    s.step('p1', { n: 1 }, { mid: m1, mutation: 'inc' });
    model.handlers.events(s.take());

    expect(model.toggle('p2', m1)).toBe(false);
    expect(link.sent.filter((c) => c.type === 'toggle')).toEqual([]);
    expect(model.toggle('p1', m1)).toBe(true);
    expect(link.sent.at(-1)).toEqual({ type: 'toggle', pid: 'p1', mid: m1 });

    s.step('p1', { n: 0 }, { mutation: '@@SKIP', payload: { mid: m1, type: 'inc' } });
    model.handlers.events(s.take());
    expect(live(model).messages.get(m1)?.skipped).toBe(true);
    s.step('p1', { n: 1 }, { mutation: '@@UNSKIP', payload: { mid: m1, type: 'inc' } });
    model.handlers.events(s.take());
    expect(live(model).messages.get(m1)?.skipped).toBe(false);
  });
});
