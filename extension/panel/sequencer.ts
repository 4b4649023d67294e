/**
 * The panel's end of the reliable page ⇄ panel link, as a pure class (no Ports, injectable
 * clock) so it can be unit-tested. It hands the models each event exactly once, in seq order:
 *
 * - holds the current `session` and `lastSeq`, the highest contiguous seq delivered;
 * - `hello`: a new session resets lastSeq to 0 and is announced; any hello asks for
 *   `sync { since: lastSeq }` (a (re)connected panel, or the page reloaded);
 * - `batch`: a gap (first > lastSeq + 1) is not delivered and asks for `sync` (at most once
 *   per `gapSyncMs` while the gap persists, with a trailing retry); otherwise the body is
 *   decoded once, events already held are skipped, the rest delivered, and lastSeq moves
 *   to the batch's end — even past undecodable events, which are counted as dropped
 *   (resending the same bytes would not help);
 * - a lone `rebase` event may jump a gap: the page's history no longer reaches back to
 *   lastSeq and the rebase says so. Everything up to its seq is gone from the page, so its
 *   `dropped` is set to the seqs it stands for here (itself and those this panel lacks
 *   before it), whatever the page counted from what it believed sent: a batch lost on
 *   the way before it, or a resend from behind what this panel holds, would otherwise make
 *   the count too low (events lost silently) or too high;
 * - acks the latest lastSeq at most every `ackMs`, the trailing ack guaranteed;
 * - counts what it ignores, apart from what was lost (`ignored`, not `dropped`): events it
 *   already holds (a resend after lost acks, or a replay of old sequence numbers) and
 *   batches of a session other than the current one (or before any hello).
 */
import type { Command, HookEvent } from '../../runtime-hook/protocol';
import { decodeBatchBody } from '../../runtime-hook/protocol';
import type { SessionInfo } from './link-types';

export interface SequencerOutput {
  session(info: SessionInfo): void;
  events(events: HookEvent[]): void;
  dropped(d: { where: 'panel'; reason: string; count: number }): void;
  /** Events refused without loss (already held, another session): counted, not dropped. */
  ignored?(d: { reason: string; count: number }): void;
  /** Send a command to the page of `session`. */
  command(session: string, cmd: Command): void;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SequencerOptions {
  /** Least time between two syncs asked because of a gap (default 300 ms). */
  gapSyncMs: number;
  /** Least time between two acks (default 50 ms). */
  ackMs: number;
  clock: Clock;
}

export interface BatchIn {
  session: string;
  first: number;
  count: number;
  body: string;
}

/** Reasons given to `ignored`. */
export const IGNORED_HELD = 'events already held (resent or replayed)';
export const IGNORED_OTHER_SESSION = 'events of another session';
export const IGNORED_NO_SESSION = 'events before the page said hello';
export const IGNORED_REASONS: readonly string[] = [IGNORED_HELD, IGNORED_OTHER_SESSION, IGNORED_NO_SESSION];

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class Sequencer {
  private current: string | null = null;
  private last = 0;
  private gap = false;
  private lastSyncAt = Number.NEGATIVE_INFINITY;
  private gapTimer: unknown;
  private ackDirty = false;
  private lastAckAt = Number.NEGATIVE_INFINITY;
  private ackTimer: unknown;
  private readonly gapSyncMs: number;
  private readonly ackMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly out: SequencerOutput,
    opts: Partial<SequencerOptions> = {},
  ) {
    this.gapSyncMs = opts.gapSyncMs ?? 300;
    this.ackMs = opts.ackMs ?? 50;
    this.clock = opts.clock ?? realClock;
  }

  /** The session whose events are being delivered, if any. */
  get session(): string | null {
    return this.current;
  }

  /** Highest contiguous seq delivered in the current session. */
  get lastSeq(): number {
    return this.last;
  }

  /** True while a gap waits to be filled. */
  get inGap(): boolean {
    return this.gap;
  }

  hello(info: SessionInfo): void {
    if (info.session !== this.current) {
      this.cancelTimers();
      this.current = info.session;
      this.last = 0;
      this.out.session({ session: info.session, hook: info.hook, url: info.url, startedAt: info.startedAt });
    }
    this.sync();
  }

  batch(b: BatchIn): void {
    if (!Number.isSafeInteger(b.first) || !Number.isSafeInteger(b.count) || b.first < 1 || b.count < 1)
      return;
    const session = this.current;
    if (session === null || b.session !== session) {
      this.ignore(session === null ? IGNORED_NO_SESSION : IGNORED_OTHER_SESSION, b.count);
      return;
    }
    const end = b.first + b.count - 1;
    if (b.first > this.last + 1) {
      if (b.count === 1 && this.tryRebase(b)) return;
      this.gap = true;
      this.requestGapSync();
      return;
    }
    // Events up to lastSeq are held already: a resend (acks lost on the way) or a replay.
    this.ignore(IGNORED_HELD, Math.min(end, this.last) - b.first + 1);
    if (end <= this.last) {
      // Ack again so the page moves on.
      this.ackSoon();
      return;
    }
    const before = this.last;
    const { events } = decodeBatchBody(b.body);
    const deliver: HookEvent[] = [];
    let prev = before;
    for (const ev of events) {
      if (ev.seq <= prev || ev.seq > end) continue;
      if (ev.type === 'rebase') ev.dropped = ev.seq - prev;
      deliver.push(ev);
      prev = ev.seq;
    }
    this.last = end;
    this.gap = false;
    if (deliver.length > 0) this.out.events(deliver);
    const lost = end - before - deliver.length;
    if (lost > 0) this.out.dropped({ where: 'panel', reason: 'malformed event', count: lost });
    this.ackSoon();
  }

  private ignore(reason: string, count: number): void {
    if (count > 0) this.out.ignored?.({ reason, count });
  }

  /** The transport went away: pending acks and gap syncs are moot; a hello will resync. */
  disconnected(): void {
    this.cancelTimers();
  }

  dispose(): void {
    this.cancelTimers();
  }

  private tryRebase(b: BatchIn): boolean {
    const { events } = decodeBatchBody(b.body);
    const ev = events.length === 1 ? events[0] : undefined;
    if (ev?.type !== 'rebase' || ev.seq !== b.first) return false;
    ev.dropped = ev.seq - this.last;
    this.last = b.first;
    this.gap = false;
    this.out.events([ev]);
    this.ackSoon();
    return true;
  }

  private sync(): void {
    if (this.current === null) return;
    this.gap = false;
    this.lastSyncAt = this.clock.now();
    if (this.gapTimer !== undefined) {
      this.clock.clearTimeout(this.gapTimer);
      this.gapTimer = undefined;
    }
    this.out.command(this.current, { type: 'sync', since: this.last });
  }

  private requestGapSync(): void {
    const wait = this.lastSyncAt + this.gapSyncMs - this.clock.now();
    if (wait <= 0) {
      this.sync();
      this.gap = true;
      return;
    }
    this.gapTimer ??= this.clock.setTimeout(() => {
      this.gapTimer = undefined;
      if (this.gap) this.requestGapSync();
    }, wait);
  }

  private ackSoon(): void {
    this.ackDirty = true;
    if (this.ackTimer !== undefined) return;
    const wait = this.lastAckAt + this.ackMs - this.clock.now();
    if (wait <= 0) this.sendAck();
    else
      this.ackTimer = this.clock.setTimeout(() => {
        this.ackTimer = undefined;
        this.sendAck();
      }, wait);
  }

  private sendAck(): void {
    if (!this.ackDirty || this.current === null) return;
    this.ackDirty = false;
    this.lastAckAt = this.clock.now();
    this.out.command(this.current, { type: 'ack', seq: this.last });
  }

  private cancelTimers(): void {
    if (this.gapTimer !== undefined) this.clock.clearTimeout(this.gapTimer);
    if (this.ackTimer !== undefined) this.clock.clearTimeout(this.ackTimer);
    this.gapTimer = this.ackTimer = undefined;
    this.gap = false;
    this.ackDirty = false;
  }
}
