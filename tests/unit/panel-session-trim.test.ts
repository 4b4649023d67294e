/**
 * The session's memory budget, as a property: a panel fed a random stream (several
 * processes, messages with payloads and steps, some left waiting for a while, snapshots,
 * notices, budget changes, random batches) with a small budget, next to the same stream
 * fed to a session with no budget (the reference):
 * - after every batch its estimate is within the budget, and equals what its models hold;
 * - what it keeps is the newest part, intact: its timeline is the reference's suffix, its
 *   messages are the reference's (plus messages still waiting), every step recorded since
 *   the oldest kept event is kept with the reference's state;
 * - it counts exactly what it let go of (held + let go of = applied);
 * - a filter kept across trims equals the straightforward filter, positions included, and
 *   a selection stays on its entry until that entry is let go of;
 * - an export imports into the same kept states, with nothing odd.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterAll } from '../../extension/panel/models/filter';
import { createPanelModel } from '../../extension/panel/models/panel';
import { SessionStore } from '../../extension/panel/models/session';
import { ENTRY_KINDS, type Entry, type EntryKind } from '../../extension/panel/models/timeline';
import { importSession } from '../../extension/panel/models/transfer';
import type { HookEvent, Serialized } from '../../runtime-hook/protocol';
import { applyEdit, type Edit, editArb, stateArb } from './history-arbitraries';
import { Script, SESSION } from './panel-fixtures';

const PIDS = ['p0', 'p1', 'p2'];
/**
 * States are kept under this many characters of JSON, and at most 3 messages wait: what a
 * trim may not let go of (each process's latest state, messages still waiting) then stays
 * well under the smallest budget tried, so the budget can always be met. (A budget smaller
 * than that is the zero-budget test's, in panel-memory-budget.test.ts.)
 */
const MAX_STATE = 400;

type Op =
  | { kind: 'msg'; pid: number; name: string; pad: number; edits: Edit[]; wait: boolean; error: boolean }
  | { kind: 'finish' }
  | { kind: 'step'; pid: number; edit: Edit }
  | { kind: 'full'; pid: number; state: Serialized }
  | { kind: 'notice'; text: string }
  | { kind: 'batch' }
  | { kind: 'budget'; kb: number }
  | { kind: 'filter'; pids: boolean[]; kinds: boolean[]; search: string }
  | { kind: 'select'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('msg' as const),
      pid: fc.nat(PIDS.length - 1),
      name: fc.constantFrom('add', 'remove', 'rename', 'tick'),
      pad: fc.nat(600),
      edits: fc.array(editArb, { maxLength: 3 }),
      wait: fc.boolean(),
      error: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'finish' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('step' as const), pid: fc.nat(PIDS.length - 1), edit: editArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('full' as const),
      pid: fc.nat(PIDS.length - 1),
      state: stateArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('notice' as const),
      text: fc.constantFrom('hello', 'add?', 'x'),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'batch' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('budget' as const), kb: fc.integer({ min: 24, max: 64 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('filter' as const),
      pids: fc.array(fc.boolean(), { minLength: PIDS.length, maxLength: PIDS.length }),
      kinds: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      search: fc.constantFrom('', '', 'a', 'add', 'tick', 'x', 'p1'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('select' as const), pick: fc.nat() }) },
);

/** What an entry shows (its absolute index differs: the panel's has its budget notice). */
const shown = (e: Entry) => [
  e.seq,
  e.t,
  e.pid,
  e.kind,
  e.name,
  e.step ?? null,
  e.mid ?? null,
  e.level ?? null,
];
const isBudgetNote = (e: Entry) => e.kind === 'notice' && e.name.startsWith('the panel reached its');

/** A message row as the reference holds it (`bytes` is each model's own bookkeeping). */
const rowOf = (m: object) => ({ ...m, bytes: 0 });

function run(startKb: number, ops: Op[]): void {
  const model = createPanelModel();
  let budget = startKb * 1024;
  model.memoryBudget.set(budget);
  model.handlers.session(SESSION);
  const panel = () => model.live.value;
  const ref = new SessionStore(SESSION);
  ref.setBudget(Number.POSITIVE_INFINITY);
  const s = new Script();
  for (const pid of PIDS) s.process(pid, `store ${pid}`);
  const states = new Map<string, Serialized>();
  const pending: number[] = [];
  let applied = 0;
  let selected: Entry | undefined;

  const deliver = () => {
    const events: HookEvent[] = s.take();
    if (!events.length) return;
    applied += events.length;
    model.handlers.events(events);
    ref.apply(events);
    // Within the budget once the batch is in (reading a state later may make a checkpoint
    // of the newest step, charged then and trimmed at the next event).
    expect(panel().bytes).toBeLessThanOrEqual(budget);
    check();
  };

  const check = () => {
    const live = panel();
    expect(live.letGo + live.eventCount).toBe(applied);
    // The kept timeline is the reference's suffix.
    const kept = live.timeline
      .toArray()
      .filter((e) => !isBudgetNote(e))
      .map(shown);
    const all = ref.timeline.toArray().map(shown);
    expect(kept).toEqual(all.slice(all.length - kept.length));
    const oldest = live.timeline.at(live.timeline.first)?.seq ?? Number.POSITIVE_INFINITY;
    if (live.letGo === 0) expect(kept.length).toBe(all.length);
    // Messages: the reference's, from the oldest kept entry on, and those still waiting.
    for (const m of ref.messages.byMid.values()) {
      const mine = live.messages.get(m.mid);
      if (m.seq >= oldest || m.doneAt === undefined) expect(mine && rowOf(mine)).toEqual(rowOf(m));
      else if (mine) expect(rowOf(mine)).toEqual(rowOf(m));
    }
    for (const m of live.messages.byMid.values()) expect(ref.messages.get(m.mid)).toBeDefined();
    // Steps: every one since the oldest kept entry is kept, with the reference's state.
    for (const pid of PIDS) {
      const last = ref.history.last(pid);
      if (!last) continue;
      const first = live.history.firstKept(pid)!;
      expect(live.history.last(pid)!.step).toBe(last.step);
      for (let k = first.step; k <= last.step; k++) {
        const want = ref.history.get(pid, k);
        const got = live.history.get(pid, k);
        expect(got === undefined).toBe(want === undefined);
        if (want && got) {
          expect(got.state).toEqual(want.state);
          expect(got.broken).toBe(want.broken);
        }
      }
      const before = ref.history.get(pid, first.step - 1);
      if (before) expect(before.seq).toBeLessThan(oldest);
    }
    // The filter, kept across trims, is the straightforward one.
    const res = model.filter.result.value;
    const want = filterAll(live, {
      pids: model.filter.pids.value,
      kinds: model.filter.kinds.value,
      search: model.filter.search.value,
    });
    expect(Array.from({ length: res.length }, (_, i) => res.at(i))).toEqual(want);
    if (want.length) {
      const p = want.length >> 1;
      expect(res.positionOf(want[p])).toBe(p);
    }
    expect(res.positionOf(live.timeline.first - 1)).toBe(-1);
    // The selection stays on its entry while it is kept, and is gone once it is not.
    if (selected) {
      const still = live.timeline.at(selected.index) === selected;
      expect(model.selected.value).toBe(still ? selected : null);
      if (still && want.includes(selected.index))
        expect(res.positionOf(selected.index)).toBe(want.indexOf(selected.index));
    }
  };

  const stateOf = (pid: string) => states.get(pid) ?? null;
  const edited = (pid: string, e: Edit): Serialized => {
    const next = applyEdit(stateOf(pid), e);
    return JSON.stringify(next).length <= MAX_STATE ? next : { reset: s.seq };
  };
  for (const op of ops) {
    switch (op.kind) {
      case 'msg': {
        const pid = PIDS[op.pid];
        const mid = s.queued(pid, op.name, { pad: 'x'.repeat(op.pad) });
        s.started(mid);
        for (const e of op.edits) {
          const next = edited(pid, e);
          states.set(pid, next);
          s.step(pid, next, { mid, mutation: `${op.name}/commit` });
        }
        // A few wait to be done later: long-lived messages the trims must keep.
        if (op.wait && pending.length < 3) pending.push(mid);
        else s.done(mid, op.error ? { error: 'boom' } : {});
        break;
      }
      case 'finish': {
        const mid = pending.shift();
        if (mid !== undefined) s.done(mid);
        break;
      }
      case 'step': {
        const pid = PIDS[op.pid];
        const next = edited(pid, op.edit);
        states.set(pid, next);
        s.step(pid, next, { mutation: 'set' });
        break;
      }
      case 'full': {
        const state = JSON.stringify(op.state).length <= MAX_STATE ? op.state : { reset: s.seq };
        states.set(PIDS[op.pid], state);
        s.step(PIDS[op.pid], state, { full: true });
        break;
      }
      case 'notice':
        s.notice(op.text);
        break;
      case 'batch':
        deliver();
        break;
      case 'budget':
        deliver();
        budget = op.kb * 1024;
        model.memoryBudget.set(budget);
        panel().setBudget(budget);
        expect(panel().bytes).toBeLessThanOrEqual(budget);
        check();
        break;
      case 'filter':
        model.filter.pids.value = new Set(PIDS.filter((_, i) => op.pids[i]));
        model.filter.kinds.value = new Set(
          ENTRY_KINDS.filter((_, i) => op.kinds[i] || i === 1) as EntryKind[],
        );
        model.filter.search.value = op.search;
        check();
        break;
      case 'select': {
        const tl = panel().timeline;
        if (!tl.length) break;
        const e = tl.at(tl.first + (op.pick % tl.length))!;
        selected = tl.bySequence(e.seq);
        model.select(e.seq);
        check();
        break;
      }
    }
  }
  deliver();
  // An export imports into the kept states, with nothing odd.
  const live = panel();
  const res = importSession(model.exportText());
  expect(res.bad).toBe(0);
  const imp = res.store!;
  expect(imp.oddCount()).toBe(0);
  for (const pid of PIDS) {
    const first = live.history.firstKept(pid);
    const last = live.history.last(pid);
    if (!first || !last) continue;
    for (let k = first.step; k <= last.step; k++) {
      const rec = live.history.get(pid, k);
      if (rec?.state !== undefined) expect(imp.history.get(pid, k)?.state).toEqual(rec.state);
    }
  }
  for (const m of live.messages.byMid.values()) expect(imp.messages.get(m.mid)?.name).toBe(m.name);
}

describe('a session within its memory budget', () => {
  it('keeps the newest part intact, within budget, counted, filters and selection correct', () => {
    fc.assert(
      fc.property(fc.integer({ min: 24, max: 48 }), fc.array(opArb, { minLength: 50, maxLength: 400 }), run),
      { numRuns: 150, endOnFailure: true },
    );
    // A few seconds of streams; a loaded machine may take longer (no timing is asserted).
  }, 120_000);
});
