/**
 * Deltas between serialized states, in jsondiffpatch's format (old values kept, so every
 * delta reverses). Kept small and linear: no LCS and no text diffs when diffing; the
 * patcher also accepts jsondiffpatch's array moves. Zero dependencies (runs in the page).
 */
import type { Delta, Serialized } from './protocol';

type Obj = { [k: string]: Serialized };

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;
const isArr = Array.isArray;
const has = (o: object, k: string) => Object.hasOwn(o, k);

/**
 * Set an own data key; `__proto__` needs defineProperty or it would set the prototype. Also
 * incremental capture's and the panel cursor's. (serialize.ts keeps its own copy: importing
 * this one cost the hook core 4 B gzipped, of the few it has left.)
 */
export const put = (o: Obj, k: string, v: Serialized): void => {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
};

/**
 * Delta turning `a` into `b`, or undefined when they are equal. Identical references
 * short-circuit without a walk: that is how unchanged subtrees (reused by the serialize
 * cache) cost nothing.
 */
export function diff(a: Serialized, b: Serialized): Delta | undefined {
  // Object.is: same reference, and -0 vs 0 counts as a change (JSON would lose it anyway).
  if (Object.is(a, b)) return undefined;
  if (isObj(a) && isObj(b)) {
    if (isArr(a) && isArr(b)) return diffArray(a, b);
    if (!isArr(a) && !isArr(b)) return diffObject(a, b);
  }
  return [a, b];
}

function diffObject(a: Obj, b: Obj): Delta | undefined {
  const d: Obj = {};
  let n = 0;
  for (const k of Object.keys(a)) {
    const c = has(b, k) ? diff(a[k], b[k]) : [a[k], 0, 0];
    if (c !== undefined) {
      put(d, k, c);
      n++;
    }
  }
  for (const k of Object.keys(b)) {
    if (!has(a, k)) {
      put(d, k, [b[k]]);
      n++;
    }
  }
  // jsondiffpatch reads a `_t` key as an array marker and skips `__proto__`: a change under
  // such a user key is sent as a whole replacement of its object instead.
  return !n ? undefined : has(d, '_t') || has(d, '__proto__') ? [a, b] : d;
}

/**
 * Index-wise. A changed item that is not a nested object/array change is written as a
 * modification `"i": [old, new]` rather than jsondiffpatch's remove + add pair: both
 * patch the same, but jsondiffpatch's unpatch/reverse miscomputes indices for remove + add
 * pairs that precede a nested change, so the modification form is the one that reverses.
 */
function diffArray(a: Serialized[], b: Serialized[]): Delta | undefined {
  const d: Obj = { _t: 'a' };
  return diffItems(d, a, b, 0) ? d : undefined;
}

/**
 * Into the array delta `d`, the changes of items from index `i` on (as diffArray: a changed
 * item, then those added or removed past the shorter length); returns how many it wrote.
 * Incremental capture (capture.ts) writes the items it already knows below `i` itself.
 */
export function diffItems(d: Obj, a: Serialized[], b: Serialized[], i: number): number {
  let n = 0;
  const min = Math.min(a.length, b.length);
  for (; i < min; i++) {
    const c = diff(a[i], b[i]);
    if (c !== undefined) {
      d[i] = c;
      n++;
    }
  }
  for (i = min; i < b.length; i++, n++) d[i] = [b[i]];
  for (i = min; i < a.length; i++, n++) d[`_${i}`] = [a[i], 0, 0];
  return n;
}

const bad = (what: string): never => {
  throw new Error(`patch: ${what}`);
};

/**
 * Apply a jsondiffpatch delta without touching `base`: returns a new tree in which every
 * subtree the delta does not reach is the same reference as in `base`. Values taken from
 * the delta are used as-is (not cloned); treat both as immutable. Throws on a delta that
 * does not fit `base`, and on text diffs ('text diffs are not supported'); callers catch.
 */
export function patchImmutable(base: Serialized, delta: Delta | undefined): Serialized {
  if (delta === undefined) return base;
  if (isArr(delta)) {
    switch (delta.length) {
      case 1:
        return delta[0];
      case 2:
        return delta[1];
      case 3:
        if (delta[2] === 2) throw new Error('text diffs are not supported');
    }
    return bad('unexpected delta here');
  }
  if (!isObj(delta)) return bad('malformed delta');
  const keys = Object.keys(delta);
  // An empty delta (what a caller may send for "unchanged") fits any base.
  if (!keys.length || (keys.length === 1 && delta._t === 'a')) return base;
  if (delta._t === 'a')
    return isArr(base) ? patchArray(base, delta, keys) : bad('array delta on a non-array');
  if (!isObj(base) || isArr(base)) return bad('object delta on a non-object');
  // Spread copies own keys as data properties, `__proto__` included, without setters.
  const out: Obj = { ...base };
  for (const k of keys) {
    const dv = delta[k];
    if (isArr(dv) && dv.length === 3 && dv[2] === 0) delete out[k];
    else put(out, k, patchImmutable(has(base, k) ? base[k] : null, dv));
  }
  return out;
}

/** Same semantics as jsondiffpatch's array patch (remove, then insert/move, then modify), in O(n). */
function patchArray(base: Serialized[], delta: Obj, keys: string[]): Serialized[] {
  const removed = new Set<number>();
  const inserts: [number, Serialized][] = [];
  const mods: number[] = [];
  for (const k of keys) {
    if (k === '_t') continue;
    const dv = delta[k];
    if (k[0] === '_') {
      const i = +k.slice(1);
      if (!isArr(dv) || !(i >= 0 && i < base.length)) bad(`bad array removal ${k}`);
      else if (dv[2] === 3) inserts.push([dv[1] as number, base[i]]);
      else if (dv[2] !== 0) bad(`bad array removal ${k}`);
      removed.add(i);
    } else if (isArr(dv) && dv.length === 1) inserts.push([+k, dv[0]]);
    else mods.push(+k);
  }
  let out = base;
  if (removed.size || inserts.length) {
    const kept = removed.size ? base.filter((_, i) => !removed.has(i)) : base;
    inserts.sort((x, y) => x[0] - y[0]);
    out = [];
    let j = 0;
    // Merge, like splicing each insert in ascending index order (past the end appends).
    for (const [at, v] of inserts) {
      while (out.length < at && j < kept.length) out.push(kept[j++]);
      out.push(v);
    }
    while (j < kept.length) out.push(kept[j++]);
  }
  if (mods.length) {
    if (out === base) out = base.slice();
    for (const i of mods) {
      if (!(i >= 0 && i < out.length)) bad(`bad array index ${i}`);
      out[i] = patchImmutable(out[i], delta[i]);
    }
  }
  return out;
}
