/**
 * The page side of the reliable link: numbers events, keeps a bounded history ring of
 * their JSON (encoded once; resends reuse the text), sends at most SEND_WINDOW past the
 * panel's ack, resends from ack+1 when acks stall, and answers `sync` — with a `rebase`
 * event when the ring no longer reaches back far enough.
 */
import { patchImmutable } from './delta';
import type { HookEvent, ProcessEvent, RebaseEvent, Serialized, StateStats, StepEvent } from './protocol';
import { RESEND_AFTER_MS, SEND_WINDOW } from './protocol';

/** An event as produced by the hook, before the outbox numbers it. */
export type OutEvent = HookEvent extends infer E ? (E extends HookEvent ? Omit<E, 'seq'> : never) : never;

interface Entry {
  seq: number;
  json: string;
  /**
   * A step event: read back from its JSON when evicted, to roll the per-process base forward.
   * Only the text is kept: objects kept for every event would cost the page far more in GC.
   */
  step?: boolean;
}

export interface OutboxLimits {
  /** Events kept for a panel opened later or a resend (default 50,000). */
  maxEvents: number;
  /** Characters of JSON kept (default 64 M). */
  maxChars: number;
  /** Largest batch text (default 1 M chars; a single larger event still goes alone). */
  batchChars: number;
}

export type Post = (first: number, count: number, body: string) => void;

export class Outbox {
  private ring: Entry[] = [];
  /** Index in `ring` of the oldest kept entry (entries before it are evicted). */
  private head = 0;
  private chars = 0;
  private seq = 0;
  private acked = 0;
  private sent = 0;
  /** A panel asked for events (sync). Until then nothing is posted. */
  private streaming = false;
  private lastProgress = 0;
  private backoff = RESEND_AFTER_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private resendTimer: ReturnType<typeof setInterval> | undefined;
  private bases = new Map<string, { step: number; full: Serialized; stats: StateStats }>();

  constructor(
    private post: Post,
    private processes: () => Omit<ProcessEvent, 'seq' | 't' | 'type'>[],
    private limits: OutboxLimits,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  push(ev: OutEvent): void {
    // The hook hands over a fresh object: it is numbered in place, not copied.
    const full = ev as HookEvent;
    const seq = ++this.seq;
    full.seq = seq;
    let json: string;
    try {
      json = JSON.stringify(full);
    } catch (e) {
      // Serialized values are JSON-safe by construction; this is a last line of defence.
      json = JSON.stringify({
        seq,
        t: ev.t,
        type: 'notice',
        level: 'error',
        text: `unencodable event: ${e}`,
      });
    }
    this.ring.push({ seq, json, step: full.type === 'step' });
    this.chars += json.length;
    this.evict();
    this.schedule();
  }

  private evict(): void {
    const { maxEvents, maxChars } = this.limits;
    while (
      this.ring.length - this.head > maxEvents ||
      (this.chars > maxChars && this.ring.length - this.head > 1)
    ) {
      const e = this.ring[this.head++];
      this.chars -= e.json.length;
      if (e.step) this.rollBase(JSON.parse(e.json));
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.head);
      this.head = 0;
    }
  }

  private rollBase(s: StepEvent): void {
    const prev = this.bases.get(s.pid);
    let full: Serialized | undefined = s.full;
    if (full === undefined && prev && s.delta !== undefined) {
      try {
        full = patchImmutable(prev.full, s.delta);
      } catch {
        full = undefined;
      }
    }
    if (full === undefined) this.bases.delete(s.pid);
    else this.bases.set(s.pid, { step: s.step, full, stats: s.stats });
  }

  ack(seq: number): void {
    if (seq > this.acked && seq <= this.seq) {
      this.acked = seq;
      if (this.sent < seq) this.sent = seq;
      this.lastProgress = Date.now();
      this.backoff = RESEND_AFTER_MS;
      this.schedule();
    }
  }

  /** A panel (re)connected and holds everything up to `since`. */
  sync(since: number, now: number): void {
    this.streaming = true;
    if (!this.resendTimer) this.resendTimer = setInterval(() => this.checkResend(), 250);
    since = Math.min(since, this.seq);
    this.acked = since;
    this.lastProgress = Date.now();
    this.backoff = RESEND_AFTER_MS;
    this.sent = since;
    this.rebaseIfEvicted(now);
    this.schedule();
  }

  /**
   * Events after `sent` that are gone from the ring (a panel opened late, or a page that
   * produced faster than the link carries, so unsent events were evicted): hand the panel
   * every process and the base states the remaining deltas build on, numbered just before
   * the oldest kept event, with the count dropped. Without it the stream would stall for
   * good: nothing after `sent` could be posted, and the panel would see no gap to ask about.
   */
  private rebaseIfEvicted(now: number): void {
    const oldest = this.ring.length > this.head ? this.ring[this.head].seq : this.seq + 1;
    if (this.sent >= oldest - 1) return;
    const rebase: RebaseEvent = {
      type: 'rebase',
      seq: oldest - 1,
      t: now,
      dropped: oldest - 1 - this.sent,
      processes: this.processes(),
      bases: [...this.bases].map(([pid, b]) => ({ pid, ...b })),
    };
    this.post(oldest - 1, 1, `[${JSON.stringify(rebase)}]`);
    this.sent = oldest - 1;
  }

  private checkResend(): void {
    if (this.sent > this.acked && Date.now() - this.lastProgress > this.backoff) {
      // Go-back-N: the panel dedupes whatever it already had.
      this.sent = this.acked;
      this.lastProgress = Date.now();
      this.backoff = Math.min(this.backoff * 2, 30_000);
      this.sync(this.acked, Date.now());
    }
  }

  private schedule(): void {
    if (!this.streaming || this.timer !== undefined) return;
    // One batch per frame-ish: many events share one postMessage.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, 16);
  }

  flush(): void {
    if (!this.streaming) return;
    this.rebaseIfEvicted(Date.now());
    const limit = Math.min(this.seq, this.acked + SEND_WINDOW);
    const base = this.ring.length > this.head ? this.ring[this.head].seq : this.seq + 1;
    let from = Math.max(this.sent + 1, base);
    while (from <= limit) {
      const parts: string[] = [];
      let size = 2;
      let i = this.head + (from - base);
      while (
        from + parts.length <= limit &&
        (parts.length === 0 || size + this.ring[i].json.length < this.limits.batchChars)
      ) {
        const j = this.ring[i++].json;
        parts.push(j);
        size += j.length + 1;
      }
      this.post(from, parts.length, `[${parts.join(',')}]`);
      from += parts.length;
      this.sent = from - 1;
    }
  }
}
