/**
 * The whole session is bounded by the panel's memory budget: every model keeps a running
 * estimate, and past the budget the oldest part of the session is let go of (counted,
 * shown, said in an export, refused on jump) while each process keeps its latest step, its
 * oldest kept step keeps its state, and messages still waiting stay.
 */
import { describe, expect, it } from 'vitest';
import { filterAll } from '../../extension/panel/models/filter';
import { History } from '../../extension/panel/models/history';
import {
  CONTAINER_BYTES,
  deltaStepBytes,
  fullStateBytes,
  jsonSize,
  recordBytes,
  SLOT_BYTES,
  valueBytes,
} from '../../extension/panel/models/history-cost';
import { DEFAULT_MEMORY_BUDGET, MB } from '../../extension/panel/models/memory-budget';
import { createPanelModel, type PanelModel } from '../../extension/panel/models/panel';
import { type SessionStore, TRIM_MIN } from '../../extension/panel/models/session';
import {
  ENTRY_BYTES,
  eventBytes,
  FACT_BYTES,
  ROW_STEP_BYTES,
  rowBytes,
} from '../../extension/panel/models/session-cost';
import { ENTRY_KINDS } from '../../extension/panel/models/timeline';
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
  if (budget !== undefined) model.memoryBudget.set(budget);
  const link = new FakeLink();
  model.attach(link);
  model.handlers.status('connected');
  model.handlers.session(SESSION);
  const s = new Script();
  s.process('cart', 'cart');
  s.process('clock', 'clock');
  return { model, link, s, storage };
}

/** `n` rounds, each one cart message (queued, started, a commit, done) and one clock step. */
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

/** The session's estimate, recomputed from what it holds (the running sums must match it). */
function recount(store: SessionStore): number {
  const dead = store.timeline.deadSlots + store.flagFacts.deadSlots + logOf(store).deadSlots;
  let n = store.history.bytes + store.flagFacts.length * FACT_BYTES + SLOT_BYTES * dead;
  for (const e of store.timeline.toArray())
    n += ENTRY_BYTES + (e.search === undefined ? 0 : 16 + 8 * Math.ceil(e.search.length / 8));
  for (const m of store.messages.byMid.values())
    n += rowBytes(m.name, m.payload) + Math.max(0, m.steps.length - 1) * ROW_STEP_BYTES;
  return n;
}

describe('history memory estimate', () => {
  it('costs a delta step its delta and its record, a checkpoint the containers it copied, never the whole state', () => {
    const h = new History();
    const start = cartAt(1000) as { items: Serialized[]; total: number };
    const size = jsonSize(start);
    h.add({ type: 'step', seq: 1, t: 0, pid: 'p', step: 0, full: start, stats: { size } });
    expect(h.bytes).toBe(recordBytes({ size }) + fullStateBytes(size));
    let state: Serialized = start;
    let deltas = 0;
    const N = 2000;
    for (let k = 1; k < N; k++) {
      const prev = state as typeof start;
      const items = prev.items.slice();
      items[(k * 37) % 1000] = { id: k, text: `edited ${k}` };
      state = { ...prev, items };
      const delta = diff(prev, state)!;
      deltas += deltaStepBytes(delta, { size });
      h.add({ type: 'step', seq: k + 1, t: k, pid: 'p', step: k, delta, stats: { size } });
    }
    // Checkpoints were taken (the 1000-slot array copied now and then), each once its deltas
    // outweighed it, so together they cost at most what the deltas do.
    const checkpoints = h.bytes - (recordBytes({ size }) + fullStateBytes(size)) - deltas;
    expect(checkpoints).toBeGreaterThan(SLOT_BYTES * 1000);
    expect(checkpoints).toBeLessThanOrEqual(deltas);
    // Copying the state per step, as the history used to, would cost far more.
    expect(h.bytes * 5).toBeLessThan(N * SLOT_BYTES * 1000);
    expect(h.get('p', N - 1)!.state).toEqual(state);
  });

  it('estimates a parsed value by its text, its containers, its slots and its array indices', () => {
    // Measured heap of these parsed (node, 64-bit): 32, 344 and 441 bytes.
    expect(valueBytes({ i: 1 })).toBe(7 + 32);
    const delta = { count: [1, 2], last: { i: [0, 1], title: ['item 0', 'item 1'], done: [true, false] } };
    expect(valueBytes(delta)).toBe(JSON.stringify(delta).length + 2 * 32 + 4 * 40 + 7 * 8);
    const listDelta = { items: { _t: 'a', 7919: { n: [0, 1] } } };
    expect(valueBytes(listDelta)).toBe(JSON.stringify(listDelta).length + 3 * 32 + 40 + 2 * 8 + 160 + 64);
    // Digits in a value or a named key are no index.
    expect(valueBytes({ a: '12', b12: 'x' })).toBe(JSON.stringify({ a: '12', b12: 'x' }).length + 32 + 8);
    expect(valueBytes(undefined)).toBe(0);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(valueBytes(cyclic)).toBe(0);
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
    expect(h.bytes - before).toBe(SLOT_BYTES * (2 + 101) + CONTAINER_BYTES * 2);
    expect(h.last('p')!.state).toBe(s);
    expect(h.bytes - before).toBe(SLOT_BYTES * (2 + 101) + CONTAINER_BYTES * 2);
  });
});

describe('session memory budget', () => {
  const BUDGET = 96 * 1024;

  it('sums every model, and keeps the running sums honest as the front moves', () => {
    const { model, s } = setup(BUDGET);
    feed(model, s, 0, 400, () => {
      const live = model.live.value;
      expect(live.bytes).toBe(recount(live) + logBytes(live));
    });
    expect(model.live.value.letGo).toBeGreaterThan(0);
  });

  it('stays within a small budget after every batch, letting go of the oldest events first', () => {
    const { model, s } = setup(BUDGET);
    const live = () => model.live.value;
    let checked = 0;
    const notes = new Map<number, string>();
    feed(model, s, 0, 300, () => {
      expect(live().bytes).toBeLessThanOrEqual(BUDGET);
      checked++;
      for (const e of live().timeline.toArray())
        if (e.kind === 'notice' && /memory budget/.test(e.name)) notes.set(e.index, e.name);
    });
    expect(checked).toBeGreaterThan(20);
    const store = live();
    // It let go of only what it had to: the estimate sits near the budget, not far below.
    expect(store.bytes).toBeGreaterThan(BUDGET / 2);
    // Counted exactly: every applied event is held or let go of.
    expect(store.letGo + store.eventCount).toBe(s.seq);
    expect(model.memoryUse.value).toEqual({
      bytes: store.bytes,
      budget: BUDGET,
      history: store.history.bytes,
      letGo: store.letGo,
    });
    const h = store.history;
    for (const pid of ['cart', 'clock']) {
      const first = h.firstKept(pid)!;
      expect(first.step).toBeGreaterThan(0);
      expect(first.full).toBe(true);
      for (let k = 0; k < 300; k++) {
        const rec = h.get(pid, k);
        // Steps let go of are a prefix of each process's history, gone from the timeline.
        expect(rec === undefined).toBe(k < first.step);
        if (rec) {
          expect(rec.state).toEqual(STATE_OF[pid](k));
          expect(store.stepEntry(pid, k)?.step).toBe(k);
        } else expect(store.stepEntry(pid, k)).toBeUndefined();
      }
      expect(model.live.value.processes.get(pid)!.steps).toBe(300);
    }
    // The timeline starts later and holds what is newest, in order.
    const tl = store.timeline;
    expect(tl.first).toBeGreaterThan(0);
    expect(tl.at(tl.first - 1)).toBeUndefined();
    expect(tl.at(tl.end - 1)!.seq).toBe(s.seq);
    // Done messages whose events went are gone with them.
    const oldest = tl.at(tl.first)!.seq;
    for (const m of store.messages.byMid.values()) expect(m.seq).toBeGreaterThanOrEqual(oldest);
    expect(store.messages.get(1)).toBeUndefined();
    // Said once in the timeline (where it happened: it goes with its part of the session
    // later), not once per trim; nothing odd.
    expect([...notes.values()]).toEqual([
      'the panel reached its 96 KB memory budget: the oldest events are being let go of (counted in the toolbar)',
    ]);
    expect(store.oddCount()).toBe(0);
  });

  it('refuses a jump to a step let go of with a clear message; kept steps still jump', () => {
    const { model, link, s } = setup(BUDGET);
    feed(model, s, 0, 200);
    const first = model.live.value.history.firstKept('cart')!.step;
    expect(first).toBeGreaterThan(3);
    expect(model.jump('cart', 3)).toBe(false);
    expect(link.sent).toEqual([]);
    expect(model.hint.value?.level).toBe('warn');
    expect(model.hint.value?.text).toBe(
      `step 3 of cart: it was let go of to keep the panel within its 96 KB memory budget (Settings); the oldest step still held is ${first}`,
    );
    expect(model.jump('cart', first)).toBe(true);
    expect(link.sent).toEqual([{ type: 'jump', pid: 'cart', step: first, state: cartAt(first) }]);
  });

  it('keeps each process its latest state even with a zero budget, and nothing else', () => {
    const { model, s } = setup(0);
    feed(model, s, 0, 50);
    const store = model.live.value;
    // Streaming, it trims once per chunk of new events, not per event.
    expect(store.bytes).toBeLessThanOrEqual(
      TRIM_MIN + 2 * (valueBytes(cartAt(49)) + valueBytes(clockAt(49))) + 4 * 1024,
    );
    // Set again (the same value: straight to the session), it trims at once.
    store.setBudget(0);
    const h = store.history;
    for (const pid of ['cart', 'clock']) {
      expect(h.firstKept(pid)!.step).toBe(49);
      expect(h.get(pid, 49)!.state).toEqual(STATE_OF[pid](49));
      expect(h.get(pid, 48)).toBeUndefined();
    }
    expect(h.released).toBe(2 * 49);
    expect(store.messages.size).toBe(0);
    // The two latest steps' events stay aside (an export needs them); the rest is let go of.
    expect(store.eventCount).toBe(2);
    expect(store.letGo).toBe(s.seq - 2);
    expect(store.bytes).toBeGreaterThan(0);
    // Processes are never forgotten.
    expect(store.processes.list().map((p) => p.name)).toEqual(['cart', 'clock']);
  });

  it('keeps a message still waiting (and its events) across trims, then lets it go once done', () => {
    const { model, s } = setup(BUDGET);
    feed(model, s, 0, 5);
    const waiting = s.queued('cart', 'slow', { big: 'x'.repeat(100) });
    model.handlers.events(s.take());
    feed(model, s, 5, 300);
    const store = model.live.value;
    expect(store.letGo).toBeGreaterThan(0);
    expect(store.timeline.first).toBeGreaterThan(0);
    const m = store.messages.get(waiting)!;
    expect(m.name).toBe('slow');
    expect(store.processes.get('cart')!.waiting.has(waiting)).toBe(true);
    // Its events are in an export, before the kept ones.
    expect(store.raw.some((e) => e.type === 'queued' && e.mid === waiting)).toBe(true);
    s.started(waiting);
    s.done(waiting);
    model.handlers.events(s.take());
    expect(m.doneAt).toBeDefined();
    expect(store.oddCount()).toBe(0);
    feed(model, s, 305, 300);
    expect(store.messages.get(waiting)).toBeUndefined();
    expect(store.raw.some((e) => 'mid' in e && e.mid === waiting)).toBe(false);
    expect(store.oddCount()).toBe(0);
  });

  it('lowering the budget lets go at once; raising it keeps more from then on', () => {
    const { model, s } = setup();
    feed(model, s, 0, 200);
    const live = model.live.value;
    expect(live.letGo).toBe(0);
    expect(live.bytes).toBeGreaterThan(BUDGET);
    const v = live.version.value;
    model.memoryBudget.set(BUDGET);
    expect(live.version.value).toBeGreaterThan(v);
    expect(live.bytes).toBeLessThanOrEqual(BUDGET);
    const letGo = live.letGo;
    expect(letGo).toBeGreaterThan(0);
    model.memoryBudget.set(DEFAULT_MEMORY_BUDGET);
    feed(model, s, 200, 50);
    expect(live.letGo).toBe(letGo);
    expect(live.history.get('cart', 249)!.state).toEqual(cartAt(249));
  });

  it('exports a file that imports into the same kept states and says how much was let go of', () => {
    const { model, s } = setup(BUDGET);
    feed(model, s, 0, 150);
    const live = model.live.value;
    expect(live.letGo).toBeGreaterThan(0);
    const res = importSession(model.exportText());
    expect(res.bad).toBe(0);
    const imp = res.store!;
    for (const pid of ['cart', 'clock']) {
      const first = live.history.firstKept(pid)!.step;
      for (let k = first; k < 150; k++) expect(imp.history.get(pid, k)!.state).toEqual(STATE_OF[pid](k));
      expect(imp.history.get(pid, first - 1)).toBeUndefined();
    }
    expect(imp.processes.list().map((p) => [p.pid, p.name, p.known])).toEqual([
      ['cart', 'cart', true],
      ['clock', 'clock', true],
    ]);
    expect(imp.oddCount()).toBe(0);
    expect(imp.pageDropped).toBe(0);
    const note = imp.raw.find((e) => e.type === 'notice');
    expect(note && note.type === 'notice' && note.text).toBe(
      `${live.letGo.toLocaleString('en-US')} earlier events were let go of by the panel to stay within its 96 KB memory budget`,
    );
    // The kept timeline is the live one's (the notice aside).
    const rows = (st: SessionStore) =>
      st.timeline
        .toArray()
        .filter((e) => e.kind !== 'notice')
        .map((e) => [e.seq, e.kind, e.pid, e.name, e.step ?? null]);
    expect(rows(imp)).toEqual(rows(live).filter(([seq]) => (seq as number) >= (rows(imp)[0][0] as number)));
    expect(rows(imp).length).toBeGreaterThan(0.8 * rows(live).length);
  });

  it('continues across a page rebase and lets go of rebase bases like any step', () => {
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
      after.push({
        type: 'step',
        seq: ++s.seq,
        t: ++s.t,
        pid: 'cart',
        step: k,
        delta,
        stats: { size: jsonSize(cartAt(k)) },
      });
    }
    model.handlers.events(after);
    const store = model.live.value;
    expect(store.bytes).toBeLessThanOrEqual(BUDGET);
    expect(store.history.get('cart', 30)).toBeUndefined();
    expect(store.history.last('cart')!.state).toEqual(cartAt(199));
    expect(store.raw.some((e) => e.type === 'rebase')).toBe(false);
    expect(store.pageDropped).toBe(10);
  });

  it('with the default budget lets go of nothing for a modest stream', () => {
    const { model, s } = setup();
    expect(model.memoryBudget.value.value).toBe(256 * MB);
    feed(model, s, 0, 500);
    const live = model.live.value;
    expect(live.letGo).toBe(0);
    expect(live.bytes).toBeGreaterThan(0);
    expect(live.raw).toHaveLength(s.seq);
    expect(live.raw.filter((e) => e.type === 'step')).toHaveLength(1000);
    for (let k = 0; k < 500; k += 50) expect(live.history.get('cart', k)!.state).toEqual(cartAt(k));
    expect(model.memoryUse.value.letGo).toBe(0);
  });

  it('persists the budget (under the key the history budget had), and a new session gets it', () => {
    const { model, storage } = setup(8 * MB);
    expect(storage.map.get('hindsight.historyBudget.v1')).toBe(String(8 * MB));
    const again = createPanelModel({ storage });
    expect(again.memoryBudget.value.value).toBe(8 * MB);
    storage.setItem('hindsight.historyBudget.v1', '"lots"');
    expect(createPanelModel({ storage }).memoryBudget.value.value).toBe(DEFAULT_MEMORY_BUDGET);
    model.handlers.session({ ...SESSION, session: 's2' });
    expect(model.live.value.memoryBudget).toBe(8 * MB);
  });

  it('caches search texts only while the budget has room; a search is right either way', () => {
    const { model, s } = setup(BUDGET);
    // Many small messages: entries, not states, fill the budget.
    for (let k = 0; k < 2000; k++) {
      s.message('clock', k % 2 ? 'add' : 'tick', { n: k, note: `message number ${k}` }, [clockAt(k)]);
      if (k % 100 === 99) model.handlers.events(s.take());
    }
    const live = model.live.value;
    expect(live.letGo).toBeGreaterThan(0);
    // Idle time: warm until it says it is done (or has no room).
    let rounds = 0;
    while (model.filter.warm(() => 100)) rounds++;
    expect(rounds).toBeLessThan(10);
    expect(live.bytes).toBeLessThanOrEqual(BUDGET);
    const entries = live.timeline.toArray();
    const cached = entries.filter((e) => e.search !== undefined).length;
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThan(entries.length);
    model.filter.search.value = 'add';
    const res = model.filter.result.value;
    const want = filterAll(live, { pids: new Set(), kinds: new Set(ENTRY_KINDS), search: 'add' });
    expect(want.length).toBeGreaterThan(0);
    expect(Array.from({ length: res.length }, (_, i) => res.at(i))).toEqual(want);
    expect(live.bytes).toBeLessThanOrEqual(BUDGET);
    // With more room (a bigger budget), the rest get cached.
    model.memoryBudget.set(DEFAULT_MEMORY_BUDGET);
    while (model.filter.warm(() => 100));
    expect(live.timeline.toArray().every((e) => e.search !== undefined)).toBe(true);
  });

  it('an imported file is kept within the budget as it is applied', () => {
    const { model, s } = setup();
    feed(model, s, 0, 200);
    const text = model.exportText();
    model.memoryBudget.set(BUDGET);
    expect(model.importText(text, 'big.json')).toBe(true);
    const imp = model.imported.value!.store;
    expect(imp.bytes).toBeLessThanOrEqual(BUDGET);
    expect(imp.letGo).toBeGreaterThan(0);
    expect(imp.history.last('cart')!.state).toEqual(cartAt(199));
  });
});

/** The log's share: each held event's own object (set-aside ones included). */
function logBytes(store: SessionStore): number {
  let n = 0;
  for (const ev of heldEvents(store)) n += eventBytes(ev);
  return n;
}

interface LogInside {
  aside: { ev: never }[];
  at(i: number): never;
  first: number;
  end: number;
  deadSlots: number;
}
const logOf = (store: SessionStore) => (store as unknown as { log: LogInside }).log;

/** The events the session holds (an export's, without what it synthesizes). */
function heldEvents(store: SessionStore) {
  const log = logOf(store);
  const out = log.aside.map((a) => a.ev);
  for (let i = log.first; i < log.end; i++) out.push(log.at(i));
  return out;
}
