/**
 * The panel's only use of jsondiffpatch: a delta between two arbitrary states, for display
 * when no recorded delta is at hand (a step that arrived as a full snapshot, a message that
 * made several steps, an imported file). Drawing is ours (components/DiffView.tsx).
 */
import { create } from 'jsondiffpatch';
import { diff as linearDiff } from '../../../runtime-hook/delta';
import type { Delta, Serialized } from '../../../runtime-hook/protocol';

// matchByPosition set explicitly: left unset, jsondiffpatch first runs an O(n·m) scan for
// items matched by reference. Values are never cloned: states are immutable and shared.
const differ = create({ matchByPosition: true, arrays: { detectMove: true }, cloneDiffValues: false });

/** Past this many item comparisons, jsondiffpatch's array LCS is too slow for a click. */
const LCS_BUDGET = 2_000_000;

/**
 * Upper bound of jsondiffpatch's array work for `a` → `b`: the product of lengths of every
 * pair of differing arrays at the same path. Shared subtrees (same reference) are skipped,
 * which is the common case with structurally shared history.
 */
function lcsCost(a: Serialized, b: Serialized, budget: number): number {
  let cost = 0;
  const stack: [Serialized, Serialized][] = [[a, b]];
  while (stack.length && cost <= budget) {
    const [x, y] = stack.pop()!;
    if (x === y || typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) continue;
    if (Array.isArray(x) && Array.isArray(y)) {
      cost += x.length * y.length;
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) if (x[i] !== y[i]) stack.push([x[i], y[i]]);
    } else if (!Array.isArray(x) && !Array.isArray(y)) {
      for (const k of Object.keys(x)) if (Object.hasOwn(y, k) && x[k] !== y[k]) stack.push([x[k], y[k]]);
    }
  }
  return cost;
}

/**
 * Delta from `a` to `b` in jsondiffpatch format, undefined when equal. Falls back to the
 * hook's linear index-wise diff (same format) when arrays are too large for an LCS, or if
 * jsondiffpatch throws on an odd value.
 */
export function diffStates(a: Serialized, b: Serialized): Delta | undefined {
  if (a === b) return undefined;
  try {
    if (lcsCost(a, b, LCS_BUDGET) <= LCS_BUDGET) return differ.diff(a, b) as Delta | undefined;
  } catch {
    // fall through to the linear diff
  }
  return linearDiff(a, b);
}
