/**
 * The session's applied events in order (export writes them), with a front that moves on
 * when the session lets go of its oldest part for its memory budget (session.ts `trim`).
 * Events keep their absolute index (lib/front-queue.ts), which history records point at.
 *
 * What was let go of is counted, and an export says so: it starts with the processes (they
 * are never forgotten), then, in seq order, a notice with the count and the events still
 * needed from before the front (set aside: a message still waiting or running, a process's
 * only kept step), then the kept events. A process's oldest kept step is written as a full state, so
 * the file imports into consistent states; its state is read only when the events are
 * (an export), since the history makes it on demand and the oldest step moves on with
 * every trim. Events about what was let go of (a `done` of a forgotten message) are left
 * out, so an import finds nothing odd.
 */
import type {
  HookEvent,
  ProcessStatus,
  RebaseEvent,
  Serialized,
  StepEvent,
} from '../../../runtime-hook/protocol';
import { HeldList } from './held-list';
import type { ProcessRow } from './processes';
import { eventBytes } from './session-cost';

/** Where a step's state can be read when needed (a history record). */
export interface StateSource {
  readonly state: Serialized | undefined;
}

/** What the log asks the session when it writes an export. */
export interface LogView {
  /** The kept message with this mid. */
  hasMessage(mid: number): boolean;
  /** The kept record of a step, if the step is kept. */
  step(pid: string, step: number): StateSource | undefined;
  processes(): readonly ProcessRow[];
  /** The budget, for the notice's text. */
  budget: number;
}

/** An event kept from before the front, with its index (what history records point at). */
export interface Aside {
  ev: HookEvent;
  index: number;
}

const letGoText = (n: number, budget: string): string =>
  `${n.toLocaleString('en-US')} earlier events were let go of by the panel to stay within its ${budget} memory budget`;

export class EventLog extends HeldList<HookEvent> {
  private aside: Aside[] = [];
  /** Delta step events (by index) whose step now starts its process's kept history. */
  private toFull = new Map<number, StateSource>();
  /** Events let go of; the newest of them dates the notice an export starts with. */
  letGo = 0;
  private goneSeq = 0;
  private goneT = 0;
  /** The last export's events, until anything changes (readers poll `raw`). */
  private written?: HookEvent[];

  /** Append; returns the event's index. */
  push(ev: HookEvent): number {
    this.held += eventBytes(ev);
    this.written = undefined;
    return this.list.push(ev);
  }

  /** Events held: at the front and after, and set aside (older than `first`). */
  override get length(): number {
    return this.list.length + this.aside.length;
  }

  /** Events from the front on. */
  get frontLength(): number {
    return this.list.length;
  }

  at(index: number): HookEvent | undefined {
    return this.list.at(index);
  }

  /** The newest event, if any is held. */
  last(): HookEvent | undefined {
    return this.list.at(this.list.end - 1) ?? this.aside[this.aside.length - 1]?.ev;
  }

  /** Take the oldest event off the front (the session then sets it aside or lets it go). */
  shift(): Aside | undefined {
    const index = this.list.first;
    const ev = this.list.shift();
    if (!ev) return undefined;
    this.written = undefined;
    this.toFull.delete(index);
    this.held -= eventBytes(ev);
    return { ev, index };
  }

  /** Keep an event taken off the front: something kept still needs it. */
  setAside(a: Aside): void {
    this.aside.push(a);
    this.held += eventBytes(a.ev);
    this.written = undefined;
  }

  /** Count an event taken off the front as let go of. */
  forgot(ev: HookEvent): void {
    this.letGo++;
    this.written = undefined;
    if (ev.seq >= this.goneSeq) {
      this.goneSeq = ev.seq;
      this.goneT = ev.t;
    }
  }

  /** Let go of the events set aside that `needed` says nothing needs any more. O(set aside). */
  review(needed: (a: Aside) => boolean): void {
    if (!this.aside.length) return;
    const keep: Aside[] = [];
    for (const a of this.aside) {
      if (needed(a)) keep.push(a);
      else {
        this.held -= eventBytes(a.ev);
        this.forgot(a.ev);
      }
    }
    this.aside = keep;
  }

  /** Event `i` (a delta step) now starts its process's kept history: write its state whole. */
  makeFull(i: number | undefined, src: StateSource): void {
    if (i === undefined) return;
    const ev = this.list.at(i);
    if (ev?.type === 'step' && ev.full === undefined) {
      this.toFull.set(i, src);
      this.written = undefined;
    }
  }

  /** Something an export writes changed outside the log (the budget its notice names). */
  touch(): void {
    this.written = undefined;
  }

  /**
   * The events an export writes, in order (see the file comment). O(events held) the first
   * time after a change; a shared array, not to be modified.
   */
  events(view: LogView, size: (bytes: number) => string): HookEvent[] {
    this.written ??= this.write(view, size);
    return this.written;
  }

  private write(view: LogView, size: (bytes: number) => string): HookEvent[] {
    const out: HookEvent[] = [];
    const cut = this.letGo > 0 || this.aside.length > 0;
    if (cut) {
      const { goneSeq: seq, goneT: t } = this;
      for (const p of view.processes()) {
        if (!p.known) continue;
        out.push({
          type: 'process',
          seq,
          t,
          pid: p.pid,
          name: p.name,
          kind: p.kind,
          caps: p.caps,
          ...(p.parent !== undefined ? { parent: p.parent } : {}),
        });
        if (p.status !== 'running') out.push(statusEvent(seq, t, p.pid, p.status, p.statusReason));
      }
    }
    const notice: HookEvent | undefined =
      this.letGo > 0
        ? {
            type: 'notice',
            seq: this.goneSeq,
            t: this.goneT,
            level: 'warn',
            text: letGoText(this.letGo, size(view.budget)),
          }
        : undefined;
    let noticed = false;
    for (const a of [...this.aside].sort((x, y) => x.ev.seq - y.ev.seq)) {
      if (notice && !noticed && a.ev.seq > notice.seq) {
        out.push(notice);
        noticed = true;
      }
      const ev = this.rewrite(a.ev, view, true);
      if (ev) out.push(ev);
    }
    if (notice && !noticed) out.push(notice);
    for (let i = this.list.first; i < this.list.end; i++) {
      const ev = this.rewrite(this.list.at(i)!, view, this.toFull.has(i));
      if (ev) out.push(ev);
    }
    return out;
  }

  /** `ev` as an export writes it: undefined to leave it out. */
  private rewrite(ev: HookEvent, view: LogView, full: boolean): HookEvent | undefined {
    if (!this.letGo && !this.aside.length && !full) return ev;
    switch (ev.type) {
      case 'started':
      case 'done':
        return view.hasMessage(ev.mid) ? ev : undefined;
      case 'step':
        return stepWritten(ev, view, full);
      case 'rebase':
        return rebaseWritten(ev, view);
      default:
        return ev;
    }
  }
}

const statusEvent = (
  seq: number,
  t: number,
  pid: string,
  status: ProcessStatus,
  reason?: string,
): HookEvent => ({
  type: 'status',
  seq,
  t,
  pid,
  status,
  ...(reason !== undefined ? { reason } : {}),
});

/** A step as exported: whole if it starts its process's kept history, without a forgotten message. */
function stepWritten(ev: StepEvent, view: LogView, full: boolean): StepEvent {
  let out = ev;
  if (ev.mid !== undefined && !view.hasMessage(ev.mid)) {
    const { mid: _, ...rest } = ev;
    out = rest;
  }
  if (full && ev.full === undefined) {
    const state = view.step(ev.pid, ev.step)?.state;
    if (state !== undefined) {
      const { delta: _, ...rest } = out;
      out = { ...rest, full: state };
    }
  }
  return out;
}

/** A rebase as exported: only the bases of steps still kept. */
function rebaseWritten(ev: RebaseEvent, view: LogView): RebaseEvent {
  const bases = ev.bases.filter((b) => view.step(b.pid, b.step) !== undefined);
  return bases.length === ev.bases.length ? ev : { ...ev, bases };
}
