import { describe, expect, it } from 'vitest';
import {
  depthFlag,
  durationFlag,
  FlagIndex,
  messageFlags,
  stepFlags,
  waitFlag,
} from '../../extension/panel/models/flags';
import type { StepRecord } from '../../extension/panel/models/history';
import type { MessageRow } from '../../extension/panel/models/messages';
import { createPanelModel } from '../../extension/panel/models/panel';
import { DEFAULT_THRESHOLDS as TH, ThresholdsModel } from '../../extension/panel/models/thresholds';
import type { StateStats } from '../../runtime-hook/protocol';
import { Script, SESSION } from './panel-fixtures';

const rec = (stats: StateStats, growStreak = 0): StepRecord => ({
  pid: 'p',
  step: 1,
  seq: 1,
  t: 0,
  state: {},
  stats,
  full: true,
  growStreak,
});

const msg = (m: Partial<MessageRow>): MessageRow => ({
  mid: 1,
  pid: 'p',
  name: 'm',
  kind: 'action',
  hasPayload: false,
  queuedAt: 1000,
  steps: [],
  seq: 1,
  depthAtQueue: 1,
  ...m,
});

const rules = (flags: { rule: string }[]) => flags.map((f) => f.rule);

describe('flags fire over their thresholds, not at or below them', () => {
  it('large top-level key', () => {
    expect(rules(stepFlags(rec({ size: 10, keys: { a: TH.keySize } }), TH))).toEqual([]);
    const f = stepFlags(rec({ size: 10, keys: { a: 5, items: TH.keySize + 1 } }), TH);
    expect(rules(f)).toEqual(['key-size']);
    expect(f[0]).toMatchObject({ kind: 'large-state', value: TH.keySize + 1, threshold: TH.keySize });
    expect(f[0].text).toContain('items');
  });

  it('large state', () => {
    expect(rules(stepFlags(rec({ size: TH.stateSize }), TH))).toEqual([]);
    expect(rules(stepFlags(rec({ size: TH.stateSize + 1 }), TH))).toEqual(['state-size']);
  });

  it('large diff (a step that reports the bytes that came in, as a LiveView diff does)', () => {
    const step = (bytes: unknown) => ({
      ...rec({ size: 10 }),
      mutation: { name: 'diff', payload: { bytes } },
    });
    expect(rules(stepFlags(step(TH.keySize) as StepRecord, TH))).toEqual([]);
    expect(rules(stepFlags(step('huge') as StepRecord, TH))).toEqual([]);
    const f = stepFlags(step(10 * 1024 * 1024) as StepRecord, TH);
    expect(rules(f)).toEqual(['diff-size']);
    expect(f[0].text).toBe('diff 10.0 MB > 100 KB');
  });

  it('long list', () => {
    expect(
      rules(stepFlags(rec({ size: 1, longestList: { path: '$.l', length: TH.listLength } }), TH)),
    ).toEqual([]);
    const f = stepFlags(rec({ size: 1, longestList: { path: '$.l', length: TH.listLength + 1 } }), TH);
    expect(rules(f)).toEqual(['list-length']);
    expect(f[0].text).toContain('$.l');
  });

  it('growth on every one of the last N steps', () => {
    expect(rules(stepFlags(rec({ size: 1 }, TH.growthSteps - 1), TH))).toEqual([]);
    expect(rules(stepFlags(rec({ size: 1 }, TH.growthSteps), TH))).toEqual(['growth']);
  });

  it('growth end to end: 20 growing steps fire, 19 do not, a shrink resets', () => {
    const s = new Script();
    s.process('p', 'store');
    // Step 0 then 19 growing steps: a streak of 19.
    for (let k = 0; k < 20; k++) s.step('p', { list: Array(k).fill(0) });
    const model = createPanelModel();
    model.handlers.session(SESSION);
    model.handlers.events(s.take());
    const growth = () => model.flagGroups.value.filter((g) => g.rule === 'growth');
    expect(growth()).toEqual([]);
    s.step('p', { list: Array(20).fill(0) });
    model.handlers.events(s.take());
    expect(growth()).toHaveLength(1);
    expect(growth()[0].count).toBe(1);
    s.step('p', { list: [] });
    s.step('p', { list: [1] });
    model.handlers.events(s.take());
    expect(growth()[0].count).toBe(1);
  });

  it('slow handler', () => {
    expect(durationFlag(msg({ startedAt: 1000, doneAt: 1000 + TH.slowMs }), TH)).toBeUndefined();
    expect(durationFlag(msg({ startedAt: 1000, doneAt: 1000 + TH.slowMs + 0.5 }), TH)?.kind).toBe(
      'slow-handler',
    );
    expect(durationFlag(msg({ startedAt: 1000 }), TH)).toBeUndefined();
  });

  it('backlog: depth and wait', () => {
    expect(depthFlag(msg({ depthAtQueue: TH.backlogDepth }), TH)).toBeUndefined();
    expect(depthFlag(msg({ depthAtQueue: TH.backlogDepth + 1 }), TH)?.kind).toBe('backlog');
    expect(waitFlag(msg({ startedAt: 1000 + TH.waitMs }), TH)).toBeUndefined();
    expect(waitFlag(msg({ startedAt: 1000 + TH.waitMs + 1 }), TH)?.rule).toBe('wait');
    expect(rules(messageFlags(msg({ depthAtQueue: 9, startedAt: 1500, doneAt: 1700 }), TH))).toEqual([
      'depth',
      'wait',
      'duration',
    ]);
  });
});

describe('flag index and thresholds', () => {
  it('groups per process and rule, and re-evaluates when a threshold changes', () => {
    const s = new Script();
    s.process('p', 'store');
    for (let i = 0; i < 7; i++) s.queued('p', `a${i}`); // depth reaches 6 and 7
    const model = createPanelModel();
    model.handlers.session(SESSION);
    model.handlers.events(s.take());
    const depth = () => model.flagGroups.value.find((g) => g.rule === 'depth');
    expect(depth()?.count).toBe(2);
    expect(depth()?.last.text).toBe('7 queued > 5');
    model.thresholds.set({ backlogDepth: 2 });
    expect(depth()?.count).toBe(5);
    model.thresholds.set({ backlogDepth: 7 });
    expect(depth()).toBeUndefined();
  });

  it('persists thresholds in storage and ignores junk', () => {
    const mem = new Map<string, string>();
    const storage = {
      getItem: (k: string) => mem.get(k) ?? null,
      setItem: (k: string, v: string) => void mem.set(k, v),
    };
    const a = new ThresholdsModel(storage);
    a.set({ slowMs: 42 });
    expect(new ThresholdsModel(storage).value.value.slowMs).toBe(42);
    mem.set('hindsight.thresholds.v1', JSON.stringify({ slowMs: 'x', waitMs: -3, listLength: 7 }));
    const c = new ThresholdsModel(storage).value.value;
    expect(c).toEqual({ ...TH, listLength: 7 });
    mem.set('hindsight.thresholds.v1', '{not json');
    expect(new ThresholdsModel(storage).value.value).toEqual(TH);
  });

  it('the incremental index equals a fresh one', () => {
    const s = new Script();
    s.process('p', 'store');
    const model = createPanelModel();
    model.handlers.session(SESSION);
    for (let b = 0; b < 10; b++) {
      for (let i = 0; i < 20; i++) {
        const mid = s.queued('p', 'x');
        s.started(mid, s.t + ((i * 37) % 300));
        s.done(mid, { t: s.t + ((i * 53) % 200) });
      }
      model.handlers.events(s.take());
      void model.flagGroups.value;
    }
    const fresh = new FlagIndex().update(model.live.value, model.thresholds.value.value);
    expect(model.flagGroups.value.map((g) => [g.rule, g.count, g.seq])).toEqual(
      fresh.map((g) => [g.rule, g.count, g.seq]),
    );
  });
});
