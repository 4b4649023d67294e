// @vitest-environment happy-dom
/**
 * The replay report: each replayed message paired with the recorded one it re-sent, the
 * state change of each compared at the paths either touched.
 */
import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { ReplayReport } from '../../extension/panel/components/ReplayReport';
import { createPanelModel } from '../../extension/panel/models/panel';
import { FakeLink, Script, SESSION } from './panel-fixtures';

/** A LiveView-like process (no jump: the server owns the state) with two recorded incs. */
function setup() {
  const model = createPanelModel();
  const link = new FakeLink();
  model.attach(link);
  model.handlers.session(SESSION);
  const s = new Script();
  s.process('lv', 'LiveView /counter', { kind: 'liveview', caps: { jump: false, replay: true } });
  s.step('lv', { rendered: { 0: '0', s: ['<b>', '</b>'] } });
  const incs = [1, 2].map((n) => {
    const mid = s.queued('lv', 'inc', { type: 'click', event: 'inc', value: {} }, { kind: 'event' });
    s.started(mid);
    s.step('lv', { rendered: { 0: String(n), s: ['<b>', '</b>'] } }, { mid, mutation: 'event:inc' });
    s.done(mid);
    return mid;
  });
  model.handlers.events(s.take());
  return { model, link, s, incs };
}

/** The server answering a replayed inc: the counter shows `n`; `from` marks a child message. */
function answer(s: Script, n: number, opts: { name?: string; error?: string } = {}) {
  const mid = s.queued('lv', opts.name ?? 'inc', { event: 'inc' }, { kind: 'event', replay: true });
  s.started(mid);
  if (!opts.error) s.step('lv', { rendered: { 0: String(n), s: ['<b>', '</b>'] } }, { mid });
  s.done(mid, opts.error ? { error: opts.error } : {});
}

describe('replay report', () => {
  it('says "same" when the new replies change the state as the recorded ones did', () => {
    const { model, s } = setup();
    expect(model.replay('lv', 1, 2, 'instant')).toBe(true);
    expect(model.replayReport.value!.map((p) => p.verdict)).toEqual(['pending', 'pending']);
    // Replayed after a reload of the server's state: it counts 1, 2 again. But the
    // present was 2, so a fresh counter is what makes the replies the same.
    s.step('lv', { rendered: { 0: '0', s: ['<b>', '</b>'] } });
    answer(s, 1);
    answer(s, 2);
    model.handlers.events(s.take());
    expect(model.replayReport.value!.map((p) => p.verdict)).toEqual(['same', 'same']);
  });

  it('keeps a verdict once reached: not redone per batch, not changed when the budget lets its states go', () => {
    const { model, s } = setup();
    model.replay('lv', 1, 2, 'instant');
    s.step('lv', { rendered: { 0: '0', s: ['<b>', '</b>'] } });
    answer(s, 1);
    answer(s, 2);
    model.handlers.events(s.take());
    const first = model.replayReport.value!;
    expect(first.map((p) => p.verdict)).toEqual(['same', 'same']);
    for (let n = 3; n < 60; n++) s.step('lv', { rendered: { 0: String(n), s: ['<b>', '</b>'] } });
    model.handlers.events(s.take());
    expect(model.replayReport.value![0]).toBe(first[0]);
    // A budget so small that the session lets go of the recorded steps and the replayed ones.
    model.live.value.setBudget(1);
    expect(model.live.value.history.get('lv', 1)?.state).toBeUndefined();
    expect(model.live.value.history.get('lv', 4)?.state).toBeUndefined();
    expect(model.replayReport.value!.map((p) => p.verdict)).toEqual(['same', 'same']);
  });

  it('names the paths where a reply differs, and a failed or renamed one', () => {
    const { model, s } = setup();
    model.replay('lv', 1, 2, 'instant');
    answer(s, 3); // onto the present: 2 → 3, recorded 0 → 1
    answer(s, 4, { error: 'LiveView crashed' });
    model.handlers.events(s.take());
    const [a, b] = model.replayReport.value!;
    expect(a).toMatchObject({ verdict: 'differs', paths: ['$.rendered["0"]'] });
    expect(b).toMatchObject({ verdict: 'differs', why: 'failed: LiveView crashed' });

    const view = render(<ReplayReport model={model} />);
    const report = view.getByTestId('replay-report');
    expect(report.dataset.differ).toBe('2');
    expect(report.textContent).toContain('$.rendered["0"]');
    expect(view.getAllByTestId('replay-pair').map((li) => li.dataset.verdict)).toEqual([
      'differs',
      'differs',
    ]);
  });

  it('ignores messages from before the run and child messages of replayed ones', () => {
    const { model, s } = setup();
    model.replay('lv', 2, 2, 'instant');
    const mid = s.queued('lv', 'inc', {}, { kind: 'event', replay: true });
    s.queued('lv', 'reply', {}, { kind: 'event', replay: true, from: mid });
    s.started(mid);
    s.step('lv', { rendered: { 0: '2', s: ['<b>', '</b>'] } }, { mid });
    s.done(mid);
    model.handlers.events(s.take());
    expect(model.replayReport.value).toEqual([
      expect.objectContaining({ name: 'inc', replayedMid: mid, verdict: 'same', paths: [] }),
    ]);
  });

  it('a reload forgets the run', () => {
    const { model } = setup();
    model.replay('lv', 1, 1, 'instant');
    model.handlers.session({ ...SESSION, session: 's2' });
    expect(model.replayReport.value).toBeNull();
  });
});
