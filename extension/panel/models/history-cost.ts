/**
 * What one recorded step costs the panel's memory, estimated from what history.ts keeps.
 *
 * Why this is a fair estimate: history.ts keeps every step's delta (the diff view and the
 * exported log need it; its new values are the very objects the states point at) and, every
 * so often, a checkpoint: a state that shares every subtree with the previous checkpoint
 * except the containers the deltas in between reached, which it copied once each. So a
 * delta step costs its delta plus its record (its stats, its mutation); a checkpoint adds
 * those copied containers, a header and a pointer per slot each; a full state (the first
 * step, a snapshot, a rebase base, the oldest kept step) shares nothing and costs its
 * whole size, from what the hook already reports in `stats.size`. Summing these over the
 * kept steps counts each live object about once, without ever walking a whole state.
 *
 * Units are estimated bytes of JS heap. The constants were measured with
 * `node --expose-gc` (heap after a forced GC, per object, over 100,000 to 200,000 of them
 * made as the decoder and the models make them) on a 64-bit engine without pointer
 * compression, where a pointer or small integer takes 8 bytes; the browser's panel (Chrome
 * compresses pointers to 4 bytes) holds the same in less, so the budget errs on the safe
 * side there. tests/bench/history.bench-run.ts and panel-memory.bench-run.ts check the
 * estimates against the real heap (history: 86 MB estimated for 85 MB held; a whole session
 * of small steps: 564 bytes per event estimated for 539 held).
 */
import type { Delta, Serialized, StateStats } from '../../../runtime-hook/protocol';

/** One pointer per slot of each container a checkpoint copied (and per slot of a parsed value). */
export const SLOT_BYTES = 8;

/** A parsed object's header (map, properties, elements) and some spare room, its slots aside. */
export const OBJECT_BYTES = 32;
/** A parsed array: its header and its backing store's header, its slots aside. */
export const ARRAY_BYTES = 40;
/**
 * An array delta (`"_t":"a"` and index keys): its indices make the parsed object keep a
 * separate element store, sparse ones a hash table (measured: `{"_t":"a","7919":{…}}`
 * takes 245 bytes more than the same object with a named key).
 */
export const ARRAY_DELTA_BYTES = 160;
export const INDEX_KEY_BYTES = 64;
/**
 * A container a checkpoint copied: its header, and the spare slots a spread copy of a small
 * object gets (measured: a 2- or 3-key object copied by spread takes 56 to 60 bytes).
 */
export const CONTAINER_BYTES = 48;

/**
 * What a step's record costs besides what it points to: its fields (and the boxed number of
 * its time), its entry in its process's step map and kept list. Measured: 213 bytes.
 */
export const RECORD_BYTES = 216;
/**
 * A mutation's `{ name, payload }` object as decoded (a property added after the literal
 * goes to a separate store: measured 74), its payload counted by `valueBytes`.
 */
export const MUTATION_BYTES = 72;
/** A decoded `stats` object without `keys` (measured 32). */
export const STATS_BYTES = 32;
/**
 * Its `keys` map: the decoder makes it without a prototype, which the engine keeps as a
 * hash table (measured: 222 bytes with one key, 224 with 2, 512 with 8, 3,200 with 50).
 */
export const STATS_KEYS_BYTES = 128;
export const STATS_KEY_BYTES = 62;
/**
 * A full state's heap per character of its JSON (`stats.size`): object headers and slots
 * make a parsed state about twice its JSON (measured on the history benchmark's 1 MB store
 * of small objects: 2.2 MB). Its state is not walked to know better: it can be megabytes.
 */
export const FULL_STATE_FACTOR = 2;

/** Characters of JSON; 0 for what does not stringify (nothing decoded from the wire). */
export function jsonSize(x: unknown): number {
  try {
    return JSON.stringify(x)?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Estimated heap bytes of a value decoded from JSON: its characters (strings take about one
 * byte per character; short ones are shared by the engine, which this does not count on),
 * plus a header per object and array, a slot per element, and what an array delta's index
 * keys add, counted from the JSON text in one pass (a brace or comma inside a string
 * counts too: an over-estimate). Measured, heap against estimate: a small-state delta of 82
 * characters 344 / 362 bytes; `{"items":{"_t":"a","7919":{"n":[0,1]}}}` 441 / 415, with 3
 * indices 823 / 750, with a named key instead 196 / 171; `{"i":1}` 32 / 39.
 */
export function valueBytes(x: unknown): number {
  let s: string | undefined;
  try {
    s = JSON.stringify(x);
  } catch {
    return 0;
  }
  if (s === undefined) return 0;
  const len = s.length;
  let n = len;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) n += OBJECT_BYTES;
    else if (c === 91) n += ARRAY_BYTES;
    else if (c === 44) n += SLOT_BYTES;
    else if (c === 34) {
      // A key of digits ("12":) is an index; `"_t":"a"` marks an array delta. (An escaped
      // quote inside a string can look like either: an over-estimate at worst.)
      let j = i + 1;
      for (let d = s.charCodeAt(j); d >= 48 && d <= 57; d = s.charCodeAt(++j));
      if (j > i + 1 && s.charCodeAt(j) === 34 && s.charCodeAt(j + 1) === 58) {
        n += INDEX_KEY_BYTES;
        i = j + 1;
      } else if (s.startsWith('_t":"a"', i + 1)) n += ARRAY_DELTA_BYTES;
    }
  }
  return n;
}

/**
 * A string the decoder made: short ones (≤ 10 characters) are internalized by the engine's
 * JSON parser and shared by every event naming them, so they cost nothing per event.
 */
export const stringBytes = (s: string | undefined): number =>
  s === undefined || s.length <= 10 ? 0 : 16 + 8 * Math.ceil(s.length / 8);

/** A decoded `stats` object (no JSON: one per step, and its keys map is no plain object). */
export function statsBytes(stats: StateStats): number {
  let n = STATS_BYTES;
  if (stats.keys) {
    n += STATS_KEYS_BYTES;
    for (const _ in stats.keys) n += STATS_KEY_BYTES;
  }
  if (stats.longestList) n += OBJECT_BYTES + 2 * SLOT_BYTES + stringBytes(stats.longestList.path);
  return n;
}

/** What a step's record holds besides its state or delta: itself, its stats, its mutation. */
export function recordBytes(stats: StateStats, mutation?: { name: string; payload?: Serialized }): number {
  let n = RECORD_BYTES + statsBytes(stats);
  if (mutation) n += MUTATION_BYTES + stringBytes(mutation.name) + valueBytes(mutation.payload);
  return n;
}

/** Estimated bytes a delta step adds to the history (see the file comment). */
export const deltaStepBytes = (
  delta: Delta | undefined,
  stats: StateStats = { size: 0 },
  mutation?: { name: string; payload?: Serialized },
): number => recordBytes(stats, mutation) + (delta === undefined ? 0 : valueBytes(delta));

/** Bytes a checkpoint adds: the containers it copied, with their slots. */
export const checkpointBytes = (copied: { copiedSlots: number; copiedContainers: number }): number =>
  SLOT_BYTES * copied.copiedSlots + CONTAINER_BYTES * copied.copiedContainers;

/** Bytes of a state that shares nothing (a full state), from the size the hook measured. */
export const fullStateBytes = (size: number): number =>
  Number.isFinite(size) && size > 0 ? FULL_STATE_FACTOR * size : 0;
