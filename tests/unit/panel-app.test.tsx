// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../extension/panel/components/App';
import { ErrorBoundary } from '../../extension/panel/components/ErrorBoundary';
import { createPanelModel } from '../../extension/panel/models/panel';
import { IGNORED_HELD } from '../../extension/panel/sequencer';
import { connectedModel, Script, SESSION, statsOf } from './panel-fixtures';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function app() {
  const { model, link } = connectedModel();
  const s = new Script();
  s.process('p1', 'cart');
  s.process('p2', 'cart-row', { parent: 'p1', kind: 'component', caps: { jump: false, replay: false } });
  s.step('p1', { items: [], total: 0 });
  s.message('p1', 'add', { id: 1 }, [
    { items: [1], total: 0 },
    { items: [1], total: 10 },
  ]);
  s.message('p1', 'slow', { id: 2 }, [{ items: [1, 2], total: 20 }], { run: 250 });
  s.queued('p1', 'waiting', { id: 3 });
  model.handlers.events(s.take());
  const utils = render(<App model={model} />);
  return { model, link, s, ...utils };
}

const byTestId = (id: string) => screen.getAllByTestId(id);
/** Run a UI action (or model update) and let Preact flush. */
const run = (fn: () => unknown) =>
  act(() => {
    fn();
  });

describe('App', () => {
  it('renders the regions with their test ids', () => {
    const { container } = app();
    for (const id of [
      'toolbar',
      'timeline',
      'inspector',
      'mailbox',
      'flags',
      'search',
      'export',
      'import',
      'record-toggle',
      'settings',
    ]) {
      expect(byTestId(id).length).toBe(1);
    }
    expect(screen.getByTestId('link-status').textContent).toBe('connected');
    const rows = byTestId('process-row');
    expect(rows.map((r) => [r.dataset.pid, r.dataset.name])).toEqual([
      ['p1', 'cart'],
      ['p2', 'cart-row'],
    ]);
    expect(container.querySelectorAll('[data-testid="timeline-row"]').length).toBe(7);
    expect(screen.queryByTestId('drops')).toBeNull();
    expect(screen.queryByTestId('past-bar')).toBeNull();
  });

  it('says when a step of an incrementally captured store was a full walk, and why', async () => {
    const { model, s } = app();
    const state = { items: [1, 2, 3], total: 30 };
    s.step('p1', state, { stats: { ...statsOf(state), walk: 'the state changed outside a mutation' } });
    await run(() => model.handlers.events(s.take()));
    const steps = byTestId('timeline-row').filter(
      (r) => r.dataset.pid === 'p1' && r.dataset.step !== undefined,
    );
    await run(() => fireEvent.click(steps[steps.length - 1]));
    expect(screen.getByTestId('full-walk').textContent).toBe(
      'Captured by walking the whole state: the state changed outside a mutation',
    );
    // Other steps say nothing.
    await run(() => fireEvent.click(steps[0]));
    expect(screen.queryByTestId('full-walk')).toBeNull();
  });

  it('selecting a step shows its state and the recorded diff', async () => {
    const { model, link } = app();
    const row = byTestId('timeline-row').find((r) => r.dataset.step === '2')!;
    await run(() => fireEvent.click(row));
    expect(link.sent).toEqual([{ type: 'jump', pid: 'p1', step: 2, state: { items: [1], total: 10 } }]);
    const ins = screen.getByTestId('inspector');
    expect(ins.dataset.seq).toBe(row.dataset.seq);
    expect(screen.getByTestId('state-tree').textContent).toContain('total: 10');
    const diff = screen.getByTestId('diff-view');
    expect(diff.textContent).toContain('recorded delta');
    const lines = [...diff.querySelectorAll<HTMLElement>('.dl')];
    expect(lines.map((l) => l.dataset.op)).toEqual(['changed']);
    expect(lines[0].textContent).toContain('$.total');
    expect(lines[0].querySelector('.dl-old')?.textContent).toBe('0');
    expect(lines[0].querySelector('.dl-new')?.textContent).toBe('10');
    expect(lines[0].textContent).toContain('→');
    expect(model.selected.value?.step).toBe(2);
  });

  it('selecting a message shows its payload, mutations and a diff across its steps', async () => {
    const { link } = app();
    const row = byTestId('timeline-row').find(
      (r) => r.dataset.kind === 'message' && r.dataset.name === 'add',
    )!;
    await run(() => fireEvent.click(row));
    expect(link.sent.at(-1)).toMatchObject({ type: 'jump', step: 2 });
    expect(screen.getByTestId('payload-tree').textContent).toContain('id: 1');
    expect(byTestId('mutation').map((m) => m.textContent)).toEqual([
      'step 1: add/commit',
      'step 2: add/commit',
    ]);
    const diff = screen.getByTestId('diff-view');
    expect(diff.textContent).toContain('step 0 → 2');
    expect(diff.textContent).toContain('computed');
    expect([...diff.querySelectorAll<HTMLElement>('.dl')].map((l) => l.dataset.op).sort()).toEqual([
      'added',
      'changed',
    ]);
  });

  it('a process without jump says so and sends nothing', async () => {
    const { model, link, s } = app();
    s.step('p2', { html: '<li>' });
    await run(() => model.handlers.events(s.take()));
    const row = byTestId('timeline-row').find((r) => r.dataset.pid === 'p2')!;
    await run(() => fireEvent.click(row));
    expect(link.sent).toEqual([]);
    expect(screen.getByTestId('hint').textContent).toContain('this process cannot jump');
  });

  it('shows the past bar from travel events; Back to present sends present', async () => {
    const { model, link, s } = app();
    s.travel('p1', 1);
    await run(() => model.handlers.events(s.take()));
    const bar = screen.getByTestId('past-bar');
    expect(bar.textContent).toContain('Viewing the past');
    expect(bar.textContent).toContain('cart');
    expect(bar.textContent).toContain('step 1');
    await run(() => fireEvent.click(screen.getByTestId('present')));
    expect(link.sent).toEqual([{ type: 'present', pid: 'p1' }]);
    s.travel('p1', null);
    await run(() => model.handlers.events(s.take()));
    expect(screen.queryByTestId('past-bar')).toBeNull();
  });

  it('replay controls send a replay and show progress from replay events', async () => {
    const { model, link, s } = app();
    await run(() => fireEvent.input(screen.getByTestId('replay-from'), { target: { value: '1' } }));
    await run(() => fireEvent.input(screen.getByTestId('replay-to'), { target: { value: '3' } }));
    await run(() => fireEvent.change(screen.getByTestId('replay-speed'), { target: { value: '0.5' } }));
    await run(() => fireEvent.click(screen.getByTestId('replay-start')));
    expect(link.sent).toEqual([
      {
        type: 'replay',
        pid: 'p1',
        state: { items: [], total: 0 },
        messages: [
          { name: 'add', kind: 'action', payload: { id: 1 } },
          { name: 'slow', kind: 'action', payload: { id: 2 } },
        ],
        intervalMs: 1000,
      },
    ]);
    s.replay('p1', 'running', 0, 2);
    await run(() => model.handlers.events(s.take()));
    expect(screen.getByTestId('replay-progress').textContent).toBe('running 1/2');
    await run(() => fireEvent.click(screen.getByTestId('replay-stop')));
    expect(link.sent.at(-1)).toEqual({ type: 'replay-stop', pid: 'p1' });
    s.replay('p1', 'done', 2, 2);
    await run(() => model.handlers.events(s.take()));
    expect(screen.getByTestId('replay-progress').textContent).toBe('done 2/2');
  });

  it('lists flags; clicking one selects its entry; thresholds are adjustable', async () => {
    const { model } = app();
    const flags = byTestId('flag');
    expect(flags.map((f) => f.dataset.flag)).toEqual(['slow-handler']);
    expect(flags[0].textContent).toContain('> 100 ms');
    await run(() => fireEvent.click(flags[0]));
    expect(model.selected.value?.name).toBe('slow');
    // The timeline row carries a badge too.
    const row = byTestId('timeline-row').find((r) => r.dataset.name === 'slow')!;
    expect(row.querySelector('[data-flag="slow-handler"]')).not.toBeNull();
    await run(() => fireEvent.click(screen.getByTestId('settings')));
    const input = screen.getByTestId('threshold-slowMs') as HTMLInputElement;
    expect(input.value).toBe('100');
    await run(() => fireEvent.change(input, { target: { value: '300' } }));
    expect(model.thresholds.value.value.slowMs).toBe(300);
    expect(screen.queryAllByTestId('flag')).toEqual([]);
  });

  it('shows the mailbox of the focused process with live waits', async () => {
    const { model } = app();
    await run(() => fireEvent.click(byTestId('process-row')[0]));
    expect(model.filter.pids.value.has('p1')).toBe(true);
    const mb = screen.getByTestId('mailbox');
    expect(mb.textContent).toContain('1 waiting');
    expect(byTestId('mailbox-item').map((x) => x.textContent)).toEqual([expect.stringContaining('waiting')]);
    expect(mb.querySelector('svg.spark path')).not.toBeNull();
  });

  it('search box filters the timeline', async () => {
    app();
    await run(() => fireEvent.input(screen.getByTestId('search'), { target: { value: 'slow' } }));
    const names = byTestId('timeline-row').map((r) => r.dataset.name);
    expect(names).toEqual(['slow', 'slow/commit']);
  });

  it('shows drop counters and the reload note', async () => {
    const { model } = app();
    await run(() => {
      model.handlers.dropped({ where: 'content', reason: 'malformed', count: 3 });
    });
    expect(screen.getByTestId('drops').textContent).toBe('3 dropped (malformed)');
    // Events refused without loss are shown apart, not as drops.
    await run(() => {
      model.handlers.dropped({ where: 'panel', reason: IGNORED_HELD, count: 4 });
    });
    expect(screen.getByTestId('drops').textContent).toBe('3 dropped (malformed)');
    expect(screen.getByTestId('ignored').textContent).toBe('4 ignored');
    await run(() => model.handlers.session({ ...SESSION, session: 'other' }));
    expect(screen.getByTestId('reloaded').textContent).toContain('page reloaded');
    expect(screen.queryAllByTestId('timeline-row')).toEqual([]);
  });

  it('pause toggles recording through the link', async () => {
    const { link } = app();
    await run(() => fireEvent.click(screen.getByTestId('record-toggle')));
    expect(link.sent).toEqual([{ type: 'pause' }]);
  });

  it('exports through a Blob download and imports a file as a view-only session', async () => {
    const { model } = app();
    const created: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      created.push(b as Blob);
      return 'blob:x';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const clicks: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    await run(() => fireEvent.click(screen.getByTestId('export')));
    expect(created).toHaveLength(1);
    expect(clicks[0]).toMatch(/^hindsight-localhost_5173-.*\.json$/);
    const text = await created[0].text();
    const file = JSON.parse(text);
    file.events.push({ type: 'bogus' }, { seq: -1 });
    const input = screen.getByTestId('import') as HTMLInputElement;
    const f = new File([JSON.stringify(file)], 'saved.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [f], configurable: true });
    await act(async () => {
      fireEvent.change(input);
      await new Promise((r) => setTimeout(r, 20));
    });
    expect(model.view.value.viewOnly).toBe(true);
    expect(screen.getByTestId('import-banner').textContent).toContain('saved.json');
    expect(screen.getByTestId('import-bad').textContent).toContain('2 invalid');
    expect(byTestId('timeline-row').length).toBe(7);
    await run(() => fireEvent.click(screen.getByTestId('import-close')));
    expect(model.view.value.viewOnly).toBe(false);
  });
});

describe('ErrorBoundary', () => {
  it('shows a visible message when a part fails, keeps the rest, and can retry', async () => {
    let fail = true;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const Bomb = () => {
      if (fail) throw new Error('bad value from the page');
      return <span>recovered</span>;
    };
    render(
      <div>
        <ErrorBoundary name="Inspector">
          <Bomb />
        </ErrorBoundary>
        <span data-testid="sibling">still here</span>
      </div>,
    );
    const b = screen.getByTestId('error-boundary');
    expect(b.textContent).toContain('Inspector could not be shown');
    expect(b.textContent).toContain('bad value from the page');
    expect(screen.getByTestId('sibling').textContent).toBe('still here');
    fail = false;
    await run(() => fireEvent.click(screen.getByText('Retry')));
    expect(screen.queryByTestId('error-boundary')).toBeNull();
    expect(screen.getByText('recovered')).toBeTruthy();
  });

  it('a throwing component inside the app does not take the panel down', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const model = createPanelModel();
    model.handlers.session(SESSION);
    // A session whose inspection throws (as if a model bug met odd data).
    Object.defineProperty(model, 'inspection', {
      value: {
        get value() {
          throw new Error('boom');
        },
      },
    });
    render(<App model={model} />);
    expect(screen.getByTestId('error-boundary').textContent).toContain('Inspector could not be shown');
    expect(screen.getByTestId('toolbar')).toBeTruthy();
    expect(screen.getByTestId('timeline')).toBeTruthy();
  });
});
