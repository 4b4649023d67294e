// @vitest-environment happy-dom
/**
 * The panel's Skip / Un-skip button (Inspector), skipped rows in the Timeline, and the store
 * ops menu (Toolbar): what they send, and how they follow the page's answer steps.
 */
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { createPanelModel } from '../../extension/panel/models/panel';
import { SKIP_MUTATION, STORE_OP_MUTATION, UNSKIP_MUTATION } from '../../runtime-hook/protocol';
import { connectedModel, FakeLink, Script, SESSION } from './panel-fixtures';

afterEach(cleanup);

const run = (fn: () => unknown) =>
  act(() => {
    fn();
  });

/** p1: a Redux-style store that can skip and has store ops; p2: a store that can do neither. */
function setup() {
  const { model, link } = connectedModel();
  const s = new Script();
  s.process('p1', 'counter', {
    caps: { jump: true, replay: true, toggle: true, ops: ['commit', 'reset', 'rollback', 'lock', 'unlock'] },
  });
  s.process('p2', 'plain');
  s.step('p1', { n: 0 });
  s.step('p2', { v: 0 });
  const inc = s.message('p1', 'inc', undefined, [{ n: 1 }]);
  const add = s.message('p1', 'add', { by: 10 }, [{ n: 11 }]);
  const other = s.message('p2', 'set', undefined, [{ v: 1 }]);
  model.handlers.events(s.take());
  render(<App model={model} />);
  /** Deliver what the script produced since, as the link would. */
  const deliver = () => run(() => model.handlers.events(s.take()));
  return { model, link, s, inc, add, other, deliver };
}

const messageRow = (name: string) =>
  screen
    .getAllByTestId('timeline-row')
    .find((r) => r.dataset.kind === 'message' && r.dataset.name === name) as HTMLElement;
const stepRowOf = (step: number) =>
  screen
    .getAllByTestId('timeline-row')
    .find(
      (r) => r.dataset.kind === 'step' && r.dataset.pid === 'p1' && r.dataset.step === String(step),
    ) as HTMLElement;

describe('Skip / Un-skip', () => {
  it('sends toggle for the selected message; the answer step strikes the row and flips the button', async () => {
    const { link, s, inc, deliver } = setup();
    await run(() => fireEvent.click(messageRow('inc')));
    const button = screen.getByTestId('skip-toggle');
    expect(button.textContent).toBe('Skip');
    expect(button.getAttribute('aria-pressed')).toBe('false');
    link.sent = [];
    await run(() => fireEvent.click(button));
    expect(link.sent).toEqual([{ type: 'toggle', pid: 'p1', mid: inc }]);
    // Nothing is marked until the page answers.
    expect(messageRow('inc').classList.contains('skipped')).toBe(false);

    s.step('p1', { n: 10 }, { mutation: SKIP_MUTATION, payload: { mid: inc, type: 'inc' } });
    await deliver();
    expect(messageRow('inc').classList.contains('skipped')).toBe(true);
    expect(messageRow('inc').textContent).toContain('(skipped)');
    // The step the skipped message caused is struck too; the other message is not.
    expect(stepRowOf(1).classList.contains('skipped')).toBe(true);
    expect(messageRow('add').classList.contains('skipped')).toBe(false);
    expect(screen.getByTestId('skip-toggle').textContent).toBe('Un-skip');
    expect(screen.getByTestId('skip-toggle').getAttribute('aria-pressed')).toBe('true');

    await run(() => fireEvent.click(screen.getByTestId('skip-toggle')));
    expect(link.sent.at(-1)).toEqual({ type: 'toggle', pid: 'p1', mid: inc });
    s.step('p1', { n: 11 }, { mutation: UNSKIP_MUTATION, payload: { mid: inc, type: 'inc' } });
    await deliver();
    expect(messageRow('inc').classList.contains('skipped')).toBe(false);
    expect(screen.getByTestId('skip-toggle').textContent).toBe('Skip');
  });

  it('no Skip button for a process that cannot skip', async () => {
    setup();
    await run(() => fireEvent.click(messageRow('set')));
    expect(screen.getByTestId('inspector').textContent).toContain('set');
    expect(screen.queryByTestId('skip-toggle')).toBeNull();
  });
});

describe('store ops menu', () => {
  it('shows for the focused store that offers ops; each item sends store-op; lock follows the answer step', async () => {
    const { link, s, deliver } = setup();
    // p1 is the only store with ops: the menu is about it even before anything is focused.
    const menu = () => screen.queryByTestId('store-ops');
    expect(menu()?.dataset.pid).toBe('p1');
    const items = () =>
      [...(menu()?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])].map((b) => b.dataset.testid);
    expect(items()).toEqual(['store-op-commit', 'store-op-rollback', 'store-op-reset', 'store-op-lock']);
    link.sent = [];
    await run(() => fireEvent.click(screen.getByTestId('store-op-commit')));
    await run(() => fireEvent.click(screen.getByTestId('store-op-lock')));
    expect(link.sent).toEqual([
      { type: 'store-op', pid: 'p1', op: 'commit' },
      { type: 'store-op', pid: 'p1', op: 'lock' },
    ]);
    s.step('p1', { n: 11 }, { mutation: STORE_OP_MUTATION.lock });
    await deliver();
    expect(items()).toEqual(['store-op-commit', 'store-op-rollback', 'store-op-reset', 'store-op-unlock']);
    expect(menu()?.querySelector('summary')?.textContent).toContain('locked');
    // Focusing a store without ops hides the menu.
    await run(() => fireEvent.click(messageRow('set')));
    expect(menu()).toBeNull();
  });

  it('the model refuses an op the process does not list, with a hint', () => {
    const model = createPanelModel();
    const link = new FakeLink();
    model.attach(link);
    model.handlers.session(SESSION);
    const s = new Script();
    s.process('p1', 'store', { caps: { jump: true, replay: true, ops: ['commit'] } });
    model.handlers.events(s.take());
    expect(model.storeOp('p1', 'reset')).toBe(false);
    expect(model.hint.value?.text).toContain('cannot reset');
    expect(model.storeOp('p1', 'commit')).toBe(true);
    expect(link.sent).toEqual([{ type: 'store-op', pid: 'p1', op: 'commit' }]);
  });
});
