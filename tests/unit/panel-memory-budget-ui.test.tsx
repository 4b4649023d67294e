// @vitest-environment happy-dom
/**
 * The panel's memory budget in the App: set in Settings, the events let go of counted in
 * the toolbar and in Settings, a refused jump said, and the timeline holding still while
 * its oldest entries go.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { ROW_HEIGHT, Timeline } from '../../extension/panel/components/Timeline';
import { MB } from '../../extension/panel/models/memory-budget';
import { createPanelModel, type PanelModel } from '../../extension/panel/models/panel';
import { FakeLink, Script, SESSION } from './panel-fixtures';

afterEach(cleanup);

const run = (fn: () => unknown) =>
  act(() => {
    fn();
  });

function session() {
  const model = createPanelModel();
  const link = new FakeLink();
  model.attach(link);
  model.handlers.status('connected');
  model.handlers.session(SESSION);
  const s = new Script();
  s.process('p1', 'board');
  return { model, link, s };
}

/** `n` messages, each with one step of a board of k tasks. */
function feed(model: PanelModel, s: Script, from: number, n: number) {
  for (let k = from; k < from + n; k++) {
    if (k === 0) s.step('p1', { tasks: [] });
    else s.message('p1', 'add', { k }, [{ tasks: Array.from({ length: k % 40 }, (_, i) => `task ${i}`) }]);
    if (k % 20 === 19) model.handlers.events(s.take());
  }
  model.handlers.events(s.take());
}

const rows = (c: ParentNode) => [...c.querySelectorAll<HTMLElement>('[data-testid="timeline-row"]')];

describe('memory budget in the panel', () => {
  it('is set in Settings; the events let go of are counted in the toolbar and in Settings', async () => {
    const { model, s } = session();
    feed(model, s, 0, 200);
    render(<App model={model} />);
    expect(screen.queryByTestId('let-go')).toBeNull();
    await run(() => fireEvent.click(screen.getByTestId('settings')));
    const input = screen.getByTestId('setting-memory-budget') as HTMLInputElement;
    expect(input.value).toBe('256');
    expect(screen.getByText('Panel memory budget (recorded session)')).toBeTruthy();
    expect(screen.queryByTestId('memory-let-go')).toBeNull();
    await run(() => fireEvent.change(input, { target: { value: String(32 / 1024) } }));
    expect(model.memoryBudget.value.value).toBe(32 * 1024);
    const letGo = model.live.value.letGo;
    expect(letGo).toBeGreaterThan(0);
    expect(screen.getByTestId('let-go').textContent).toBe(
      `${letGo.toLocaleString('en-US')} oldest events let go of (memory budget)`,
    );
    expect(screen.getByTestId('let-go').getAttribute('title')).toBe(
      `${letGo.toLocaleString('en-US')} oldest events let go of to stay within the panel's memory budget (Settings)`,
    );
    expect(screen.getByTestId('memory-let-go').textContent).toContain(
      `${letGo.toLocaleString('en-US')} oldest events let go of to stay within the panel's memory budget`,
    );
    expect(screen.getByTestId('memory-use').textContent).toMatch(
      /holding about \d+(\.\d)? KB \(state history \d+(\.\d)? KB\)/,
    );
    // The timeline says it once, where it happened.
    const notes = model.live.value.timeline.toArray().filter((e) => /memory budget/.test(e.name));
    expect(notes.map((e) => e.name)).toEqual([
      'the panel reached its 32 KB memory budget: the oldest events are being let go of (counted in the toolbar)',
    ]);
    // More events: the count goes on; raising the budget keeps it (what went does not come back).
    await run(() => feed(model, s, 200, 100));
    const more = model.live.value.letGo;
    expect(more).toBeGreaterThan(letGo);
    expect(screen.getByTestId('let-go').textContent).toContain(more.toLocaleString('en-US'));
    await run(() => fireEvent.change(input, { target: { value: '1' } }));
    expect(model.memoryBudget.value.value).toBe(MB);
    expect(screen.getByTestId('let-go').textContent).toContain(more.toLocaleString('en-US'));
  });

  it('a step let go of: jumping to it is refused with a visible hint', async () => {
    const { model, link, s } = session();
    feed(model, s, 0, 120);
    render(<App model={model} />);
    await run(() => model.memoryBudget.set(16 * 1024));
    const first = model.live.value.history.firstKept('p1')!.step;
    await run(() => model.jump('p1', 0));
    expect(link.sent).toEqual([]);
    expect(screen.getByTestId('hint').textContent).toContain(
      `step 0 of board: it was let go of to keep the panel within its 16 KB memory budget (Settings); the oldest step still held is ${first}`,
    );
  });

  it('scrolled up, the rows in view hold still while the oldest entries are let go of', async () => {
    const { model, s } = session();
    feed(model, s, 0, 300);
    const { container, getByTestId } = render(<Timeline model={model} />);
    const list = getByTestId('timeline');
    const tl = () => model.live.value.timeline;
    // Scroll to the middle of what is kept.
    const pos = Math.floor(tl().length / 2);
    await run(() => {
      list.scrollTop = pos * ROW_HEIGHT;
      fireEvent.scroll(list);
    });
    const topSeq = () => Math.min(...rows(container).map((r) => Number(r.dataset.seq)));
    const seqAt = (p: number) => tl().at(tl().first + p)!.seq;
    const before = topSeq();
    expect(before).toBeLessThanOrEqual(seqAt(pos));
    // Now the session lets go of its oldest part (about a quarter), and keeps recording.
    await run(() => model.memoryBudget.set(Math.floor(model.live.value.bytes * 0.75)));
    const gone = tl().first;
    expect(gone).toBeGreaterThan(20);
    expect(gone).toBeLessThan(pos - 20);
    await run(() => feed(model, s, 300, 10));
    // The same entries are in view: the scroll position moved up by the rows that left.
    expect(topSeq()).toBe(before);
    expect(list.scrollTop).toBe((pos - tl().first) * ROW_HEIGHT);
  });

  it('following, it shows the newest entries after the oldest were let go of', async () => {
    const { model, s } = session();
    feed(model, s, 0, 100);
    const { container } = render(<Timeline model={model} />);
    await run(() => model.memoryBudget.set(24 * 1024));
    await run(() => feed(model, s, 100, 200));
    const tl = model.live.value.timeline;
    expect(tl.first).toBeGreaterThan(0);
    const seqs = rows(container).map((r) => Number(r.dataset.seq));
    expect(seqs).toContain(tl.at(tl.end - 1)!.seq);
    expect(seqs.every((q) => q >= tl.at(tl.first)!.seq)).toBe(true);
  });
});
