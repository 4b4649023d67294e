/**
 * State history per process, with memory that grows with the changes, not with steps ×
 * state size. Every step keeps its delta; only some steps hold their state whole
 * (checkpoints: full states, rebase bases, and one every so many deltas, see `checkpoint`),
 * and consecutive checkpoints share every subtree the deltas between them did not reach.
 * Any other step's state is made when asked for: from the nearest state at hand before it,
 * the deltas in between are applied in place to one private copy (state-cursor.ts), so a
 * big array is copied once per request, not once per step. The states asked for lately
 * are kept (`recent`): the inspector, the diff view and the timeline read the same and
 * neighbouring steps again and again, and get the same objects back.
 *
 * Adding a step patches the newest state in place the same way (a cursor that copies a
 * container the first time a delta reaches it after a checkpoint), so it costs the delta,
 * not the state: that is also where a delta that does not fit is found, marking the step
 * (and those after it, until a full state) broken.
 *
 * A state handed out is never written to again: the cursors only write to containers
 * they copied after their last `freeze`, and everything handed out is frozen first.
 *
 * What the kept steps hold is estimated as they arrive (history-cost.ts). When the session
 * passes its memory budget it lets go of its oldest part (session.ts), steps included:
 * `forgetThrough` drops their records and states, never a process's latest step, and keeps
 * the oldest kept step's state at hand (a third cursor, advanced one delta per step let go
 * of), so every kept step can still be made.
 */
import type { Delta, Serialized, StateStats, StepEvent } from '../../../runtime-hook/protocol';
import { checkpointBytes, deltaStepBytes, fullStateBytes, recordBytes, SLOT_BYTES } from './history-cost';
import { StateCursor } from './state-cursor';

export interface StepRecord {
  pid: string;
  step: number;
  seq: number;
  t: number;
  /**
   * The state after this step; undefined when the step is broken. Made on demand: read it
   * for the steps you show, never for every step.
   */
  readonly state: Serialized | undefined;
  stats: StateStats;
  /** The delta as recorded (relative to step - 1), for the diff view. */
  delta?: Delta;
  /** Arrived as a full state (or a rebase base, or is the oldest kept step): starts a delta chain. */
  full: boolean;
  /** Why this step has no state (a delta that did not apply, or a broken chain). */
  broken?: string;
  mid?: number;
  mutation?: { name: string; payload?: Serialized };
  /** How many consecutive steps up to this one each grew the state (stats.size). */
  growStreak: number;
  /** Estimated bytes this step holds (history-cost.ts); set by History, 0 once let go of. */
  bytes?: number;
  /** Let go of for the memory budget (`broken` says so to whoever still holds the record). */
  released?: boolean;
  /** Where the session's event log holds the event this record came from. */
  logIndex?: number;
  /** Its timeline entry's index (timeline.ts), set by the session. */
  entry?: number;
}

/** Why a step let go of has no state, as the inspector and jump say it. */
export const RELEASED_REASON = 'it was let go of to keep the panel within its memory budget';

export interface Forgotten {
  /** Steps let go of (records and states). */
  count: number;
  /** Steps that now start their process's kept history (charged as full states; their state is kept at hand). */
  bases: StepRecord[];
}

export interface HistoryOptions {
  /** At most this many deltas between checkpoints: bounds the work of making a state. */
  maxChain?: number;
  /**
   * A checkpoint is taken once the deltas since the last one cost this many times what it
   * would (history-cost.ts): checkpoints then add at most 1/ratio to the history's memory.
   */
  ratio?: number;
  /** How many states made on demand are kept for the next read (the newest always is). */
  recent?: number;
  /** At most this many bytes of containers copied for them (history-cost.ts units), the newest aside. */
  recentBytes?: number;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

class Step implements StepRecord {
  delta?: Delta;
  broken?: string;
  mid?: number;
  mutation?: { name: string; payload?: Serialized };
  bytes = 0;
  released?: boolean;
  logIndex?: number;
  entry?: number;
  /** The state, when this step holds it whole (a checkpoint); otherwise made on demand. */
  own: Serialized | undefined = undefined;
  readonly #history: History;

  constructor(
    history: History,
    readonly pid: string,
    public step: number,
    public seq: number,
    public t: number,
    public stats: StateStats,
    public full: boolean,
    public growStreak: number,
  ) {
    this.#history = history;
  }

  get state(): Serialized | undefined {
    return this.#history.stateOf(this);
  }
}

/** One process's steps, and the cursors that keep adding and letting go cheap. */
class Track {
  readonly steps = new Map<number, Step>();
  /** Steps ever recorded (a step recorded again by a rebase counts once). */
  recorded = 0;
  newest: Step | undefined;
  /** The steps not let go of, in step order, from `head` on. */
  kept: Step[] = [];
  head = 0;
  /** `curAt`'s state (the newest step's), patched in place as deltas arrive. */
  cur: StateCursor | undefined;
  curAt: Step | undefined;
  /** Cost and count of the deltas applied to `cur` since its last checkpoint. */
  pendingBytes = 0;
  pendingSteps = 0;
  /** `baseAt`'s state (the oldest kept step's), advanced in place as older steps are let go of. */
  base: StateCursor | undefined;
  baseAt: Step | undefined;
}

export class History {
  private tracks = new Map<string, Track>();
  private heldBytes = 0;
  /** Slots of the kept lists let go of, not compacted away yet. */
  private deadSlots = 0;
  private releasedSteps = 0;
  /**
   * States made on demand lately, least recently read first, with the bytes of the
   * containers copied for each (not in the budget: a bounded cache, not history).
   */
  private recent = new Map<Step, { state: Serialized; bytes: number }>();
  private recentHeld = 0;
  private readonly maxChain: number;
  private readonly ratio: number;
  private readonly recentMax: number;
  private readonly recentMaxBytes: number;

  constructor(opts: HistoryOptions = {}) {
    this.maxChain = opts.maxChain ?? 8192;
    // Deltas and checkpoints are both charged their heap (history-cost.ts): checkpoints
    // then cost at most a third of the deltas, and a state made on demand still takes
    // under a millisecond (tests/bench/history.bench-run.ts: p95 0.9 ms over 100,000 steps).
    this.ratio = opts.ratio ?? 3;
    this.recentMax = opts.recent ?? 16;
    this.recentMaxBytes = opts.recentBytes ?? 32 * 1024 * 1024;
  }

  /** Estimated bytes the kept steps hold (and the kept lists' dead slots). */
  get bytes(): number {
    return this.heldBytes + SLOT_BYTES * this.deadSlots;
  }

  /** Of `bytes`, the kept lists' dead slots (the rest is what each kept step is charged). */
  get listBytes(): number {
    return SLOT_BYTES * this.deadSlots;
  }

  /** Steps let go of for the memory budget (records and states). */
  get released(): number {
    return this.releasedSteps;
  }

  /** The oldest step of `pid` that still has its record's state kept. */
  firstKept(pid: string): StepRecord | undefined {
    const tr = this.tracks.get(pid);
    return tr?.kept[tr.head];
  }

  get(pid: string, step: number): StepRecord | undefined {
    return this.tracks.get(pid)?.steps.get(step);
  }

  /** The most recently recorded step of `pid`. */
  last(pid: string): StepRecord | undefined {
    return this.tracks.get(pid)?.newest;
  }

  /** Steps recorded for `pid`, those let go of included. */
  count(pid: string): number {
    return this.tracks.get(pid)?.recorded ?? 0;
  }

  /** Record a `step` event. Never throws: a delta that does not fit marks the step broken. */
  add(ev: StepEvent): StepRecord {
    const tr = this.track(ev.pid);
    const prev = tr.steps.get(ev.step - 1);
    const full = ev.full !== undefined;
    const grow = prev && ev.stats.size > prev.stats.size ? prev.growStreak + 1 : 0;
    const rec = new Step(this, ev.pid, ev.step, ev.seq, ev.t, ev.stats, full, grow);
    if (ev.delta !== undefined) rec.delta = ev.delta;
    if (ev.mid !== undefined) rec.mid = ev.mid;
    if (ev.mutation) rec.mutation = ev.mutation;
    if (ev.full !== undefined) {
      rec.bytes = recordBytes(ev.stats, ev.mutation) + fullStateBytes(ev.stats.size);
      this.startChain(tr, rec, ev.full);
    } else {
      rec.bytes = deltaStepBytes(ev.delta, ev.stats, ev.mutation);
      const broken = this.advance(tr, prev, rec);
      if (broken) rec.broken = broken;
    }
    this.put(tr, rec);
    if (tr.curAt === rec && this.due(tr)) this.checkpoint(tr, rec);
    return rec;
  }

  /** A full base state from a `rebase`: the delta chain continues from here. */
  base(pid: string, step: number, full: Serialized, stats: StateStats, seq: number, t: number): StepRecord {
    const tr = this.track(pid);
    const old = tr.steps.get(step);
    const rec = old
      ? new Step(this, pid, step, old.seq, old.t, stats, true, old.growStreak)
      : new Step(this, pid, step, seq, t, stats, true, 0);
    if (old?.delta !== undefined) rec.delta = old.delta;
    if (old?.mid !== undefined) rec.mid = old.mid;
    if (old?.mutation) rec.mutation = old.mutation;
    if (old?.logIndex !== undefined) rec.logIndex = old.logIndex;
    if (old?.entry !== undefined) rec.entry = old.entry;
    rec.bytes = recordBytes(stats, rec.mutation) + fullStateBytes(stats.size);
    this.startChain(tr, rec, full);
    this.put(tr, rec);
    return rec;
  }

  /**
   * Let go of every step recorded at seq ≤ `seq`, record and state, except each process's
   * latest: per process in step order, from its oldest kept step. Each process's new oldest
   * kept step becomes a full state: its state stays at hand (the base cursor), so every
   * kept step can still be made. O(processes + steps let go of).
   */
  forgetThrough(seq: number): Forgotten {
    let count = 0;
    const bases = new Set<StepRecord>();
    for (const tr of this.tracks.values()) {
      while (tr.kept.length - tr.head >= 2 && tr.kept[tr.head].seq <= seq) {
        const rec = tr.kept[tr.head];
        // Cleared now, not at the next compaction: nothing may hold what was let go of.
        (tr.kept as (Step | undefined)[])[tr.head++] = undefined;
        this.deadSlots++;
        const next = tr.kept[tr.head];
        this.advanceBase(tr, rec, next);
        this.release(tr, rec);
        if (tr.steps.get(rec.step) === rec) tr.steps.delete(rec.step);
        count++;
        bases.delete(rec);
        if (this.rebaseOnto(next)) bases.add(next);
      }
      // Drop the let-go prefix of the list now and then (amortized O(1) per step).
      if (tr.head > 16 && tr.head * 2 > tr.kept.length) {
        tr.kept = tr.kept.slice(tr.head);
        this.deadSlots -= tr.head;
        tr.head = 0;
      }
    }
    return { count, bases: [...bases] };
  }

  /**
   * `rec`'s state (what `StepRecord.state` reads; read that instead): held, at a cursor,
   * made lately, or made now from the nearest state at hand before it and the deltas since.
   */
  stateOf(rec: Step): Serialized | undefined {
    if (rec.broken !== undefined) return undefined;
    const held = this.atHand(rec);
    if (held !== undefined) return held;
    const tr = this.track(rec.pid);
    const deltas: (Delta | undefined)[] = [rec.delta];
    let from: Serialized | undefined;
    for (let s = rec.step - 1; from === undefined; s--) {
      const r = tr.steps.get(s);
      // Not reached: a step with a state follows one with a state, down to a held one.
      if (!r || r.broken !== undefined) return undefined;
      from = this.atHand(r);
      if (from === undefined) deltas.push(r.delta);
    }
    const c = new StateCursor(from);
    try {
      for (let i = deltas.length - 1; i >= 0; i--) c.apply(deltas[i]);
    } catch {
      return undefined; // Not reached either: each of these deltas applied when it arrived.
    }
    this.remember(rec, c);
    return c.state;
  }

  /** Keep a state just made for the next reads, within the cache's bounds (oldest out first). */
  private remember(rec: Step, c: StateCursor): void {
    const bytes = checkpointBytes(c);
    this.recent.set(rec, { state: c.freeze(), bytes });
    this.recentHeld += bytes;
    for (const old of this.recent.keys()) {
      if (this.recent.size <= this.recentMax && this.recentHeld <= this.recentMaxBytes) break;
      // The newest stays even when it alone is over: its reader is about to use it.
      if (old === rec) break;
      this.forget(old);
    }
  }

  private forget(rec: Step): void {
    const r = this.recent.get(rec);
    if (!r) return;
    this.recent.delete(rec);
    this.recentHeld -= r.bytes;
  }

  /** `rec`'s state if it is at hand without patching; a cursor there is frozen to hand it out. */
  private atHand(rec: Step): Serialized | undefined {
    if (rec.own !== undefined) return rec.own;
    const tr = this.track(rec.pid);
    if (tr.curAt === rec) return this.checkpoint(tr, rec);
    // The oldest kept step is charged as a full state already.
    if (tr.baseAt === rec && tr.base) {
      rec.own = tr.base.freeze();
      return rec.own;
    }
    const r = this.recent.get(rec);
    if (r) {
      this.recent.delete(rec);
      this.recent.set(rec, r);
    }
    return r?.state;
  }

  private track(pid: string): Track {
    let tr = this.tracks.get(pid);
    if (!tr) {
      tr = new Track();
      this.tracks.set(pid, tr);
    }
    return tr;
  }

  private startChain(tr: Track, rec: Step, state: Serialized): void {
    rec.own = state;
    tr.cur = new StateCursor(state);
    tr.curAt = rec;
    tr.pendingBytes = 0;
    tr.pendingSteps = 0;
  }

  /** Patch the newest state with `rec`'s delta, in place; says why not when it cannot. */
  private advance(tr: Track, prev: Step | undefined, rec: Step): string | undefined {
    if (!prev) return `no state for step ${rec.step - 1} to apply this delta to`;
    const broken = `step ${prev.step} is broken; waiting for a full state`;
    if (prev.broken !== undefined) return broken;
    let cur = tr.curAt === prev ? tr.cur : undefined;
    if (!cur) {
      // `prev` is not the step the cursor is at (steps arrived out of order): start from it,
      // and hold the result, as nothing nearer would.
      const s = prev.state;
      if (s === undefined) return broken;
      cur = new StateCursor(s);
      tr.pendingSteps = this.maxChain;
    }
    // Half patched if the delta throws: then nothing may use it.
    tr.cur = tr.curAt = undefined;
    try {
      cur.apply(rec.delta);
    } catch (e) {
      return `delta did not apply: ${errText(e)}`;
    }
    tr.cur = cur;
    tr.curAt = rec;
    tr.pendingBytes += rec.bytes;
    tr.pendingSteps++;
    return undefined;
  }

  /** Time for a checkpoint: the deltas since the last one outweigh what it would cost. */
  private due(tr: Track): boolean {
    if (!tr.cur) return false;
    return tr.pendingSteps >= this.maxChain || tr.pendingBytes >= this.ratio * checkpointBytes(tr.cur);
  }

  /** `rec` (at the cursor) holds its state from now on, charged the containers copied for it. */
  private checkpoint(tr: Track, rec: Step): Serialized {
    const cur = tr.cur as StateCursor;
    const cost = checkpointBytes(cur);
    rec.own = cur.freeze();
    rec.bytes += cost;
    if (!rec.released) this.heldBytes += cost;
    tr.pendingBytes = 0;
    tr.pendingSteps = 0;
    return rec.own;
  }

  /** `next` becomes the oldest kept step: have its state at hand before `rec`'s goes. */
  private advanceBase(tr: Track, rec: Step, next: Step): void {
    let c = tr.baseAt === rec ? tr.base : undefined;
    tr.base = tr.baseAt = undefined;
    if (next.own !== undefined || next.broken !== undefined) return;
    if (!c) {
      const s = this.stateOf(rec);
      if (s === undefined) return;
      c = new StateCursor(s);
    }
    try {
      c.apply(next.delta);
    } catch {
      return; // Not reached: the same delta applied to the same state when it arrived.
    }
    tr.base = c;
    tr.baseAt = next;
  }

  private release(tr: Track, rec: Step): void {
    this.heldBytes -= rec.bytes;
    rec.bytes = 0;
    rec.own = undefined;
    rec.delta = undefined;
    rec.released = true;
    rec.broken = RELEASED_REASON;
    this.releasedSteps++;
    this.forget(rec);
    if (tr.curAt === rec) tr.cur = tr.curAt = undefined;
  }

  /** `rec` now starts the kept history, charged as a full state. False if it has no state. */
  private rebaseOnto(rec: Step): boolean {
    if (rec.broken !== undefined) return false;
    if (!rec.full) {
      // Its own delta stays (the diff view shows what this step changed).
      const size = fullStateBytes(rec.stats.size);
      this.heldBytes += size;
      rec.bytes += size;
      rec.full = true;
    }
    return true;
  }

  private put(tr: Track, rec: Step): void {
    const old = tr.steps.get(rec.step);
    tr.steps.set(rec.step, rec);
    tr.newest = rec;
    // A step recorded again (a rebase onto it) replaces the old record's share. The old
    // record's event stays in the session's log: rare, and not counted.
    if (old) {
      this.forget(old);
      if (tr.baseAt === old) {
        // Whoever still holds the old record (an export waiting to write it whole) can read it.
        if (tr.base) old.own = tr.base.freeze();
        tr.base = tr.baseAt = undefined;
      }
      if (old.released) this.releasedSteps--;
      else this.heldBytes -= old.bytes;
    }
    this.heldBytes += rec.bytes;
    if (!old) tr.recorded++;
    this.keep(tr, rec, old);
  }

  /** Put `rec` in its process's kept steps, in step order (nearly always at the end). */
  private keep(tr: Track, rec: Step, old: Step | undefined): void {
    let i = tr.kept.length;
    while (i > tr.head && tr.kept[i - 1].step >= rec.step) i--;
    if (old && !old.released && tr.kept[i] === old) tr.kept[i] = rec;
    else if (i === tr.kept.length) tr.kept.push(rec);
    else tr.kept.splice(i, 0, rec);
  }
}
