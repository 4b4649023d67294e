// @vitest-environment happy-dom
import { cleanup, fireEvent, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { Timeline } from '../../extension/panel/components/Timeline';
import { createPanelModel } from '../../extension/panel/models/panel';
import { FakeLink, Script, SESSION } from './panel-fixtures';

afterEach(cleanup);

function bigSession(n: number) {
  const model = createPanelModel();
  const link = new FakeLink();
  model.attach(link);
  model.handlers.session(SESSION);
  const s = new Script();
  s.process('p1', 'counter');
  s.process('p2', 'view', { kind: 'liveview', caps: { jump: false, replay: false } });
  let count = 0;
  for (let i = 0; count < n; i++) {
    if (i % 2) {
      s.step('p1', { n: i }, { mutation: 'inc' });
    } else s.queued(i % 4 ? 'p1' : 'p2', `msg${i}`, { i });
    count++;
    if (s.events.length >= 5000) model.handlers.events(s.take());
  }
  model.handlers.events(s.take());
  return { model, link };
}

const rows = (c: ParentNode) => [...c.querySelectorAll<HTMLElement>('[data-testid="timeline-row"]')];

describe('Timeline', () => {
  it('renders only a window of rows for 100,000 entries and moves the window on scroll', () => {
    const { model } = bigSession(100_000);
    expect(model.live.value.timeline.length).toBe(100_000);
    const { container, getByTestId } = render(<Timeline model={model} />);
    const list = getByTestId('timeline');
    // It follows the newest entries: the last rows are rendered, the first are not.
    let r = rows(container);
    expect(r.length).toBeGreaterThan(10);
    expect(r.length).toBeLessThan(100);
    const lastSeq = model.live.value.timeline.at(99_999)!.seq;
    expect(r.some((x) => Number(x.dataset.seq) === lastSeq)).toBe(true);
    // Scroll to the top.
    list.scrollTop = 0;
    fireEvent.scroll(list);
    r = rows(container);
    expect(r.length).toBeLessThan(100);
    expect(r[0].dataset.seq).toBe(String(model.live.value.timeline.at(0)!.seq));
    // The middle.
    list.scrollTop = 50_000 * 20;
    fireEvent.scroll(list);
    r = rows(container);
    const idx = r.map((x) => model.live.value.timeline.bySequence(Number(x.dataset.seq))!.index);
    expect(Math.min(...idx)).toBeGreaterThan(49_900);
    expect(Math.max(...idx)).toBeLessThan(50_100);
    expect(r.length).toBeLessThan(100);
    // Total scroll height stands for all rows.
    expect((list.firstElementChild as HTMLElement).style.height).toBe(`${100_000 * 20}px`);
  });

  it('rows carry the attributes end-to-end tests use', () => {
    const { model } = bigSession(40);
    const { container } = render(<Timeline model={model} />);
    const step = rows(container).find((x) => x.dataset.kind === 'step')!;
    expect(step.dataset).toMatchObject({ pid: 'p1', kind: 'step', name: 'inc' });
    expect(step.dataset.step).toMatch(/^\d+$/);
    const msg = rows(container).find((x) => x.dataset.kind === 'message')!;
    expect(msg.dataset.step).toBeUndefined();
    expect(msg.dataset.name).toMatch(/^msg\d+$/);
  });

  it('clicking a step row selects it and sends the jump command', () => {
    const { model, link } = bigSession(40);
    const { container } = render(<Timeline model={model} />);
    const step = rows(container).find((x) => x.dataset.kind === 'step' && x.dataset.step === '5')!;
    fireEvent.click(step);
    const rec = model.live.value.history.get('p1', 5)!;
    expect(link.sent).toEqual([{ type: 'jump', pid: 'p1', step: 5, state: rec.state }]);
    expect(model.selected.value?.seq).toBe(Number(step.dataset.seq));
    expect(container.querySelector('.row.selected')?.getAttribute('data-seq')).toBe(step.dataset.seq);
  });

  it('filters by process, and moves the selection with the arrow keys', async () => {
    const { model, link } = bigSession(40);
    const { container, getByTestId } = render(<Timeline model={model} />);
    const settle = () => new Promise((r) => setTimeout(r, 0));
    model.filter.togglePid('p2');
    await settle();
    const r = rows(container);
    expect(r.length).toBe(10);
    expect(r.every((x) => x.dataset.pid === 'p2')).toBe(true);
    model.filter.clearPids();
    model.filter.toggleKind('message');
    model.filter.toggleKind('notice');
    await settle();
    expect(rows(container).every((x) => x.dataset.kind === 'step')).toBe(true);
    fireEvent.keyDown(getByTestId('timeline'), { key: 'ArrowDown' });
    expect(model.selected.value?.kind).toBe('step');
    const first = model.selected.value!.step!;
    fireEvent.keyDown(getByTestId('timeline'), { key: 'ArrowDown' });
    expect(model.selected.value!.step).toBe(first + 1);
    expect(link.sent.at(-1)).toMatchObject({ type: 'jump', step: first + 1 });
  });
});
