/**
 * What one recorded step costs the panel's memory, estimated from the step alone.
 *
 * Why this is a fair estimate: history.ts makes step k's state by patching step k-1's,
 * copying only the containers on the paths the delta touches and sharing every other
 * subtree. So what a delta step adds is (a) the delta itself (kept for the diff view and
 * the exported log; its new values are the very objects the new state points at) and (b)
 * the copied containers, one pointer per slot. A full state (the first step, a snapshot, a
 * rebase base) shares nothing and costs its whole serialized size, which the hook already
 * reports in `stats.size`. Summing these over the kept steps counts each live object about
 * once, without ever walking a whole state: the work is of the order of applying the patch.
 *
 * Units are bytes, taking a JSON character as a byte. The JS heap holds a parsed value in a
 * small multiple of its JSON length, so this is a consistent measure to budget by rather
 * than an exact heap figure.
 */
import type { Delta, Serialized } from '../../../runtime-hook/protocol';

/** One pointer per slot of each container a patch copied. */
export const SLOT_BYTES = 8;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Characters of JSON; 0 for what does not stringify (nothing decoded from the wire). */
export function jsonSize(x: unknown): number {
  try {
    return JSON.stringify(x)?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Slots of the containers patchImmutable copied to apply `delta`, read off `next` (the
 * patched state) along the delta's own paths. Leaf changes (`[new]`, `[old, new]`,
 * deletions) copy nothing: their values are the delta's.
 */
export function copiedSlots(delta: unknown, next: Serialized | undefined): number {
  if (!isObj(delta)) return 0;
  const keys = Object.keys(delta);
  if (delta._t === 'a') {
    if (keys.length <= 1 || !Array.isArray(next)) return 0;
    let n = next.length;
    for (const k of keys) {
      const dv = delta[k];
      // `_i` removals/moves and `[v]` inserts are leaves; other indices patch the new array.
      if (k[0] !== '_' && !(Array.isArray(dv) && dv.length === 1)) n += copiedSlots(dv, next[+k]);
    }
    return n;
  }
  if (!keys.length || !isObj(next)) return 0;
  let n = Object.keys(next).length;
  for (const k of keys) n += copiedSlots(delta[k], (next as Record<string, Serialized>)[k]);
  return n;
}

/** Estimated bytes a delta step adds to the history (see the file comment). */
export function deltaStepBytes(delta: Delta | undefined, next: Serialized | undefined): number {
  if (delta === undefined) return 0;
  return jsonSize(delta) + (next === undefined ? 0 : SLOT_BYTES * copiedSlots(delta, next));
}

/** Bytes of a state that shares nothing (a full state), as the hook measured it. */
export const fullStateBytes = (size: number): number => (Number.isFinite(size) && size > 0 ? size : 0);
