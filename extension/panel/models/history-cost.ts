/**
 * What one recorded step costs the panel's memory, estimated from what history.ts keeps.
 *
 * Why this is a fair estimate: history.ts keeps every step's delta (the diff view and the
 * exported log need it; its new values are the very objects the states point at) and, every
 * so often, a checkpoint: a state that shares every subtree with the previous checkpoint
 * except the containers the deltas in between reached, which it copied once each. So a
 * delta step costs its delta plus its record; a checkpoint adds one pointer per slot of
 * those copied containers; a full state (the first step, a snapshot, a rebase base, the
 * oldest kept step) shares nothing and costs its whole serialized size, which the hook
 * already reports in `stats.size`. Summing these over the kept steps counts each live
 * object about once, without ever walking a whole state.
 *
 * Units are bytes, taking a JSON character as a byte. The JS heap holds a parsed value in a
 * small multiple of its JSON length, so this is a consistent measure to budget by rather
 * than an exact heap figure.
 */
import type { Delta } from '../../../runtime-hook/protocol';

/** One pointer per slot of each container a checkpoint copied. */
export const SLOT_BYTES = 8;

/**
 * What a step's record costs besides its delta (its fields, its map entry, the delta's
 * object headers), in the same JSON-character units: without it a stream of tiny steps
 * would look free, and the budget would bound nothing. Set from the history benchmark's
 * heap per step against its estimate (tests/bench/history.bench-run.ts).
 */
export const RECORD_BYTES = 160;

/** Characters of JSON; 0 for what does not stringify (nothing decoded from the wire). */
export function jsonSize(x: unknown): number {
  try {
    return JSON.stringify(x)?.length ?? 0;
  } catch {
    return 0;
  }
}

/** Estimated bytes a delta step adds to the history (see the file comment). */
export const deltaStepBytes = (delta: Delta | undefined): number =>
  RECORD_BYTES + (delta === undefined ? 0 : jsonSize(delta));

/** Bytes a checkpoint adds: the slots of the containers it copied. */
export const checkpointBytes = (copiedSlots: number): number => SLOT_BYTES * copiedSlots;

/** Bytes of a state that shares nothing (a full state), as the hook measured it. */
export const fullStateBytes = (size: number): number => (Number.isFinite(size) && size > 0 ? size : 0);
