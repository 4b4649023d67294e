/**
 * Timeline filtering: by process (several), by entry kind, and a text search over names
 * and payloads. The result is an index list kept incrementally: a new batch only tests the
 * new entries, a narrowed search only re-tests the previous matches, and anything else is
 * one linear pass (200,000 entries in about 15 ms). Each entry's search text is built once
 * and cached: in idle time as entries arrive (`warm`), else by the first search, which
 * would then take a quarter of a second over 200,000 entries. The cache counts in the
 * session's memory budget: with no room left, a text is made again each time it is needed.
 *
 * Indices are the timeline's absolute ones (timeline.ts): when the session lets go of its
 * oldest entries, the matches among them leave the front of the list (amortized, like the
 * timeline itself) and every other index stays what it was. Positions (`at(i)`, what the
 * virtualized list draws) count from the oldest kept match; `dropped` says how many
 * matches left the front, so a view can hold still while they do.
 */
import { computed, type ReadonlySignal, signal } from '@preact/signals';
import { searchText } from '../lib/serialized';
import type { SessionStore } from './session';
import { ENTRY_KINDS, type Entry, type EntryKind } from './timeline';

/** Filtered positions into the session's timeline. */
export interface FilterResult {
  readonly length: number;
  /** Timeline index of the i-th visible entry. */
  at(i: number): number;
  /** Position of a timeline index among the visible entries, or -1. */
  positionOf(index: number): number;
  /**
   * Matches let go of from the front since `origin` was made (the criteria or the session
   * changed): a position p of an earlier result with the same origin is p − (its dropped −
   * this dropped) here.
   */
  readonly dropped: number;
  readonly origin: object;
}

export interface Criteria {
  pids: ReadonlySet<string>;
  kinds: ReadonlySet<EntryKind>;
  search: string;
}

/** Lower-cased text an entry is searched by (cached on the entry). */
export function entryText(store: SessionStore, e: Entry): string {
  if (e.search !== undefined) return e.search;
  let text = e.name;
  if (e.kind === 'message' && e.mid !== undefined) {
    const m = store.messages.get(e.mid);
    if (m?.payload !== undefined) text += ` ${searchText(m.payload)}`;
  } else if (e.kind === 'step' && e.step !== undefined) {
    const rec = store.history.get(e.pid, e.step);
    const m = e.mid !== undefined ? store.messages.get(e.mid) : undefined;
    if (m && m.name !== e.name) text += ` ${m.name}`;
    if (rec?.mutation?.payload !== undefined) text += ` ${searchText(rec.mutation.payload)}`;
  }
  return store.cacheSearch(e, text.toLowerCase());
}

export function matches(store: SessionStore, e: Entry, c: Criteria, query: string): boolean {
  if (c.pids.size && !c.pids.has(e.pid)) return false;
  if (!c.kinds.has(e.kind)) return false;
  return !query || entryText(store, e).includes(query);
}

/** The straightforward filter (also what tests compare the incremental one against). */
export function filterAll(store: SessionStore, c: Criteria): number[] {
  const q = c.search.trim().toLowerCase();
  const out: number[] = [];
  const tl = store.timeline;
  for (let i = tl.first; i < tl.end; i++) if (matches(store, tl.at(i)!, c, q)) out.push(i);
  return out;
}

/** The whole timeline: positions are indices from the oldest kept one. */
const everything = (first: number, n: number, origin: object): FilterResult => ({
  length: n,
  dropped: first,
  origin,
  at: (i) => first + i,
  positionOf: (i) => (i >= first && i < first + n ? i - first : -1),
});

/** `indices[from]` … `indices[to - 1]` (ascending; never written to again). */
function indexed(indices: number[], from: number, to: number, dropped: number, origin: object): FilterResult {
  return {
    length: to - from,
    dropped,
    origin,
    at: (i) => indices[from + i],
    positionOf: (index) => {
      // indices is sorted ascending: binary search.
      let lo = from;
      let hi = to - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = indices[mid];
        if (v === index) return mid - from;
        if (v < index) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
  };
}

export class TimelineFilter {
  readonly pids = signal<ReadonlySet<string>>(new Set());
  readonly kinds = signal<ReadonlySet<EntryKind>>(new Set(ENTRY_KINDS));
  readonly search = signal('');
  readonly result: ReadonlySignal<FilterResult>;

  // Incremental state: the criteria the index was built for and how far it has scanned.
  private last?: { store: SessionStore; pids: ReadonlySet<string>; kinds: ReadonlySet<EntryKind>; q: string };
  /** Matching indices, ascending; those before `head` were let go of (cleared when compacted). */
  private indices: number[] = [];
  private head = 0;
  private dropped = 0;
  private origin: object = {};
  private scanned = 0;
  /** The unfiltered view's origin, per session. */
  private whole = new WeakMap<SessionStore, object>();
  /** How far `warm` built search texts, in which session. */
  private warmed = 0;
  private warmedStore?: SessionStore;

  constructor(private store: ReadonlySignal<SessionStore>) {
    this.result = computed(() => {
      const s = store.value;
      s.version.value;
      return this.run(s, { pids: this.pids.value, kinds: this.kinds.value, search: this.search.value });
    });
  }

  get active(): boolean {
    return (
      this.pids.value.size > 0 ||
      this.kinds.value.size < ENTRY_KINDS.length ||
      this.search.value.trim() !== ''
    );
  }

  togglePid(pid: string): void {
    const next = new Set(this.pids.value);
    if (!next.delete(pid)) next.add(pid);
    this.pids.value = next;
  }

  toggleKind(kind: EntryKind): void {
    const next = new Set(this.kinds.value);
    if (!next.delete(kind)) next.add(kind);
    this.kinds.value = next;
  }

  /**
   * Build the search texts of entries that have none yet, while `timeLeft()` (ms) is
   * positive: run in idle time so the first search answers as fast as the next. Returns
   * whether entries are left.
   */
  warm(timeLeft: () => number): boolean {
    const s = this.store.value;
    if (s !== this.warmedStore) {
      this.warmedStore = s;
      this.warmed = 0;
    }
    const tl = s.timeline;
    this.warmed = Math.max(this.warmed, tl.first);
    while (this.warmed < tl.end && timeLeft() > 1) {
      const end = Math.min(tl.end, this.warmed + 500);
      for (; this.warmed < end; this.warmed++) {
        const e = tl.at(this.warmed)!;
        entryText(s, e);
        // The budget has no room for more: go on once the session has let go of some.
        if (e.search === undefined) return false;
      }
    }
    return this.warmed < tl.end;
  }

  clearPids(): void {
    if (this.pids.value.size) this.pids.value = new Set();
  }

  private run(store: SessionStore, c: Criteria): FilterResult {
    const tl = store.timeline;
    const q = c.search.trim().toLowerCase();
    if (!c.pids.size && c.kinds.size === ENTRY_KINDS.length && !q) {
      this.last = undefined;
      let origin = this.whole.get(store);
      if (!origin) {
        origin = {};
        this.whole.set(store, origin);
      }
      return everything(tl.first, tl.length, origin);
    }
    const prev = this.last;
    const same = prev && prev.store === store && prev.pids === c.pids && prev.kinds === c.kinds;
    if (same && prev.q === q) {
      // Same criteria: only the entries that arrived since.
    } else if (same && prev.q && q.includes(prev.q)) {
      // A narrower search: every match is among the previous matches (those still kept).
      this.restart(
        this.indices.slice(this.head).filter((i) => tl.at(i) && entryText(store, tl.at(i)!).includes(q)),
      );
    } else {
      this.restart([]);
      this.scanned = tl.first;
    }
    // Matches the session let go of leave the front.
    const first = tl.first;
    while (this.head < this.indices.length && this.indices[this.head] < first) {
      this.head++;
      this.dropped++;
    }
    if (this.head > 1024 && this.head * 2 > this.indices.length) {
      // A new array: results handed out keep reading the old one.
      this.indices = this.indices.slice(this.head);
      this.head = 0;
    }
    this.scanned = Math.max(this.scanned, first);
    for (; this.scanned < tl.end; this.scanned++) {
      if (matches(store, tl.at(this.scanned)!, c, q)) this.indices.push(this.scanned);
    }
    this.last = { store, pids: c.pids, kinds: c.kinds, q };
    return indexed(this.indices, this.head, this.indices.length, this.dropped, this.origin);
  }

  private restart(indices: number[]): void {
    this.indices = indices;
    this.head = 0;
    this.dropped = 0;
    this.origin = {};
  }
}
