// @vitest-environment happy-dom
/**
 * Preserve log: a reload keeps the old session (view only, marked as earlier) when the
 * switch is on, replaces it when off; kept sessions are bounded and letting one go is shown.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { MAX_EARLIER } from '../../extension/panel/models/earlier-sessions';
import { createPanelModel } from '../../extension/panel/models/panel';
import { FakeLink, MemoryStorage, Script, SESSION } from './panel-fixtures';

afterEach(cleanup);

/** A page session with one cart store and `n` add messages. */
function session(model: ReturnType<typeof createPanelModel>, id: string, n: number) {
  model.handlers.session({ ...SESSION, session: id, url: `http://localhost:5173/?${id}` });
  const s = new Script();
  s.process('p1', 'cart');
  s.step('p1', { items: [] });
  const items: number[] = [];
  for (let i = 1; i <= n; i++) {
    items.push(i);
    s.message('p1', 'add', { id: i }, [{ items: [...items] }]);
  }
  model.handlers.events(s.take());
}

function setup(preserve: boolean, storage = new MemoryStorage()) {
  const model = createPanelModel({ storage });
  const link = new FakeLink();
  model.attach(link);
  model.handlers.status('connected');
  if (preserve) model.earlier.setPreserve(true);
  return { model, link, storage };
}

describe('preserve log', () => {
  it('off (the default): a reload replaces the session', () => {
    const { model } = setup(false);
    expect(model.earlier.preserve.value).toBe(false);
    session(model, 'a', 3);
    session(model, 'b', 1);
    expect(model.earlier.list.value).toEqual([]);
    expect(model.live.value.info?.session).toBe('b');
    expect(model.reloads.value).toBe(1);
  });

  it('on: the earlier session stays, view only, and can be looked at beside the live one', () => {
    const { model, link } = setup(true);
    session(model, 'a', 3);
    const first = model.live.value;
    session(model, 'b', 1);
    const [kept] = model.earlier.list.value;
    expect(kept.store).toBe(first);
    expect(kept.store.viewOnly).toBe(true);
    expect(kept.url).toBe('http://localhost:5173/?a');
    expect(model.live.value.info?.session).toBe('b');
    expect(model.live.value.viewOnly).toBe(false);
    // The live session is shown until the earlier one is picked.
    expect(model.view.value).toBe(model.live.value);
    model.viewEarlier(kept.n);
    expect(model.view.value).toBe(first);
    expect(model.view.value.messages.get(3)?.name).toBe('add');
    // Commands never go to the page from an earlier session: a click only selects.
    const entry = first.timeline.toArray().find((e) => e.kind === 'step' && e.step === 1)!;
    model.activate(entry);
    expect(link.sent.filter((c) => c.type === 'jump')).toEqual([]);
    // Its actions replay into the live process of the same name.
    expect(model.replayTarget('p1')).toBe('p1');
    expect(model.replay('p1', 1, 3, 'instant')).toBe(true);
    const replay = link.sent.find((c) => c.type === 'replay');
    expect(replay).toMatchObject({ type: 'replay', pid: 'p1' });
    expect((replay as { messages: unknown[] }).messages).toHaveLength(3);
    model.viewEarlier(null);
    expect(model.view.value).toBe(model.live.value);
  });

  it('keeps at most MAX_EARLIER sessions and counts the ones let go of', () => {
    const { model } = setup(true);
    for (let i = 0; i < MAX_EARLIER + 3; i++) session(model, `s${i}`, 1);
    const list = model.earlier.list.value;
    expect(list).toHaveLength(MAX_EARLIER);
    expect(list.map((e) => e.store.info?.session)).toEqual(
      Array.from({ length: MAX_EARLIER }, (_, k) => `s${k + 2}`),
    );
    expect(model.earlier.letGo.value).toBe(2);
  });

  it('counts a kept session whole (timeline, messages, log), not its state history alone', () => {
    const { model } = setup(true);
    // Sessions of messages that change no state: their history holds nothing.
    const chatty = (id: string) => {
      model.handlers.session({ ...SESSION, session: id, url: `http://localhost:5173/?${id}` });
      const s = new Script();
      s.process('p1', 'log');
      for (let i = 0; i < 300; i++) s.message('p1', 'ping', { i }, []);
      model.handlers.events(s.take());
    };
    chatty('a');
    const one = model.live.value.bytes;
    expect(model.live.value.history.bytes).toBe(0);
    expect(one).toBeGreaterThan(300 * 500);
    model.memoryBudget.set(Math.floor(one * 1.5));
    chatty('b');
    chatty('c');
    expect(model.earlier.list.value.map((e) => e.store.info?.session)).toEqual(['b']);
    expect(model.earlier.letGo.value).toBe(1);
  });

  it('lets earlier sessions go when they would pass the memory budget', () => {
    const { model } = setup(true);
    model.memoryBudget.set(1); // one byte: only the newest earlier session is kept
    session(model, 'a', 5);
    session(model, 'b', 5);
    session(model, 'c', 5);
    expect(model.earlier.list.value.map((e) => e.store.info?.session)).toEqual(['b']);
    expect(model.earlier.letGo.value).toBe(1);
  });

  it('remembers the switch', () => {
    const storage = new MemoryStorage();
    setup(true, storage);
    expect(setup(false, storage).model.earlier.preserve.value).toBe(true);
  });

  it('the toolbar switch, the session picker and the banner', async () => {
    const { model } = setup(false);
    session(model, 'a', 2);
    render(<App model={model} />);
    const box = screen.getByTestId('preserve-log') as HTMLInputElement;
    expect(box.checked).toBe(false);
    await act(() => {
      fireEvent.click(box);
    });
    expect(model.earlier.preserve.value).toBe(true);
    expect(screen.queryByTestId('session-select')).toBeNull();
    await act(() => {
      session(model, 'b', 1);
    });
    const select = screen.getByTestId('session-select') as HTMLSelectElement;
    const options = [...select.options].map((o) => o.textContent);
    expect(options[0]).toBe('Live session');
    // 1 process + 1 step + 2 messages × (queued, started, step, done)
    expect(options[1]).toMatch(/^Earlier #1 \(until .*, 10 events\)$/);
    expect(screen.queryByTestId('earlier-banner')).toBeNull();
    await act(() => {
      fireEvent.change(select, { target: { value: select.options[1].value } });
    });
    expect(screen.getByTestId('earlier-banner').textContent).toMatch(
      /earlier session of this page.*\?a.*10 events · view only/,
    );
    await act(() => {
      fireEvent.click(screen.getByTestId('earlier-close'));
    });
    expect(screen.queryByTestId('earlier-banner')).toBeNull();
    expect(model.view.value).toBe(model.live.value);
  });
});
