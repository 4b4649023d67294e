/**
 * The state history is bounded by a memory budget, not a step count: the estimate grows
 * with what each step adds, the oldest states go first once it passes the budget (counted,
 * shown, refused on jump), and every process keeps its latest state.
 */
import { describe, expect, it } from 'vitest';
import { History } from '../../extension/panel/models/history';
import { DEFAULT_HISTORY_BUDGET, MB } from '../../extension/panel/models/history-budget';
import {
  deltaStepBytes,
  jsonSize,
  RECORD_BYTES,
  SLOT_BYTES,
} from '../../extension/panel/models/history-cost';
import { createPanelModel, type PanelModel } from '../../extension/panel/models/panel';
import { importSession } from '../../extension/panel/models/transfer';
import { diff } from '../../runtime-hook/delta';
import type { Serialized, StepEvent } from '../../runtime-hook/protocol';
import { FakeLink, MemoryStorage, Script, SESSION } from './panel-fixtures';

// States built here, independently of the panel: what each step of each process must read.
const cartAt = (k: number): Serialized => ({
  items: Array.from({ length: k }, (_, i) => ({ id: i, text: `item ${i} ${'x'.repeat(40)}` })),
  total: k * 10,
});
const clockAt = (k: number): Serialized => ({ ticks: k, label: `tick ${k}` });
const STATE_OF: Record<string, (k: number) => Serialized> = { cart: cartAt, clock: clockAt };

function setup(budget?: number) {
  const storage = new MemoryStorage();
  const model = createPanelModel({ storage });
  if (budget !== undefined) model.historyBudget.set(budget);
  const link = new FakeLink();
  model.attach(link);
  model.handlers.status('connected');
  model.handlers.session(SESSION);
  const s = new Script();
  s.process('cart', 'cart');
  s.process('clock', 'clock');
  return { model, link, s, storage };
}

/** `n` rounds, each one cart step (a message with a commit) and one clock step. */
function feed(model: PanelModel, s: Script, from: number, n: number, onBatch?: () => void) {
  for (let k = from; k < from + n; k++) {
    if (k === 0) s.step('cart', cartAt(0));
    else s.message('cart', 'add', { id: k }, [cartAt(k)]);
    s.step('clock', clockAt(k), { mutation: 'tick' });
    if (k % 10 === 9) {
      model.handlers.events(s.take());
      onBatch?.();
    }
  }
  model.handlers.events(s.take());
  onBatch?.();
}

const steps = (model: PanelModel, pid: string, last: number) =>
  Array.from({ length: last + 1 }, (_, k) => model.live.value.history.get(pid, k)!);

describe('history memory estimate', () => {
  it('costs a delta step its delta and its record, a checkpoint the containers it copied, never the whole state', () => {
    const h = new History();
    const start = cartAt(1000) as { items: Serialized[]; total: number };
    const size = jsonSize(start);
    h.add({ type: 'step', seq: 1, t: 0, pid: 'p', step: 0, full: start, stats: { size } });
    expect(h.bytes).toBe(RECORD_BYTES + size);
    let state: Serialized = start;
    let deltas = 0;
    const N = 2000;
    for (let k = 1; k < N; k++) {
      const prev = state as typeof start;
      const items = prev.items.slice();
      items[(k * 37) % 1000] = { id: k, text: `edited ${k}` };
      state = { ...prev, items };
      const delta = diff(prev, state)!;
      deltas += deltaStepBytes(delta);
      h.add({ type: 'step', seq: k + 1, t: k, pid: 'p', step: k, delta, stats: { size } });
    }
    // Checkpoints were taken (the 1000-slot array copied now and then), each once its deltas
    // outweighed it, so together they cost at most what the deltas do.
    const checkpoints = h.bytes - (RECORD_BYTES + size) - deltas;
    expect(checkpoints).toBeGreaterThan(SLOT_BYTES * 1000);
    expect(checkpoints).toBeLessThanOrEqual(deltas);
    // Copying the state per step, as the history used to, would cost this much.
    expect(h.bytes * 10).toBeLessThan(N * SLOT_BYTES * 1000);
    expect(h.get('p', N - 1)!.state).toEqual(state);
  });

  it('charges the newest step a checkpoint when its state is read, once', () => {
    const h = new History({ ratio: Number.POSITIVE_INFINITY });
    const start = cartAt(100) as { items: Serialized[]; total: number };
    h.add({ type: 'step', seq: 1, t: 0, pid: 'p', step: 0, full: start, stats: { size: 1 } });
    h.add({ type: 'step', seq: 2, t: 1, pid: 'p', step: 1, delta: { total: [1000, 1] }, stats: { size: 1 } });
    h.add({
      type: 'step',
      seq: 3,
      t: 2,
      pid: 'p',
      step: 2,
      delta: { items: { _t: 'a', 100: [{ id: 100 }] } },
      stats: { size: 1 },
    });
    const before = h.bytes;
    const s = h.last('p')!.state;
    // The top object (2 keys) and the 101-slot array the deltas copied are now held for it.
    expect(h.bytes - before).toBe(SLOT_BYTES * (2 + 101));
    expect(h.last('p')!.state).toBe(s);
    expect(h.bytes - before).toBe(SLOT_BYTES * (2 + 101));
  });
});

describe('history memory budget', () => {
  const BUDGET = 64 * 1024;

  it('keeps the estimate within a small budget, releasing the oldest states first', () => {
    const { model, s } = setup(BUDGET);
    const live = () => model.live.value;
    let checked = 0;
    feed(model, s, 0, 300, () => {
      expect(live().history.bytes).toBeLessThanOrEqual(BUDGET);
      checked++;
    });
    expect(checked).toBeGreaterThan(20);
    const h = live().history;
    // It released only what it had to: the estimate sits near the budget, not far below.
    expect(h.bytes).toBeGreaterThan(BUDGET / 2);
    for (const pid of ['cart', 'clock']) {
      const recs = steps(model, pid, 299);
      const first = h.firstKept(pid)!;
      expect(first.step).toBeGreaterThan(0);
      // Released steps are a prefix of each process's history, still in the timeline.
      recs.forEach((r, k) => {
        expect(r.released ?? false).toBe(k < first.step);
        expect(live().timeline.stepEntry(pid, k)).toBeDefined();
        if (r.released) {
          expect(r.state).toBeUndefined();
          expect(r.broken).toMatch(/released .*memory budget/);
        } else expect(r.state).toEqual(STATE_OF[pid](k));
      });
      // The oldest kept step is a full state, and the latest reads correctly.
      expect(first.full).toBe(true);
      expect(h.last(pid)!.state).toEqual(STATE_OF[pid](299));
    }
    const released = steps(model, 'cart', 299).filter((r) => r.released).length;
    const releasedClock = steps(model, 'clock', 299).filter((r) => r.released).length;
    expect(releasedClock).toBeGreaterThan(0);
    expect(h.released).toBe(released + releasedClock);
    expect(model.historyUse.value).toEqual({ bytes: h.bytes, budget: BUDGET, released: h.released });
    // Said once in the timeline, not once per release.
    const notes = live().timeline.entries.filter((e) => e.kind === 'notice' && /memory budget/.test(e.name));
    expect(notes).toHaveLength(1);
  });

  it('refuses a jump to a released step with a clear message; kept steps still jump', () => {
    const { model, link, s } = setup(BUDGET);
    feed(model, s, 0, 200);
    const first = model.live.value.history.firstKept('cart')!.step;
    expect(model.jump('cart', 3)).toBe(false);
    expect(link.sent).toEqual([]);
    expect(model.hint.value?.level).toBe('warn');
    expect(model.hint.value?.text).toBe(
      `step 3 of cart: its state was released to keep the history within its 64 KB memory budget (Settings); the oldest step still held is ${first}`,
    );
    // Activating a released step's timeline entry is refused the same way, without throwing.
    const entry = model.live.value.timeline.stepEntry('cart', 1)!;
    expect(() => model.activate(entry)).not.toThrow();
    expect(link.sent).toEqual([]);
    expect(model.jump('cart', first)).toBe(true);
    expect(link.sent).toEqual([{ type: 'jump', pid: 'cart', step: first, state: cartAt(first) }]);
  });

  it('keeps each process its latest state even with a zero budget', () => {
    const { model, s } = setup(0);
    feed(model, s, 0, 50);
    const h = model.live.value.history;
    for (const pid of ['cart', 'clock']) {
      expect(h.firstKept(pid)!.step).toBe(49);
      expect(h.get(pid, 49)!.state).toEqual(STATE_OF[pid](49));
      expect(h.get(pid, 48)!.released).toBe(true);
    }
    expect(h.released).toBe(2 * 49);
  });

  it('lowering the budget releases at once; raising it keeps more from then on', () => {
    const { model, s } = setup();
    feed(model, s, 0, 200);
    const live = model.live.value;
    expect(live.history.released).toBe(0);
    expect(live.history.bytes).toBeGreaterThan(BUDGET);
    const v = live.version.value;
    model.historyBudget.set(BUDGET);
    expect(live.version.value).toBeGreaterThan(v);
    expect(live.history.bytes).toBeLessThanOrEqual(BUDGET);
    const released = live.history.released;
    expect(released).toBeGreaterThan(0);
    model.historyBudget.set(DEFAULT_HISTORY_BUDGET);
    feed(model, s, 200, 50);
    expect(live.history.released).toBe(released);
    expect(live.history.get('cart', 249)!.state).toEqual(cartAt(249));
  });

  it('exports a file that imports into the same kept states and says what was released', () => {
    const { model, s } = setup(BUDGET);
    feed(model, s, 0, 150);
    const live = model.live.value;
    const stepsInLog = live.raw.filter((e) => e.type === 'step');
    expect(stepsInLog).toHaveLength(2 * 150 - live.history.released);
    const res = importSession(model.exportText());
    expect(res.bad).toBe(0);
    const imp = res.store!;
    for (const pid of ['cart', 'clock']) {
      const first = live.history.firstKept(pid)!.step;
      for (let k = first; k < 150; k++) expect(imp.history.get(pid, k)!.state).toEqual(STATE_OF[pid](k));
      expect(imp.history.get(pid, first - 1)).toBeUndefined();
    }
    const note = imp.raw.find((e) => e.type === 'notice');
    expect(note && note.type === 'notice' && note.text).toBe(
      `${live.history.released} earlier steps' states were released by the panel to stay within its history memory budget`,
    );
  });

  it('continues across a page rebase and releases rebase bases like any step', () => {
    const { model, s } = setup(BUDGET);
    feed(model, s, 0, 20);
    // The page evicted steps 20–29 of the cart and sends a base at 30.
    model.handlers.events([
      {
        type: 'rebase',
        seq: ++s.seq,
        t: ++s.t,
        dropped: 10,
        processes: [],
        bases: [{ pid: 'cart', step: 30, full: cartAt(30), stats: { size: jsonSize(cartAt(30)) } }],
      },
    ]);
    // Then deltas from the base on, as the page sends them.
    const after: StepEvent[] = [];
    for (let k = 31; k < 200; k++) {
      const delta = diff(cartAt(k - 1), cartAt(k))!;
      after.push({ type: 'step', seq: ++s.seq, t: ++s.t, pid: 'cart', step: k, delta, stats: { size: 0 } });
    }
    model.handlers.events(after);
    const h = model.live.value.history;
    expect(h.bytes).toBeLessThanOrEqual(BUDGET);
    expect(h.get('cart', 30)!.released).toBe(true);
    expect(h.last('cart')!.state).toEqual(cartAt(199));
    const rebase = model.live.value.raw.find((e) => e.type === 'rebase');
    expect(rebase && rebase.type === 'rebase' && rebase.bases).toEqual([]);
  });

  it('with the default budget releases nothing for a modest stream', () => {
    const { model, s } = setup();
    expect(model.historyBudget.value.value).toBe(256 * MB);
    feed(model, s, 0, 500);
    const live = model.live.value;
    expect(live.history.released).toBe(0);
    expect(live.history.bytes).toBeGreaterThan(0);
    expect(live.raw.filter((e) => e.type === 'step')).toHaveLength(1000);
    for (let k = 0; k < 500; k += 50) expect(live.history.get('cart', k)!.state).toEqual(cartAt(k));
    expect(model.historyUse.value.released).toBe(0);
  });

  it('persists the budget like the thresholds, and a new session gets it', () => {
    const { model, storage } = setup(8 * MB);
    const again = createPanelModel({ storage });
    expect(again.historyBudget.value.value).toBe(8 * MB);
    storage.setItem('hindsight.historyBudget.v1', '"lots"');
    expect(createPanelModel({ storage }).historyBudget.value.value).toBe(DEFAULT_HISTORY_BUDGET);
    model.handlers.session({ ...SESSION, session: 's2' });
    expect(model.live.value.historyBudget).toBe(8 * MB);
  });
});
