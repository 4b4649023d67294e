/** Messages of one session by mid, with their timing and the steps they caused. */
import type { MessageKind, Serialized } from '../../../runtime-hook/protocol';

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
}

/** Time spent in the mailbox; undefined until started. */
export const waitOf = (m: MessageRow): number | undefined =>
  m.startedAt === undefined ? undefined : Math.max(0, m.startedAt - m.queuedAt);

/** Time the handler ran; undefined until done (or if it never reported a start). */
export const durationOf = (m: MessageRow): number | undefined =>
  m.doneAt === undefined || m.startedAt === undefined ? undefined : Math.max(0, m.doneAt - m.startedAt);

export class Messages {
  readonly byMid = new Map<number, MessageRow>();
  get(mid: number): MessageRow | undefined {
    return this.byMid.get(mid);
  }
  set(m: MessageRow): void {
    this.byMid.set(m.mid, m);
  }
}
