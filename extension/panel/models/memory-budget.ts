/**
 * The panel's memory budget for a recorded session, adjustable in Settings and remembered
 * like the flag thresholds: what the whole session may hold (its state history, timeline,
 * messages, event log; session.ts), by memory, never by a count. A store with small steps
 * keeps a very long session, one with huge states a shorter one.
 */
import { signal } from '@preact/signals';
import { type KeyValueStore, readJson, writeJson } from '../lib/storage';

export const MB = 1024 * 1024;
/** Estimated bytes of heap (history-cost.ts, session-cost.ts). */
export const DEFAULT_MEMORY_BUDGET = 256 * MB;

/** The key the setting had when it bounded the state history alone: a user's choice stays. */
const STORAGE_KEY = 'hindsight.historyBudget.v1';

/** A finite, non-negative byte count; anything else is the default. */
export function sanitizeBudget(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : DEFAULT_MEMORY_BUDGET;
}

export class MemoryBudgetModel {
  readonly value = signal(DEFAULT_MEMORY_BUDGET);
  constructor(private storage?: KeyValueStore) {
    this.value.value = sanitizeBudget(readJson(storage, STORAGE_KEY));
  }
  set(bytes: number): void {
    this.value.value = sanitizeBudget(bytes);
    writeJson(this.storage, STORAGE_KEY, this.value.value);
  }
  reset(): void {
    this.set(DEFAULT_MEMORY_BUDGET);
  }
}
