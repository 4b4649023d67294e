/**
 * The page side of the reliable link: numbers events, keeps a history ring of their JSON
 * (encoded once; resends reuse the text) bounded by a memory budget, posts batches while
 * fewer than SEND_WINDOW are unacked, resends from ack+1 when acks stall, and answers
 * `sync` — with a `rebase` event when the ring no longer reaches back far enough.
 *
 * An app faster than the link is buffered here, not dropped: events wait in the ring and
 * go at the link's pace, one batch per task so the page's tasks stay short. Only past the
 * budget are the oldest evicted — acked ones first — and unsent ones evicted become a
 * counted `rebase`.
 *
 * The ring holds chunks: runs of consecutive events' JSON joined into one string, closed
 * at a quarter of a batch (128 K chars by default; 1/16 of the budget if that is less) or
 * when a batch is posted. A few large strings instead of one per event keep the page's
 * garbage collector out of the way (the per-event strings die young; a chunk goes to
 * large-object space, never copied) and the memory estimate honest.
 */
import { patchImmutable } from './delta';
import type { HookEvent, ProcessEvent, RebaseEvent } from './protocol';
import { MAX_BODY_CHARS, RESEND_AFTER_MS, SEND_WINDOW } from './protocol';

/** An event as produced by the hook, before the outbox numbers it. */
export type OutEvent = HookEvent extends infer E ? (E extends HookEvent ? Omit<E, 'seq'> : never) : never;

/** Bytes a chunk costs besides its text (string header, ring entry), for the budget. */
export const CHUNK_BYTES = 64;

export interface OutboxLimits {
  /**
   * Memory budget of the kept events (default 64 MB), estimated as their JSON characters
   * (one byte each as V8 keeps Latin-1 text, two otherwise) plus CHUNK_BYTES per chunk.
   */
  maxBytes: number;
  /** Largest batch text (default 512 K chars; a single larger chunk still goes alone). */
  batchChars: number;
}

export type Post = (first: number, count: number, body: string) => void;

export type OutboxState = [
  seq: number,
  acked: number,
  sent: number,
  /** Seq of the oldest event kept (the ring evicts from here). */
  oldest: number,
  /** Estimated bytes the kept events take (closed chunks, and the open events' characters). */
  bytes: number,
  /** Batches posted and not acked yet. */
  inFlight: number,
  /** A panel asked for events. */
  streaming: boolean,
];

/**
 * Seq of its first event (its events run to the next chunk's first), their JSON joined by
 * commas, and its estimated bytes.
 */
type Chunk = [first: number, text: string, bytes: number];

export class Outbox {
  /** Closed chunks in seq order; those before `head` are evicted. */
  #ring: Chunk[] = [];
  #head = 0;
  /** JSON of the newest events, not yet in a chunk, and its characters. */
  #open: string[] = [];
  #openChars = 0;
  /** Estimated bytes of the closed chunks (see OutboxLimits). */
  #bytes = 0;
  #seq = 0;
  #acked = 0;
  #sent = 0;
  /** Last seq of each batch posted and not acked yet, oldest first. */
  #flight: number[] = [];
  #lastProgress = 0;
  #backoff = RESEND_AFTER_MS;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once a panel asked for events (sync): streaming. Until then nothing is posted. */
  #resendTimer: ReturnType<typeof setInterval> | undefined;
  #bases = new Map<string, RebaseEvent['bases'][number]>();

  #post: Post;
  #processes: () => Omit<ProcessEvent, 'seq' | 't' | 'type'>[];
  #limits: OutboxLimits;

  constructor(post: Post, processes: () => Omit<ProcessEvent, 'seq' | 't' | 'type'>[], limits: OutboxLimits) {
    this.#post = post;
    this.#processes = processes;
    this.#limits = limits;
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Where the link stands, for diagnostics and tests (the fields themselves are private).
   * A tuple: the names stay out of the page's bundle.
   */
  state(): OutboxState {
    const ring = this.#ring;
    const seq = this.#seq;
    return [
      seq,
      this.#acked,
      this.#sent,
      this.#head < ring.length ? ring[this.#head][0] : seq - this.#open.length + 1,
      this.#bytes + this.#openChars,
      this.#flight.length,
      !!this.#resendTimer,
    ];
  }

  /**
   * Number and keep `ev`. False if it was too large for any message and a counted notice
   * went in its place (a step's delta chain then needs a full state next).
   */
  push(ev: OutEvent): boolean {
    // The hook hands over a fresh object: it is numbered in place, not copied.
    const full = ev as HookEvent;
    const seq = ++this.#seq;
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
    // Its chunk (the open events before it, at most chunkChars, and it) must fit one batch
    // the content script accepts, envelope included.
    const max = MAX_BODY_CHARS - this.#chunkChars() - 1024;
    const fits = json.length <= max;
    if (!fits) {
      // It could never be delivered, and resending it would stall the stream for good.
      json = JSON.stringify({
        seq,
        t: ev.t,
        type: 'notice',
        level: 'error',
        text: `a ${full.type} event of ${json.length} characters was over the ${max} one message carries, and was dropped`,
        dropped: 1,
      });
    }
    this.#open.push(json);
    this.#openChars += json.length + 1;
    if (this.#openChars > this.#chunkChars()) this.#close();
    this.#schedule(16);
    return fits;
  }

  /** Where the open events become a chunk: 1/4 of a batch, at most 1/16 of the budget. */
  #chunkChars(): number {
    return Math.min(this.#limits.batchChars >> 2, this.#limits.maxBytes >> 4);
  }

  /**
   * The open events become a chunk; then the oldest chunks go while the closed ones and a
   * chunk's worth of open events could be over the budget.
   */
  #close(): void {
    if (this.#openChars) {
      const text = this.#open.join(',');
      // One character outside Latin-1 and V8 keeps the whole string at two bytes each.
      const cost = text.length * (/[^\0-\xff]/.test(text) ? 2 : 1) + CHUNK_BYTES;
      this.#ring.push([this.#seq - this.#open.length + 1, text, cost]);
      this.#bytes += cost;
      this.#open = [];
      this.#openChars = 0;
    }
    while (this.#bytes + this.#chunkChars() > this.#limits.maxBytes && this.#head < this.#ring.length) {
      const [, text, cost] = this.#ring[this.#head];
      this.#ring[this.#head++][1] = '';
      this.#bytes -= cost;
      // Its steps' states become their processes' bases (parsed back: the ring keeps only
      // text); a delta without a base, or that does not fit it, leaves none.
      for (const e of JSON.parse(`[${text}]`) as HookEvent[]) {
        if (e.type !== 'step') continue;
        let full = e.full;
        try {
          full ??= patchImmutable(this.#bases.get(e.pid)!.full, e.delta);
        } catch {}
        if (full === undefined) this.#bases.delete(e.pid);
        else this.#bases.set(e.pid, { pid: e.pid, step: e.step, full, stats: e.stats });
      }
    }
    // Compact now and then so the array does not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#ring.length) {
      this.#ring = this.#ring.slice(this.#head);
      this.#head = 0;
    }
  }

  ack(seq: number): void {
    if (seq > this.#acked && seq <= this.#seq) {
      this.#acked = seq;
      if (this.#sent < seq) this.#sent = seq;
      while (this.#flight[0] <= seq) this.#flight.shift();
      // Room in the window: the backlog goes on at once.
      this.#progress();
    }
  }

  /** A panel (re)connected and holds everything up to `since`. */
  sync(since: number): void {
    this.#resendTimer ??= setInterval(() => this.checkResend(), 250);
    // A panel holds no more than was sent it (its since is a seq it got from here).
    this.#acked = since;
    this.#sent = since;
    this.#flight = [];
    this.#progress();
  }

  /** The panel moved on: resends wait from now, and the next batch goes at once. */
  #progress(): void {
    this.#lastProgress = Date.now();
    this.#backoff = RESEND_AFTER_MS;
    this.#schedule(0);
  }

  #send(first: number, count: number, body: string): void {
    this.#post(first, count, body);
    this.#sent = first + count - 1;
    this.#flight.push(this.#sent);
  }

  // flush and checkResend stay plain (not #) private: the throughput benchmark and the load
  // test time the hook's own tasks by wrapping them on the instance.
  private checkResend(): void {
    if (this.#sent > this.#acked && Date.now() - this.#lastProgress > this.#backoff) {
      // Go-back-N: the panel dedupes whatever it already had. Backing off (sync resets it)
      // keeps a page whose panel went away from re-posting its window every second.
      const backoff = this.#backoff;
      this.sync(this.#acked);
      this.#backoff = Math.min(backoff * 2, 30_000);
    }
  }

  #schedule(ms: number): void {
    if (!this.#resendTimer || this.#timer !== undefined) return;
    // Many events share one postMessage: a first event waits a frame-ish for company.
    this.#timer = setTimeout(() => this.flush(), ms);
  }

  /**
   * Post one batch of whole chunks (at most batchChars, within the window) from the one
   * holding sent + 1; another task posts the next. After a resync from the middle of a
   * chunk the panel drops the events it already holds.
   *
   * Events after `sent` may be gone from the ring (a panel opened late, or a page that
   * produced faster than the link carries beyond the memory budget, so unsent events were
   * evicted): then a `rebase` goes first, with every process and the base states the
   * remaining deltas build on, numbered as the newest evicted event, with the count
   * dropped. Without it the stream would stall for good: nothing after `sent` could be
   * posted, and the panel would see no gap to ask about.
   */
  private flush(): void {
    // Only scheduled while streaming.
    this.#timer = undefined;
    // Everything kept is in chunks from here.
    this.#close();
    // The seq just before the oldest kept event.
    const gone = (this.#head < this.#ring.length ? this.#ring[this.#head][0] : this.#seq + 1) - 1;
    if (this.#sent < gone) {
      const rebase: RebaseEvent = {
        type: 'rebase',
        seq: gone,
        t: Date.now(),
        dropped: gone - this.#sent,
        processes: this.#processes(),
        bases: [...this.#bases.values()],
      };
      this.#send(gone, 1, `[${JSON.stringify(rebase)}]`);
    }
    if (this.#sent >= this.#seq || this.#flight.length >= SEND_WINDOW) return;
    // From the newest chunk back to the one holding sent + 1: normally just the unsent ones.
    let i = this.#ring.length;
    while (--i > this.#head && this.#ring[i][0] > this.#sent + 1);
    const first = this.#ring[i][0];
    const parts: string[] = [];
    let size = 2;
    for (; i < this.#ring.length; i++) {
      const text = this.#ring[i][1];
      if (parts.length && size + text.length >= this.#limits.batchChars) break;
      parts.push(text);
      size += text.length + 1;
    }
    // Chunks are contiguous: this batch ends just before the next chunk (or the newest event).
    this.#send(
      first,
      (i < this.#ring.length ? this.#ring[i][0] : this.#seq + 1) - first,
      `[${parts.join(',')}]`,
    );
    if (this.#sent < this.#seq) this.#schedule(0);
  }
}
