/**
 * The shape StateTree walks: a Serialized value's children (arrays, objects, and marker
 * objects that have parts, such as Map entries), paging of long child lists, and the search
 * that finds which paths to open. Pure functions; the component only draws.
 */
import type { Serialized } from '../../../runtime-hook/protocol';
import { describeMarker, isMarker, isObject, keyLabel } from './serialized';

/** Children per page: longer lists are grouped into ranges, DevTools-style. */
export const PAGE = 100;

/** Separator of path keys: a character page keys cannot make ambiguous in practice. */
const SEP = '\u0000';
export const childPath = (parent: string, key: string): string => `${parent}${SEP}${key}`;

export interface Child {
  /** Key within the parent's path (array index, object key as sent, marker part index). */
  key: string;
  /** What the user sees as the key. */
  label: string;
  value: Serialized;
}

/** How many children a value has (without building them). */
export function childCount(v: Serialized): number {
  if (Array.isArray(v)) return v.length;
  if (isMarker(v)) return describeMarker(v).children?.length ?? 0;
  if (isObject(v)) return Object.keys(v).length;
  return 0;
}

/** Children lo..hi-1 of a value. */
export function childrenOf(v: Serialized, lo = 0, hi = Number.POSITIVE_INFINITY): Child[] {
  if (Array.isArray(v)) {
    const out: Child[] = [];
    for (let i = lo; i < Math.min(hi, v.length); i++)
      out.push({ key: String(i), label: String(i), value: v[i] });
    return out;
  }
  if (isMarker(v)) {
    const parts = describeMarker(v).children ?? [];
    return parts.slice(lo, hi).map(([label, value], i) => ({ key: `#${lo + i}`, label, value }));
  }
  if (isObject(v)) {
    return Object.keys(v)
      .slice(lo, hi)
      .map((k) => ({ key: k, label: keyLabel(k, v[k]), value: v[k] }));
  }
  return [];
}

/** Split n children starting at lo into ranges of 100, 10,000, … so each level has ≤ 100. */
export function ranges(lo: number, hi: number): [number, number][] {
  const n = hi - lo;
  if (n <= PAGE) return [];
  let chunk = PAGE;
  while (chunk * PAGE < n) chunk *= PAGE;
  const out: [number, number][] = [];
  for (let a = lo; a < hi; a += chunk) out.push([a, Math.min(hi, a + chunk)]);
  return out;
}

export interface TreeSearch {
  query: string;
  /** Paths whose key or value matches. */
  hits: Set<string>;
  /** Paths to open (ancestors of hits), with the child positions on the way (for ranges). */
  open: Map<string, Set<number>>;
  count: number;
  /** The walk stopped at its node budget. */
  capped: boolean;
}

/** Primitive value as the tree shows it, for matching. */
function leafText(v: Serialized): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'object') return isMarker(v) ? describeMarker(v).label : undefined;
  return String(v);
}

interface Frame {
  value: Serialized;
  path: string;
  label: string;
  /** Position among the parent's children. */
  pos: number;
  parent?: Frame;
}

/**
 * Find paths whose key or value contains `query` (case-insensitive), visiting at most
 * `budget` nodes so a search in a huge state stays quick.
 */
export function searchTree(root: Serialized, query: string, budget = 50_000): TreeSearch {
  const q = query.trim().toLowerCase();
  const out: TreeSearch = { query: q, hits: new Set(), open: new Map(), count: 0, capped: false };
  if (!q) return out;
  const stack: Frame[] = [{ value: root, path: '', label: '', pos: 0 }];
  let visited = 0;
  while (stack.length) {
    if (++visited > budget) {
      out.capped = true;
      break;
    }
    const f = stack.pop()!;
    const text = leafText(f.value);
    if (f.path && (f.label.toLowerCase().includes(q) || text?.toLowerCase().includes(q))) {
      out.hits.add(f.path);
      out.count++;
      for (let c: Frame | undefined = f; c?.parent; c = c.parent) {
        const s = out.open.get(c.parent.path) ?? new Set<number>();
        out.open.set(c.parent.path, s);
        if (s.has(c.pos)) break;
        s.add(c.pos);
      }
    }
    if (typeof f.value === 'object' && f.value !== null) {
      const kids = childrenOf(f.value);
      for (let i = kids.length - 1; i >= 0; i--) {
        const k = kids[i];
        stack.push({ value: k.value, path: childPath(f.path, k.key), label: k.label, pos: i, parent: f });
      }
    }
  }
  return out;
}
