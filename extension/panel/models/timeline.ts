/**
 * The timeline of one session: messages (at `queued`), steps and notices, append-only and
 * in seq order. Entries are pushed in place; nothing rebuilds the array per event.
 */
export type EntryKind = 'message' | 'step' | 'notice';
export const ENTRY_KINDS: readonly EntryKind[] = ['message', 'step', 'notice'];

export interface Entry {
  /** Position in `Timeline.entries`. */
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
  /** Lower-cased search text (name + payload), filled in on the first search. */
  search?: string;
}

export class Timeline {
  readonly entries: Entry[] = [];
  private bySeq = new Map<number, number>();
  /** Timeline index of each (pid, step). */
  private steps = new Map<string, Map<number, number>>();

  add(e: Omit<Entry, 'index'>): Entry {
    const entry: Entry = { index: this.entries.length, ...e };
    this.entries.push(entry);
    // Several entries can share a seq (a rebase adds a notice and base steps): keep the first.
    if (!this.bySeq.has(e.seq)) this.bySeq.set(e.seq, entry.index);
    if (e.kind === 'step' && e.step !== undefined) {
      const m = this.steps.get(e.pid) ?? new Map<number, number>();
      this.steps.set(e.pid, m);
      m.set(e.step, entry.index);
    }
    return entry;
  }

  get length(): number {
    return this.entries.length;
  }

  at(index: number): Entry | undefined {
    return this.entries[index];
  }

  bySequence(seq: number): Entry | undefined {
    const i = this.bySeq.get(seq);
    return i === undefined ? undefined : this.entries[i];
  }

  stepEntry(pid: string, step: number): Entry | undefined {
    const i = this.steps.get(pid)?.get(step);
    return i === undefined ? undefined : this.entries[i];
  }
}
