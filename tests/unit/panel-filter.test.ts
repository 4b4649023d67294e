import { describe, expect, it } from 'vitest';
import { entryText, type FilterResult, filterAll } from '../../extension/panel/models/filter';
import { createPanelModel, type PanelModel } from '../../extension/panel/models/panel';
import type { EntryKind } from '../../extension/panel/models/timeline';
import { Script, SESSION } from './panel-fixtures';

const N = 100_000;

/** 100,000 timeline entries: 8 processes, messages with payloads, steps, some notices. */
function bigModel(): PanelModel {
  const model = createPanelModel();
  model.handlers.session(SESSION);
  const s = new Script();
  for (let p = 0; p < 8; p++) s.process(`p${p}`, `store${p}`);
  let entries = 0;
  let i = 0;
  while (entries < N) {
    const pid = `p${i % 8}`;
    if (i % 50 === 49) {
      s.notice(`notice ${i}`);
      entries++;
    } else if (i % 3 === 0) {
      s.step(pid, { i, tag: `t${i % 97}` }, { mutation: `set/${i % 13}` });
      entries++;
    } else {
      s.queued(pid, `action/${i % 11}`, { user: `user-${i % 1009}`, nested: { code: `c${i % 31}` } });
      entries++;
    }
    i++;
    // Deliver in batches like the link does.
    if (s.events.length >= 2000) model.handlers.events(s.take());
  }
  model.handlers.events(s.take());
  return model;
}

const toArray = (r: FilterResult): number[] => Array.from({ length: r.length }, (_, i) => r.at(i));

describe('timeline filter over 100,000 entries', () => {
  const model = bigModel();
  const store = model.live.value;
  const f = model.filter;
  const expected = (pids: string[], kinds: EntryKind[], search: string) =>
    filterAll(store, { pids: new Set(pids), kinds: new Set(kinds), search });
  const set = (pids: string[], kinds: EntryKind[], search: string) => {
    f.pids.value = new Set(pids);
    f.kinds.value = new Set(kinds);
    f.search.value = search;
    return f.result.value;
  };

  it('has the entries', () => {
    expect(store.timeline.length).toBe(N);
    expect(f.result.value.length).toBe(N);
  });

  it('filters by process and kind like a straightforward filter (speed: npm run bench)', () => {
    const cases: [string[], EntryKind[]][] = [
      [['p3'], ['message', 'step', 'notice']],
      [['p1', 'p6'], ['step']],
      [[], ['notice']],
      [
        ['p0', 'p2', 'p4'],
        ['message', 'notice'],
      ],
      [[], []],
    ];
    for (const [pids, kinds] of cases) {
      expect(toArray(set(pids, kinds, ''))).toEqual(expected(pids, kinds, ''));
    }
  });

  it('searches names and payloads', () => {
    set([], ['message', 'step', 'notice'], 'user-77'); // builds the search text cache
    for (const [pids, kinds, q] of [
      [[], ['message', 'step', 'notice'], 'user-1008'],
      [['p5'], ['message'], 'ACTION/3'],
      [[], ['message', 'step'], 'set/12'],
      [[], ['message', 'step', 'notice'], 'c30'],
      [['p1'], ['message', 'step', 'notice'], 'no such text'],
    ] as [string[], EntryKind[], string][]) {
      expect(toArray(set(pids, kinds, q))).toEqual(expected(pids, kinds, q));
    }
    // Payload matches really come from payloads (names don't contain user ids).
    expect(toArray(set([], ['message'], 'user-1008')).length).toBeGreaterThan(0);
    const e = store.timeline.at(f.result.value.at(0))!;
    expect(e.name).not.toContain('user-1008');
    expect(entryText(store, e)).toContain('user-1008');
  });

  it('narrowing a search and appending entries keep the index right', () => {
    expect(toArray(set([], ['message', 'step', 'notice'], 'user-1'))).toEqual(
      expected([], ['message', 'step', 'notice'], 'user-1'),
    );
    expect(toArray(set([], ['message', 'step', 'notice'], 'user-10'))).toEqual(
      expected([], ['message', 'step', 'notice'], 'user-10'),
    );
    const s = new Script();
    s.seq = 10_000_000;
    s.queued('p1', 'late', { user: 'user-10' });
    s.queued('p1', 'late', { user: 'user-2' });
    model.handlers.events(s.take());
    const got = toArray(f.result.value);
    expect(got).toEqual(expected([], ['message', 'step', 'notice'], 'user-10'));
    expect(store.timeline.at(got[got.length - 1])!.name).toBe('late');
    expect(f.result.value.positionOf(got[3])).toBe(3);
    expect(f.result.value.positionOf(1)).toBe(got.indexOf(1));
  });

  it('warm builds search texts in slices, and searches after it answer the same', () => {
    const fresh = bigModel();
    const fs = fresh.live.value;
    let calls = 0;
    let budget = 0;
    // Each call stops when its time is used up: here after a few slices of 500 entries.
    while (
      fresh.filter.warm(() => {
        budget = (budget + 1) % 4;
        return budget === 0 ? 0 : 10;
      })
    )
      calls++;
    expect(calls).toBeGreaterThan(10);
    expect(fs.timeline.toArray().every((e) => e.search !== undefined)).toBe(true);
    fresh.filter.search.value = 'user-1008';
    expect(toArray(fresh.filter.result.value)).toEqual(
      filterAll(fs, { pids: new Set(), kinds: new Set(['message', 'step', 'notice']), search: 'user-1008' }),
    );
    // Nothing is left to do until new entries arrive.
    expect(fresh.filter.warm(() => 10)).toBe(false);
  });
});
