import { describe, expect, it } from 'vitest';
import { createPanelModel } from '../../extension/panel/models/panel';
import { planReplay } from '../../extension/panel/models/replay';
import { SessionStore } from '../../extension/panel/models/session';
import { importSession } from '../../extension/panel/models/transfer';
import { FakeLink, Script, SESSION } from './panel-fixtures';

describe('replay planning', () => {
  function recorded() {
    const s = new Script();
    s.process('p', 'todo');
    s.step('p', { items: [] }); // 0: initial, no message
    const a = s.queued('p', 'add', { text: 'a' }); // steps 1, 2 (two commits)
    s.started(a);
    s.step('p', { items: ['a'] }, { mid: a, mutation: 'push' });
    s.step('p', { items: ['a'], n: 1 }, { mid: a, mutation: 'count' });
    // A thunk-like action that dispatches a child action during its run.
    const parent = s.queued('p', 'load', { page: 1 });
    s.started(parent);
    const child = s.queued('p', 'loaded', { rows: 2 }, { from: parent });
    s.step('p', { items: ['a'], n: 1, loading: true }, { mid: parent, mutation: 'start' }); // 3
    s.done(parent);
    s.started(child);
    s.step('p', { items: ['a', 'r1', 'r2'], n: 3 }, { mid: child, mutation: 'rows' }); // 4
    s.done(child);
    const again = s.queued('p', 'add', { text: 'b' }, { replay: true }); // produced by a replay: kept
    s.started(again);
    s.step('p', { items: ['a', 'r1', 'r2', 'b'], n: 4 }, { mid: again, mutation: 'push' }); // 5
    s.done(again);
    const store = new SessionStore(null);
    store.apply(s.take());
    return { store, a, parent, child, again };
  }

  it('starts from the state before the first message and takes each message once', () => {
    const { store } = recorded();
    const plan = planReplay(store, 'p', 1, 2);
    expect(plan).toMatchObject({
      state: { items: [] },
      fromStep: 0,
      messages: [{ name: 'add', payload: { text: 'a' } }],
    });
  });

  it('a range starting inside a message starts before that message (no half-applied message)', () => {
    const { store } = recorded();
    const plan = planReplay(store, 'p', 2, 3);
    expect(plan).toMatchObject({ fromStep: 0, state: { items: [] } });
    expect('mids' in plan && plan.messages.map((m) => m.name)).toEqual(['add', 'load']);
  });

  it('leaves out a message sent from a replayed message, keeps it when its parent is outside', () => {
    const { store, parent, again, a } = recorded();
    const all = planReplay(store, 'p', 0, 5);
    expect('mids' in all && all.mids).toEqual([a, parent, again]);
    const childOnly = planReplay(store, 'p', 4, 4);
    expect('mids' in childOnly && childOnly.messages.map((m) => m.name)).toEqual(['loaded']);
    expect(childOnly).toMatchObject({ fromStep: 3 });
  });

  it('explains ranges it cannot replay', () => {
    const { store } = recorded();
    expect(planReplay(store, 'p', 0, 0)).toEqual({ error: 'no recorded messages caused steps 0–0' });
    expect(planReplay(store, 'p', 3, 1)).toHaveProperty('error');
  });

  it('replays an imported session into a live process with the same name', () => {
    const s = new Script();
    s.process('p9', 'todo');
    s.step('p9', { items: [] });
    s.message('p9', 'add', { text: 'x' }, [{ items: ['x'] }]);
    const file = JSON.stringify({
      format: 'hindsight-session',
      version: 1,
      protocol: 1,
      session: SESSION,
      events: s.take(),
    });

    const model = createPanelModel();
    const link = new FakeLink();
    model.attach(link);
    model.handlers.session(SESSION);
    const live = new Script();
    live.process('p1', 'todo');
    live.process('p2', 'other');
    model.handlers.events(live.take());
    expect(model.importText(file, 'old.json')).toBe(true);
    expect(model.view.value.viewOnly).toBe(true);
    // Clicking a step in an imported session never sends a jump.
    model.activate(model.view.value.stepEntry('p9', 1)!);
    expect(link.sent).toEqual([]);
    expect(model.replayTarget('p9')).toBe('p1');
    expect(model.replay('p9', 1, 1, 'instant')).toBe(true);
    expect(link.sent).toEqual([
      {
        type: 'replay',
        pid: 'p1',
        state: { items: [] },
        messages: [{ name: 'add', kind: 'action', payload: { text: 'x' } }],
        intervalMs: 0,
      },
    ]);
    expect(importSession(file).store!.processes.get('p9')!.name).toBe('todo');
  });
});
