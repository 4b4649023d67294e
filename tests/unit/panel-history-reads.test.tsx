// @vitest-environment happy-dom
/**
 * Steps' states are made on demand (history.ts), so the panel must read only the states it
 * shows: the whole UI streaming thousands of steps, with a step inspected, reads a handful
 * per redraw, never one per step.
 */
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { History } from '../../extension/panel/models/history';
import { createPanelModel } from '../../extension/panel/models/panel';
import { FakeLink, Script, SESSION } from './panel-fixtures';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const cart = (k: number) => ({
  items: Array.from({ length: 200 }, (_, i) => (i === k % 200 ? k : i)),
  total: k,
});

describe('panel reads of history states', () => {
  it('stay a handful per redraw while thousands of steps stream in', async () => {
    const model = createPanelModel();
    model.attach(new FakeLink());
    model.handlers.status('connected');
    model.handlers.session(SESSION);
    const s = new Script();
    s.process('p1', 'cart');
    for (let k = 0; k < 1000; k++) s.message('p1', 'add', { k }, [cart(k)]);
    model.handlers.events(s.take());
    render(<App model={model} />);
    // Inspect a step in the middle (the inspector shows its state and its diff).
    const entry = model.live.value.stepEntry('p1', 500)!;
    await act(() => {
      model.activate(entry);
    });
    expect(screen.getByTestId('inspector').textContent).toContain('step 500');
    const reads = vi.spyOn(History.prototype, 'stateOf');
    const batches = 20;
    for (let b = 0; b < batches; b++) {
      for (let k = 0; k < 100; k++) s.message('p1', 'add', { k }, [cart(1000 + b * 100 + k)]);
      await act(() => {
        model.handlers.events(s.take());
      });
    }
    expect(model.live.value.history.count('p1')).toBe(3000);
    // 2,000 steps arrived over 20 redraws: the inspected step, the one before it, the newest.
    expect(reads.mock.calls.length).toBeGreaterThan(0);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(batches * 5);
  });
});
