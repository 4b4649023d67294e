/**
 * The timeline of one session: messages (at `queued`), steps and notices, in seq order.
 * Entries are pushed in place; nothing rebuilds the array per event.
 *
 * The oldest entries are let go of when the session passes its memory budget
 * (session.ts `trim`), so an entry's `index` is absolute (lib/front-queue.ts): it never
 * changes, and the kept entries are the indices `first` to `end - 1`. Components that show
 * positions (the virtualized list, the filter) read `first` / `length`, never assume 0.
 */
import { HeldList } from './held-list';
import { ENTRY_BYTES, searchTextBytes } from './session-cost';

export type EntryKind = 'message' | 'step' | 'notice';
export const ENTRY_KINDS: readonly EntryKind[] = ['message', 'step', 'notice'];

export interface Entry {
  /** Absolute position in the session's timeline (see `Timeline.at`); never changes. */
  index: number;
  seq: number;
  t: number;
  /** '' for notices that belong to no process. */
  pid: string;
  kind: EntryKind;
  name: string;
  mid?: number;
  step?: number;
  level?: 'info' | 'warn' | 'error';
  /** Lower-cased search text (name + payload), filled in on the first search (`setSearch`). */
  search?: string;
}

type EntryFields = Omit<Entry, 'index' | 'search'>;

/** One shape for every entry (fields in one order, `search` present from the start). */
const makeEntry = (index: number, e: EntryFields): Entry => ({
  index,
  seq: e.seq,
  t: e.t,
  pid: e.pid,
  kind: e.kind,
  name: e.name,
  mid: e.mid,
  step: e.step,
  level: e.level,
  search: undefined,
});

export class Timeline extends HeldList<Entry> {
  /**
   * seq → index, only once an entry arrived out of seq order (a malformed file): while
   * entries are in order a binary search finds a seq, with nothing kept per entry.
   */
  private seqIndex?: Map<number, number>;
  private lastSeq = Number.NEGATIVE_INFINITY;

  add(e: EntryFields): Entry {
    const entry = makeEntry(this.list.end, e);
    this.list.push(entry);
    this.held += ENTRY_BYTES;
    if (e.seq < this.lastSeq && !this.seqIndex) {
      this.seqIndex = new Map();
      for (let i = this.first; i < entry.index; i++) this.indexSeq(this.list.at(i)!);
    }
    if (this.seqIndex) this.indexSeq(entry);
    this.lastSeq = Math.max(this.lastSeq, e.seq);
    return entry;
  }

  /** The entry at absolute `index`; undefined if let go of or not there yet. */
  at(index: number): Entry | undefined {
    return this.list.at(index);
  }

  /** The first kept entry with this seq (several can share one: a rebase's notice and bases). */
  bySequence(seq: number): Entry | undefined {
    if (this.seqIndex) {
      const i = this.seqIndex.get(seq);
      return i === undefined ? undefined : this.at(i);
    }
    let lo = this.list.first;
    let hi = this.list.end;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.list.at(mid)!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    const e = this.list.at(lo);
    return e?.seq === seq ? e : undefined;
  }

  /** Cache `e`'s search text, counted in the estimate while `e` is kept. */
  setSearch(e: Entry, text: string): string {
    if (e.search === undefined && this.at(e.index) === e) this.held += searchTextBytes(text);
    e.search = text;
    return text;
  }

  /**
   * Let go of the oldest entries with seq ≤ `seq` (up to the first newer one). Returns how
   * many went.
   */
  dropThrough(seq: number): number {
    let n = 0;
    for (let e = this.list.at(this.first); e && e.seq <= seq; e = this.list.at(this.first)) {
      this.list.shift();
      n++;
      this.held -= ENTRY_BYTES + (e.search === undefined ? 0 : searchTextBytes(e.search));
      if (this.seqIndex?.get(e.seq) === e.index) this.seqIndex.delete(e.seq);
    }
    return n;
  }

  /** The kept entries, oldest first (a copy: for tests and whole-timeline reads). */
  toArray(): Entry[] {
    return this.list.toArray();
  }

  private indexSeq(e: Entry): void {
    if (!this.seqIndex!.has(e.seq)) this.seqIndex!.set(e.seq, e.index);
  }
}
