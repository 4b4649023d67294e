/**
 * Flags: what is too big or too slow, by the thresholds in force. Rules are pure functions
 * of recorded facts, so changing a threshold re-evaluates everything without re-recording.
 * "Over" is strict: a value equal to its threshold does not fire.
 */

import { size } from '../lib/format';
import { FrontQueue } from '../lib/front-queue';
import { HeldList } from './held-list';
import type { StepRecord } from './history';
import { durationOf, type MessageRow, waitOf } from './messages';
import type { SessionStore } from './session';
import { FACT_BYTES } from './session-cost';
import type { Thresholds } from './thresholds';

export type FlagKind = 'large-state' | 'slow-handler' | 'backlog';
export type FlagRule =
  | 'key-size'
  | 'state-size'
  | 'diff-size'
  | 'list-length'
  | 'growth'
  | 'duration'
  | 'wait'
  | 'depth';

export interface Flag {
  kind: FlagKind;
  rule: FlagRule;
  /** What fired, with the threshold: "key items 120 KB > 100 KB". */
  text: string;
  value: number;
  threshold: number;
}

const msText = (n: number): string => `${Math.round(n)} ms`;

export function stepFlags(rec: StepRecord, th: Thresholds): Flag[] {
  const out: Flag[] = [];
  const s = rec.stats;
  if (s.keys) {
    let worst: [string, number] | undefined;
    let over = 0;
    for (const k of Object.keys(s.keys)) {
      const v = s.keys[k];
      if (v > th.keySize) {
        over++;
        if (!worst || v > worst[1]) worst = [k, v];
      }
    }
    if (worst) {
      const more = over > 1 ? ` (+${over - 1} more keys)` : '';
      out.push({
        kind: 'large-state',
        rule: 'key-size',
        text: `key ${worst[0]} ${size(worst[1])} > ${size(th.keySize)}${more}`,
        value: worst[1],
        threshold: th.keySize,
      });
    }
  }
  if (s.size > th.stateSize) {
    out.push({
      kind: 'large-state',
      rule: 'state-size',
      text: `state ${size(s.size)} > ${size(th.stateSize)}`,
      value: s.size,
      threshold: th.stateSize,
    });
  }
  // A step that reports the size of what came in (a LiveView diff's frame, in bytes): one
  // diff is held to the one-key threshold, since it lands in the state in one go.
  const bytes = diffBytes(rec);
  if (bytes !== undefined && bytes > th.keySize) {
    out.push({
      kind: 'large-state',
      rule: 'diff-size',
      text: `diff ${size(bytes)} > ${size(th.keySize)}`,
      value: bytes,
      threshold: th.keySize,
    });
  }
  if (s.longestList && s.longestList.length > th.listLength) {
    out.push({
      kind: 'large-state',
      rule: 'list-length',
      text: `list ${s.longestList.path} has ${s.longestList.length} items > ${th.listLength}`,
      value: s.longestList.length,
      threshold: th.listLength,
    });
  }
  if (th.growthSteps > 0 && rec.growStreak >= th.growthSteps) {
    out.push({
      kind: 'large-state',
      rule: 'growth',
      text: `grew on each of the last ${rec.growStreak} steps (≥ ${th.growthSteps})`,
      value: rec.growStreak,
      threshold: th.growthSteps,
    });
  }
  return out;
}

function diffBytes(rec: StepRecord): number | undefined {
  const p = rec.mutation?.payload;
  const b = p !== null && typeof p === 'object' && !Array.isArray(p) ? p.bytes : undefined;
  return typeof b === 'number' && Number.isFinite(b) ? b : undefined;
}

export function depthFlag(m: MessageRow, th: Thresholds): Flag | undefined {
  return m.depthAtQueue > th.backlogDepth
    ? {
        kind: 'backlog',
        rule: 'depth',
        text: `${m.depthAtQueue} queued > ${th.backlogDepth}`,
        value: m.depthAtQueue,
        threshold: th.backlogDepth,
      }
    : undefined;
}

export function waitFlag(m: MessageRow, th: Thresholds): Flag | undefined {
  const w = waitOf(m);
  return w !== undefined && w > th.waitMs
    ? {
        kind: 'backlog',
        rule: 'wait',
        text: `waited ${msText(w)} > ${msText(th.waitMs)}`,
        value: w,
        threshold: th.waitMs,
      }
    : undefined;
}

export function durationFlag(m: MessageRow, th: Thresholds): Flag | undefined {
  const d = durationOf(m);
  return d !== undefined && d > th.slowMs
    ? {
        kind: 'slow-handler',
        rule: 'duration',
        text: `handler ran ${msText(d)} > ${msText(th.slowMs)}`,
        value: d,
        threshold: th.slowMs,
      }
    : undefined;
}

export function messageFlags(m: MessageRow, th: Thresholds): Flag[] {
  return [depthFlag(m, th), waitFlag(m, th), durationFlag(m, th)].filter((f): f is Flag => f !== undefined);
}

/** What a fact is about: a message queued, started or done, or a step recorded. */
export type FactOn = 'queued' | 'started' | 'done' | 'step';
const FACT_ON: readonly FactOn[] = ['queued', 'started', 'done', 'step'];

/**
 * Facts that can fire flags, in the order they became known: two slots each (what, and the
 * row or record it is about), since a session keeps one per event. The oldest are let go
 * of with the session's front (`dropThrough`); their absolute indices stay valid.
 */
export class FlagFacts extends HeldList<MessageRow | StepRecord> {
  /** Beside `list` (what each fact is about), slot for slot. */
  private on = new FrontQueue<number>(false);

  constructor() {
    super(2);
  }

  push(on: FactOn, about: MessageRow | StepRecord): void {
    this.on.push(FACT_ON.indexOf(on));
    this.list.push(about);
    this.held += FACT_BYTES;
  }

  /** Fact `i` (absolute), if kept. */
  at(i: number): { on: FactOn; about: MessageRow | StepRecord } | undefined {
    const about = this.list.at(i);
    return about && { on: FACT_ON[this.on.at(i)!], about };
  }

  /**
   * Let go of the oldest facts about what has seq ≤ `seq` (a message's is its `queued`
   * event's), up to the first about something newer.
   */
  dropThrough(seq: number): void {
    for (let a = this.list.at(this.first); a && a.seq <= seq; a = this.list.at(this.first)) {
      this.list.shift();
      this.on.shift();
      this.held -= FACT_BYTES;
    }
  }
}

/** Occurrences of one rule in one process. */
export interface FlagGroup {
  key: string;
  pid: string;
  kind: FlagKind;
  rule: FlagRule;
  count: number;
  /** The newest occurrence: its entry seq and what fired. */
  seq: number;
  last: Flag;
}

/**
 * Flag groups over a whole session, kept incrementally: each batch evaluates only the new
 * facts; a threshold change (or another session) starts over, which is one linear pass.
 */
export class FlagIndex {
  private store?: SessionStore;
  private th?: Thresholds;
  private scanned = 0;
  private groups = new Map<string, FlagGroup>();

  update(store: SessionStore, th: Thresholds): FlagGroup[] {
    if (store !== this.store || th !== this.th) {
      this.store = store;
      this.th = th;
      this.scanned = 0;
      this.groups = new Map();
    }
    const facts = store.flagFacts;
    // Facts let go of before they were looked at are not counted (their events were).
    this.scanned = Math.max(this.scanned, facts.first);
    for (; this.scanned < facts.end; this.scanned++) {
      const f = facts.at(this.scanned);
      if (f) this.evaluate(store, f.on, f.about, th);
    }
    return [...this.groups.values()].sort((a, b) => b.seq - a.seq);
  }

  private evaluate(store: SessionStore, on: FactOn, about: MessageRow | StepRecord, th: Thresholds): void {
    if (on === 'step') {
      const s = about as StepRecord;
      // The step's current record (a rebase may have recorded it again).
      const rec = store.history.get(s.pid, s.step);
      if (rec) for (const flag of stepFlags(rec, th)) this.add(s.pid, rec.seq, flag);
      return;
    }
    const m = store.messages.get((about as MessageRow).mid);
    if (!m) return;
    const flag =
      on === 'queued' ? depthFlag(m, th) : on === 'started' ? waitFlag(m, th) : durationFlag(m, th);
    if (flag) this.add(m.pid, m.seq, flag);
  }

  private add(pid: string, seq: number, flag: Flag): void {
    const key = `${pid}\u0000${flag.rule}`;
    const g = this.groups.get(key);
    if (g) {
      g.count++;
      if (seq >= g.seq) {
        g.seq = seq;
        g.last = flag;
      }
    } else this.groups.set(key, { key, pid, kind: flag.kind, rule: flag.rule, count: 1, seq, last: flag });
  }
}
