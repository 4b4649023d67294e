/**
 * State history per process, materialized as each step arrives: step k's state is
 * patchImmutable(state(k-1), delta_k), which shares every subtree the delta does not touch,
 * so memory grows with the change and any step's state is one map lookup away.
 */
import { patchImmutable } from '../../../runtime-hook/delta';
import type { Delta, Serialized, StateStats, StepEvent } from '../../../runtime-hook/protocol';

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
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class History {
  private byPid = new Map<string, Map<number, StepRecord>>();
  private newest = new Map<string, StepRecord>();

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
    const rec: StepRecord = old
      ? { ...old, state: full, stats, full: true, broken: undefined }
      : { pid, step, seq, t, state: full, stats, full: true, growStreak: 0 };
    this.put(rec);
    return rec;
  }

  private put(rec: StepRecord): void {
    const steps = this.byPid.get(rec.pid) ?? new Map<number, StepRecord>();
    this.byPid.set(rec.pid, steps);
    steps.set(rec.step, rec);
    this.newest.set(rec.pid, rec);
  }
}
