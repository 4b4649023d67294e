/**
 * The memory budget of the panel's state history, adjustable in Settings and remembered
 * like the flag thresholds. History is bounded by memory, never by a step count: a store
 * with small steps keeps a very long history, one with huge states a shorter one.
 */
import { signal } from '@preact/signals';
import { type KeyValueStore, readJson, writeJson } from '../lib/storage';

export const MB = 1024 * 1024;
/** Bytes (JSON characters) of estimated history, see history-cost.ts. */
export const DEFAULT_HISTORY_BUDGET = 256 * MB;

const STORAGE_KEY = 'hindsight.historyBudget.v1';

/** A finite, non-negative byte count; anything else is the default. */
export function sanitizeBudget(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : DEFAULT_HISTORY_BUDGET;
}

export class HistoryBudgetModel {
  readonly value = signal(DEFAULT_HISTORY_BUDGET);
  constructor(private storage?: KeyValueStore) {
    this.value.value = sanitizeBudget(readJson(storage, STORAGE_KEY));
  }
  set(bytes: number): void {
    this.value.value = sanitizeBudget(bytes);
    writeJson(this.storage, STORAGE_KEY, this.value.value);
  }
  reset(): void {
    this.set(DEFAULT_HISTORY_BUDGET);
  }
}
