/**
 * "Preserve log": when the inspected page reloads, the session it had stays in the panel,
 * view only and marked as earlier, instead of being replaced. Off by default (as in the
 * DevTools Network and Console panels); the switch is remembered like the thresholds.
 *
 * Kept sessions are bounded: at most MAX_EARLIER, and none once they would push the
 * panel past its memory budget together with the live session (each session's whole
 * estimate, SessionStore.bytes); letting one go is counted and shown, never silent.
 */
import { batch, signal } from '@preact/signals';
import { type KeyValueStore, readJson, writeJson } from '../lib/storage';
import type { SessionStore } from './session';

export const MAX_EARLIER = 5;
const STORAGE_KEY = 'hindsight.preserveLog.v1';

export interface EarlierSession {
  /** 1 for the first session of this panel, counting up. */
  n: number;
  store: SessionStore;
  url: string;
  /** When the reload replaced it (page clock of its last event, or the panel's). */
  endedAt: number;
}

export class EarlierSessions {
  readonly preserve = signal(false);
  /** Oldest first. */
  readonly list = signal<readonly EarlierSession[]>([]);
  /** Earlier sessions let go of (over MAX_EARLIER or the memory budget). */
  readonly letGo = signal(0);
  private count = 0;

  constructor(private storage?: KeyValueStore) {
    this.preserve.value = readJson(storage, STORAGE_KEY) === true;
  }

  setPreserve(on: boolean): void {
    this.preserve.value = on;
    writeJson(this.storage, STORAGE_KEY, on);
  }

  /**
   * The page reloaded away from `store`: keep it (view only) if Preserve log is on and it
   * recorded anything. Returns the kept entry, if any.
   */
  retire(store: SessionStore, budget: number, liveBytes: number): EarlierSession | undefined {
    this.count++;
    if (!this.preserve.value || store.eventCount === 0) return undefined;
    store.viewOnly = true;
    const last = store.lastEvent;
    const kept: EarlierSession = {
      n: this.count,
      store,
      url: store.info?.url ?? '',
      endedAt: last?.t ?? Date.now(),
    };
    const list = [...this.list.value, kept];
    let gone = 0;
    const held = () => list.reduce((n, s) => n + s.store.bytes, liveBytes);
    while (list.length > MAX_EARLIER || (list.length > 1 && held() > budget)) {
      list.shift();
      gone++;
    }
    batch(() => {
      this.list.value = list;
      if (gone) this.letGo.value += gone;
    });
    return list.includes(kept) ? kept : undefined;
  }

  clear(): void {
    this.list.value = [];
  }
}
