/**
 * A jsondiffpatch-format delta as a flat list of changes, for DiffView to draw. Reads the
 * format only (no jsondiffpatch import): added `[new]`, changed `[old, new]`, removed
 * `[old, 0, 0]`, moved `["", to, 3]`, text diff `[patch, 0, 2]`, nested objects, and
 * arrays marked `_t: 'a'` with `_i` for removals/moves by old index.
 */
import type { Delta, Serialized } from '../../../runtime-hook/protocol';
import { isObject, userKey } from './serialized';

export type DiffOp = 'added' | 'removed' | 'changed' | 'moved' | 'text';

export interface DiffLine {
  path: (string | number)[];
  op: DiffOp;
  old?: Serialized;
  new?: Serialized;
  /** For moves: the new index. For text diffs: the patch text in `new`. */
  to?: number;
}

export interface DiffLines {
  lines: DiffLine[];
  /** More changes existed than `limit`; the list stops there. */
  truncated: boolean;
  /** The delta had a shape we could not read (shown, not thrown). */
  malformed: boolean;
}

/** Flatten `delta`. Never throws; stops after `limit` lines. */
export function deltaLines(delta: Delta | undefined, limit = 2000): DiffLines {
  const out: DiffLines = { lines: [], truncated: false, malformed: false };
  if (delta === undefined) return out;
  walk(delta, [], out, limit, 0);
  return out;
}

function push(out: DiffLines, limit: number, line: DiffLine): boolean {
  if (out.lines.length >= limit) {
    out.truncated = true;
    return false;
  }
  out.lines.push(line);
  return true;
}

function leaf(d: Serialized[], path: (string | number)[], out: DiffLines, limit: number): void {
  if (d.length === 1) push(out, limit, { path, op: 'added', new: d[0] });
  else if (d.length === 2) push(out, limit, { path, op: 'changed', old: d[0], new: d[1] });
  else if (d.length === 3 && d[1] === 0 && d[2] === 0) push(out, limit, { path, op: 'removed', old: d[0] });
  else if (d.length === 3 && d[2] === 2) push(out, limit, { path, op: 'text', new: d[0] });
  else out.malformed = true;
}

function walk(d: Delta, path: (string | number)[], out: DiffLines, limit: number, depth: number): void {
  if (out.truncated) return;
  if (depth > 200) {
    out.malformed = true;
    return;
  }
  if (Array.isArray(d)) {
    leaf(d, path, out, limit);
    return;
  }
  if (!isObject(d)) {
    out.malformed = true;
    return;
  }
  if (d._t === 'a') {
    // Removals and moves are keyed by old index (`_3`), the rest by new index.
    const keys = Object.keys(d).filter((k) => k !== '_t');
    const removals = keys.filter((k) => k.startsWith('_')).sort((a, b) => +a.slice(1) - +b.slice(1));
    const others = keys.filter((k) => !k.startsWith('_')).sort((a, b) => +a - +b);
    for (const k of removals) {
      const i = Number(k.slice(1));
      const v = d[k];
      if (Array.isArray(v) && v.length === 3 && v[2] === 3) {
        if (!push(out, limit, { path: [...path, i], op: 'moved', to: Number(v[1]) })) return;
      } else if (Array.isArray(v) && v.length === 3 && v[2] === 0) {
        if (!push(out, limit, { path: [...path, i], op: 'removed', old: v[0] })) return;
      } else out.malformed = true;
    }
    for (const k of others) {
      const i = Number(k);
      if (!Number.isInteger(i)) {
        out.malformed = true;
        continue;
      }
      walk(d[k], [...path, i], out, limit, depth + 1);
      if (out.truncated) return;
    }
    return;
  }
  for (const k of Object.keys(d)) {
    walk(d[k], [...path, userKey(k)], out, limit, depth + 1);
    if (out.truncated) return;
  }
}
