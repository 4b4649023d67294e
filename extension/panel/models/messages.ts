/** Messages of one session by mid, with their timing and the steps they caused. */
import type { MessageKind, Serialized } from '../../../runtime-hook/protocol';
import { ROW_STEP_BYTES } from './session-cost';

export interface MessageRow {
  mid: number;
  pid: string;
  name: string;
  kind: MessageKind;
  payload?: Serialized;
  hasPayload: boolean;
  queuedAt: number;
  startedAt?: number;
  doneAt?: number;
  error?: string;
  from?: number;
  replay?: boolean;
  /** Skipped by a `toggle` (the page recomputed the later states without it). */
  skipped?: boolean;
  /** Step numbers (of `pid`) this message caused, in order. */
  steps: number[];
  /** seq of the `queued` event: the message's timeline entry. */
  seq: number;
  /** Mailbox depth right after this message was queued (for the backlog flag). */
  depthAtQueue: number;
  /** Its estimated heap share while kept (session-cost.ts), set by `Messages`. */
  bytes?: number;
}

/** Time spent in the mailbox; undefined until started. */
export const waitOf = (m: MessageRow): number | undefined =>
  m.startedAt === undefined ? undefined : Math.max(0, m.startedAt - m.queuedAt);

/** Time the handler ran; undefined until done (or if it never reported a start). */
export const durationOf = (m: MessageRow): number | undefined =>
  m.doneAt === undefined || m.startedAt === undefined ? undefined : Math.max(0, m.doneAt - m.startedAt);

export class Messages {
  readonly byMid = new Map<number, MessageRow>();
  /** Estimated heap bytes of the kept rows (session-cost.ts). */
  bytes = 0;

  get(mid: number): MessageRow | undefined {
    return this.byMid.get(mid);
  }

  get size(): number {
    return this.byMid.size;
  }

  /** Keep `m`, charged `bytes` (a row with the same mid is replaced). */
  set(m: MessageRow, bytes: number): void {
    const old = this.byMid.get(m.mid);
    if (old) this.bytes -= old.bytes ?? 0;
    this.byMid.set(m.mid, m);
    m.bytes = bytes;
    this.bytes += bytes;
  }

  /** `m` caused step `step` of its process. */
  addStep(m: MessageRow, step: number): void {
    // Short lists are copied at their exact size (concat; a spread or a push would reserve
    // 16 more slots: a one-step list would take 184 bytes instead of 56).
    if (m.steps.length < 16) m.steps = m.steps.concat(step);
    else m.steps.push(step);
    if (m.steps.length > 1 && this.byMid.get(m.mid) === m) {
      this.bytes += ROW_STEP_BYTES;
      m.bytes = (m.bytes ?? 0) + ROW_STEP_BYTES;
    }
  }

  /** Let go of `m` (if it is the kept row for its mid). */
  forget(m: MessageRow): boolean {
    if (this.byMid.get(m.mid) !== m) return false;
    this.byMid.delete(m.mid);
    this.bytes -= m.bytes ?? 0;
    return true;
  }
}
