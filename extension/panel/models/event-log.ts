/**
 * The session's applied events in order (export writes them), with room to let go of the
 * events of steps whose state the history released for its memory budget. Without that
 * the log would keep every delta for ever and the budget would bound nothing.
 *
 * A released step's event becomes a hole (freed at once, no copying); the first one is
 * replaced by a notice saying how many were released, so an exported file is honest about
 * what it lacks. The oldest kept step of a process is rewritten as a full state, so the
 * file still imports into consistent states; its state is read only when the events are
 * (an export), since the history makes it on demand and the oldest step moves on with
 * every release.
 */
import type { HookEvent, NoticeEvent, Serialized } from '../../../runtime-hook/protocol';

/** Where a step's state can be read when needed (a history record). */
export interface StateSource {
  readonly state: Serialized | undefined;
}

const releasedText = (n: number): string =>
  `${n.toLocaleString('en-US')} earlier steps' states were released by the panel to stay within its history memory budget`;

export class EventLog {
  private log: (HookEvent | undefined)[] = [];
  private notice: NoticeEvent | undefined;
  private view: HookEvent[] | undefined;
  /** Delta step events to rewrite as full states when the events are next read. */
  private toFull = new Map<number, StateSource>();

  /** Append; returns the event's index (what `release` and `makeFull` take). */
  push(ev: HookEvent): number {
    this.view = undefined;
    return this.log.push(ev) - 1;
  }

  /** The events without holes. A copy only once something was released (cached). */
  events(released: number): HookEvent[] {
    for (const [i, src] of this.toFull) this.writeFull(i, src.state);
    this.toFull.clear();
    if (!this.notice) return this.log as HookEvent[];
    this.notice.text = releasedText(released);
    this.view ??= this.log.filter((e): e is HookEvent => e !== undefined);
    return this.view;
  }

  /** Let go of what event `i` holds for step `step` of `pid`. */
  release(i: number | undefined, pid: string, step: number): void {
    const ev = i === undefined ? undefined : this.log[i];
    if (!ev || i === undefined) return;
    this.view = undefined;
    this.toFull.delete(i);
    if (ev.type === 'rebase') {
      // The rebase still announces processes and counts drops; only this base goes.
      this.log[i] = { ...ev, bases: ev.bases.filter((b) => b.pid !== pid || b.step !== step) };
      return;
    }
    if (ev.type !== 'step' || ev.pid !== pid || ev.step !== step) return;
    if (this.notice) this.log[i] = undefined;
    else {
      this.notice = { type: 'notice', seq: ev.seq, t: ev.t, level: 'warn', text: '' };
      this.log[i] = this.notice;
    }
  }

  /** Event `i` (a delta step) now starts its process's history: record its state whole. */
  makeFull(i: number | undefined, src: StateSource): void {
    const ev = i === undefined ? undefined : this.log[i];
    if (!ev || i === undefined || ev.type !== 'step' || ev.full !== undefined) return;
    this.toFull.set(i, src);
    this.view = undefined;
  }

  private writeFull(i: number, state: Serialized | undefined): void {
    const ev = this.log[i];
    if (ev?.type !== 'step' || ev.full !== undefined || state === undefined) return;
    const { delta: _, ...rest } = ev;
    this.log[i] = { ...rest, full: state };
  }
}
