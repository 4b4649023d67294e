// @vitest-environment happy-dom
/** The history budget in the panel: set in Settings, released steps counted, a refused jump said. */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { MB } from '../../extension/panel/models/history-budget';
import { connectedModel, Script } from './panel-fixtures';

afterEach(cleanup);

const run = (fn: () => unknown) =>
  act(() => {
    fn();
  });

function app() {
  const { model, link } = connectedModel();
  const s = new Script();
  s.process('p1', 'board');
  for (let k = 0; k < 120; k++) s.step('p1', { tasks: Array.from({ length: k }, (_, i) => `task ${i}`) });
  model.handlers.events(s.take());
  render(<App model={model} />);
  return { model, link };
}

describe('history budget in the panel', () => {
  it('is set in Settings, and the released count is shown there', async () => {
    const { model } = app();
    await run(() => fireEvent.click(screen.getByTestId('settings')));
    const input = screen.getByTestId('setting-history-budget') as HTMLInputElement;
    expect(input.value).toBe('256');
    expect(screen.queryByTestId('history-released')).toBeNull();
    await run(() => fireEvent.change(input, { target: { value: String(16 / 1024) } }));
    expect(model.historyBudget.value.value).toBe(16 * 1024);
    const released = model.live.value.history.released;
    expect(released).toBeGreaterThan(0);
    expect(screen.getByTestId('history-released').textContent).toContain(
      `${released} oldest steps' states were released`,
    );
    expect(screen.getByTestId('history-use').textContent).toMatch(/holding about \d+(\.\d)? KB/);
    // Raising it again keeps the count: released states do not come back.
    await run(() => fireEvent.change(input, { target: { value: '1' } }));
    expect(model.historyBudget.value.value).toBe(MB);
    expect(screen.getByTestId('history-released').textContent).toContain(`${released} oldest`);
  });

  it('a released step stays in the timeline; jumping to it is refused with a visible hint', async () => {
    const { model, link } = app();
    await run(() => model.historyBudget.set(16 * 1024));
    const entry = model.live.value.timeline.stepEntry('p1', 0)!;
    expect(entry).toBeDefined();
    await run(() => model.activate(entry));
    expect(link.sent).toEqual([]);
    expect(screen.getByTestId('hint').textContent).toContain(
      'step 0 of board: its state was released to keep the history within its 16 KB memory budget',
    );
    // The inspector says why there is no state.
    expect(screen.getByTestId('inspector').textContent).toContain(
      'This step has no state: its state was released to keep the history within its memory budget',
    );
  });
});
