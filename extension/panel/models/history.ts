/**
 * State history per process, materialized as each step arrives: step k's state is
 * patchImmutable(state(k-1), delta_k), which shares every subtree the delta does not touch,
 * so memory grows with the change and any step's state is one map lookup away.
 *
 * What the kept steps hold is estimated as they arrive (history-cost.ts); `trim` releases
 * the oldest steps' states when the estimate passes a memory budget. A released step keeps
 * its record (timeline, message, stats, mutation), only its state and delta go.
 */
import { patchImmutable } from '../../../runtime-hook/delta';
import type { Delta, Serialized, StateStats, StepEvent } from '../../../runtime-hook/protocol';
import { deltaStepBytes, fullStateBytes } from './history-cost';

export interface StepRecord {
  pid: string;
  step: number;
  seq: number;
  t: number;
  /** The state after this step; undefined when the step is broken. */
  state: Serialized | undefined;
  stats: StateStats;
  /** The delta as recorded (relative to step - 1), for the diff view. */
  delta?: Delta;
  /** Arrived as a full state (or a rebase base): starts a new delta chain. */
  full: boolean;
  /** Why this step has no state (a delta that did not apply, or a broken chain). */
  broken?: string;
  mid?: number;
  mutation?: { name: string; payload?: Serialized };
  /** How many consecutive steps up to this one each grew the state (stats.size). */
  growStreak: number;
  /** Estimated bytes this step holds (history-cost.ts); set by History, 0 once released. */
  bytes?: number;
  /** Its state was let go of for the memory budget (`broken` says so to the user). */
  released?: boolean;
  /** Where the session's event log holds the event this record came from. */
  logIndex?: number;
}

/** Why a released step has no state, as the inspector and jump say it. */
export const RELEASED_REASON = 'its state was released to keep the history within its memory budget';

export interface Trimmed {
  released: StepRecord[];
  /** Steps that now start their process's kept history (full states, no replay needed). */
  bases: StepRecord[];
}

/** A process's steps still holding their state, in step order, from `head` on. */
interface Kept {
  recs: StepRecord[];
  head: number;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class History {
  private byPid = new Map<string, Map<number, StepRecord>>();
  private newest = new Map<string, StepRecord>();
  private kept = new Map<string, Kept>();
  private heldBytes = 0;
  private releasedSteps = 0;

  /** Estimated bytes the kept steps hold: what the budget is compared with. */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Steps whose state was released for the budget (their records remain). */
  get released(): number {
    return this.releasedSteps;
  }

  /** The oldest step of `pid` that still has its record's state kept. */
  firstKept(pid: string): StepRecord | undefined {
    const k = this.kept.get(pid);
    return k?.recs[k.head];
  }

  get(pid: string, step: number): StepRecord | undefined {
    return this.byPid.get(pid)?.get(step);
  }

  /** The most recently recorded step of `pid`. */
  last(pid: string): StepRecord | undefined {
    return this.newest.get(pid);
  }

  count(pid: string): number {
    return this.byPid.get(pid)?.size ?? 0;
  }

  /** Record a `step` event. Never throws: a delta that does not fit marks the step broken. */
  add(ev: StepEvent): StepRecord {
    const prev = this.get(ev.pid, ev.step - 1);
    let state: Serialized | undefined;
    let broken: string | undefined;
    if (ev.full !== undefined) state = ev.full;
    else if (!prev) broken = `no state for step ${ev.step - 1} to apply this delta to`;
    else if (prev.state === undefined) broken = `step ${ev.step - 1} is broken; waiting for a full state`;
    else {
      try {
        state = patchImmutable(prev.state, ev.delta as Delta);
      } catch (e) {
        broken = `delta did not apply: ${errText(e)}`;
      }
    }
    const rec: StepRecord = {
      pid: ev.pid,
      step: ev.step,
      seq: ev.seq,
      t: ev.t,
      state,
      stats: ev.stats,
      full: ev.full !== undefined,
      growStreak: prev && ev.stats.size > prev.stats.size ? prev.growStreak + 1 : 0,
      bytes: ev.full !== undefined ? fullStateBytes(ev.stats.size) : deltaStepBytes(ev.delta, state),
    };
    if (ev.delta !== undefined) rec.delta = ev.delta;
    if (broken) rec.broken = broken;
    if (ev.mid !== undefined) rec.mid = ev.mid;
    if (ev.mutation) rec.mutation = ev.mutation;
    this.put(rec);
    return rec;
  }

  /** A full base state from a `rebase`: the delta chain continues from here. */
  base(pid: string, step: number, full: Serialized, stats: StateStats, seq: number, t: number): StepRecord {
    const old = this.get(pid, step);
    const bytes = fullStateBytes(stats.size);
    const rec: StepRecord = old
      ? { ...old, state: full, stats, full: true, broken: undefined, released: undefined, bytes }
      : { pid, step, seq, t, state: full, stats, full: true, growStreak: 0, bytes };
    this.put(rec);
    return rec;
  }

  /**
   * Release the oldest steps' states until the estimate is within `budget`: globally
   * oldest (by seq) first, each process in step order, never a process's latest step.
   * Each process's oldest kept step becomes a full state (it already is one: states are
   * materialized), so every kept step stays one lookup away, with no replay.
   */
  trim(budget: number): Trimmed | null {
    if (this.heldBytes <= budget) return null;
    const released: StepRecord[] = [];
    const bases = new Set<StepRecord>();
    for (let k = this.oldest(); this.heldBytes > budget && k; k = this.oldest()) {
      const rec = k.recs[k.head++];
      this.release(rec);
      released.push(rec);
      bases.delete(rec);
      const base = k.recs[k.head];
      if (this.rebaseOnto(base)) bases.add(base);
      // Drop the released prefix now and then; the records themselves stay in byPid.
      if (k.head > 64 && k.head * 2 > k.recs.length) {
        k.recs = k.recs.slice(k.head);
        k.head = 0;
      }
    }
    return released.length ? { released, bases: [...bases] } : null;
  }

  /** The process whose oldest kept step is the oldest of all, among those with two or more. */
  private oldest(): Kept | undefined {
    let best: Kept | undefined;
    for (const k of this.kept.values()) {
      if (k.recs.length - k.head < 2) continue;
      if (!best || k.recs[k.head].seq < best.recs[best.head].seq) best = k;
    }
    return best;
  }

  private release(rec: StepRecord): void {
    this.heldBytes -= rec.bytes ?? 0;
    rec.bytes = 0;
    rec.state = undefined;
    rec.delta = undefined;
    rec.released = true;
    rec.broken = RELEASED_REASON;
    this.releasedSteps++;
  }

  /** `rec` now starts the kept history: it owns its whole state. False if it has none. */
  private rebaseOnto(rec: StepRecord): boolean {
    if (rec.state === undefined) return false;
    if (!rec.full) {
      // Its own delta stays (the diff view shows what this step changed).
      this.heldBytes += fullStateBytes(rec.stats.size);
      rec.bytes = (rec.bytes ?? 0) + fullStateBytes(rec.stats.size);
      rec.full = true;
    }
    return true;
  }

  private put(rec: StepRecord): void {
    const steps = this.byPid.get(rec.pid) ?? new Map<number, StepRecord>();
    this.byPid.set(rec.pid, steps);
    const old = steps.get(rec.step);
    steps.set(rec.step, rec);
    this.newest.set(rec.pid, rec);
    // A step recorded again (a rebase onto it) replaces the old record's share. The old
    // record's event stays in the session's log: rare, and not counted.
    if (old?.released) this.releasedSteps--;
    else if (old) this.heldBytes -= old.bytes ?? 0;
    this.heldBytes += rec.bytes ?? 0;
    this.keep(rec, old);
  }

  /** Put `rec` in its process's kept steps, in step order (nearly always at the end). */
  private keep(rec: StepRecord, old: StepRecord | undefined): void {
    const k = this.kept.get(rec.pid) ?? { recs: [], head: 0 };
    this.kept.set(rec.pid, k);
    let i = k.recs.length;
    while (i > k.head && k.recs[i - 1].step >= rec.step) i--;
    if (old && !old.released && k.recs[i] === old) k.recs[i] = rec;
    else if (i === k.recs.length) k.recs.push(rec);
    else k.recs.splice(i, 0, rec);
  }
}
