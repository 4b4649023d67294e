/**
 * Flag thresholds, adjustable in the panel's settings and remembered in localStorage.
 * Sizes are characters of serialized JSON (what StateStats reports).
 */
import { signal } from '@preact/signals';
import { type KeyValueStore, readJson, writeJson } from '../lib/storage';

export interface Thresholds {
  /** One top-level key larger than this (stats.keys). */
  keySize: number;
  /** The whole state larger than this (stats.size). */
  stateSize: number;
  /** A list longer than this (stats.longestList.length). */
  listLength: number;
  /** The state grew on every one of this many consecutive steps. */
  growthSteps: number;
  /** A handler ran longer than this (ms). */
  slowMs: number;
  /** More than this many messages waiting in a mailbox. */
  backlogDepth: number;
  /** A message waited longer than this (ms). */
  waitMs: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  keySize: 100 * 1024,
  stateSize: 1024 * 1024,
  listLength: 1000,
  growthSteps: 20,
  slowMs: 100,
  backlogDepth: 5,
  waitMs: 200,
});

const STORAGE_KEY = 'hindsight.thresholds.v1';

/** Keep only finite, non-negative numbers; anything else falls back to the default. */
export function sanitizeThresholds(x: unknown): Thresholds {
  const out = { ...DEFAULT_THRESHOLDS };
  if (typeof x !== 'object' || x === null) return out;
  for (const k of Object.keys(DEFAULT_THRESHOLDS) as (keyof Thresholds)[]) {
    const v = (x as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[k] = v;
  }
  return out;
}

export class ThresholdsModel {
  readonly value = signal<Thresholds>(DEFAULT_THRESHOLDS);
  constructor(private storage?: KeyValueStore) {
    this.value.value = sanitizeThresholds(readJson(storage, STORAGE_KEY));
  }
  set(patch: Partial<Thresholds>): void {
    this.value.value = sanitizeThresholds({ ...this.value.value, ...patch });
    writeJson(this.storage, STORAGE_KEY, this.value.value);
  }
  reset(): void {
    this.set(DEFAULT_THRESHOLDS);
  }
}
