import fc from 'fast-check';
import * as jsondiffpatch from 'jsondiffpatch';
import * as jdpText from 'jsondiffpatch/with-text-diffs';
import { describe, expect, it } from 'vitest';
import { diff, patchImmutable } from '../../runtime-hook/delta';
import type { Delta, Serialized } from '../../runtime-hook/protocol';
import { serialize } from '../../runtime-hook/serialize';

type Obj = { [k: string]: Serialized };
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;

function deepFreeze<T>(v: T): T {
  if (isObj(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Obj)[k]);
  }
  return v;
}

/** A JSON value as it travels (JSON drops -0; jsondiffpatch treats 0 and -0 as equal). */
const json = fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.parse(JSON.stringify(v)) as Serialized);

/** Small JSON whose keys include the ones the delta format treats specially. */
const trickyJson: fc.Arbitrary<Serialized> = fc
  .letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(1, 2, 'a', null, true),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom('_t', '__proto__', 'constructor', 'a', 'b', '0'), tie('v'), {
        maxKeys: 4,
      }),
    ),
  }))
  .v.map((v) => JSON.parse(JSON.stringify(v)) as Serialized);

/**
 * Apply `edits` to `v` immutably (like a reducer would): every edit copies only the path
 * to the node it changes, so everything else stays reference-equal to `v`.
 */
type Edit = { path: number[]; op: 'set' | 'del' | 'push' | 'pop' | 'unshift'; value: Serialized };
const edit = fc.record({
  path: fc.array(fc.nat(), { maxLength: 5 }),
  op: fc.constantFrom('set', 'del', 'push', 'pop', 'unshift') as fc.Arbitrary<Edit['op']>,
  value: json,
});

function applyEdit(v: Serialized, path: number[], op: Edit['op'], value: Serialized): Serialized {
  if (!isObj(v)) return value;
  const arr = Array.isArray(v);
  const keys = arr ? v.map((_, i) => i) : Object.keys(v);
  if (path.length === 0 || keys.length === 0) {
    if (arr) {
      if (op === 'push') return [...v, value];
      if (op === 'pop') return v.slice(0, -1);
      if (op === 'unshift') return [value, ...v];
    }
    if (!arr && op === 'push') return { ...v, [`k${Object.keys(v).length}`]: value };
    return value;
  }
  const k = keys[path[0] % keys.length];
  const child = (v as Obj)[k as string];
  if (path.length === 1 && op === 'del') {
    if (arr) return v.filter((_, i) => i !== k);
    const { [k as string]: _gone, ...rest } = v as Obj;
    return rest;
  }
  const next = applyEdit(child, path.slice(1), op, value);
  if (arr) {
    const copy = v.slice();
    copy[k as number] = next;
    return copy;
  }
  return { ...(v as Obj), [k]: next };
}

const pairFromEdits = fc
  .tuple(json, fc.array(edit, { minLength: 0, maxLength: 4 }))
  .map(([a, edits]) => [a, edits.reduce((v, e) => applyEdit(v, e.path, e.op, e.value), a)] as const);

/**
 * Walk the patched result along the delta: every key/index the delta does not mention
 * must be the very same reference as in `base`.
 */
function expectShared(base: Serialized, delta: Delta | undefined, result: Serialized): void {
  if (delta === undefined) {
    expect(result).toBe(base);
    return;
  }
  if (!isObj(delta) || Array.isArray(delta) || !isObj(base) || !isObj(result)) return;
  const d = delta as Obj;
  const isArrayDelta = d._t === 'a';
  const onlyMods = isArrayDelta && Object.keys(d).every((k) => k === '_t' || (k[0] !== '_' && !isAdd(d[k])));
  if (isArrayDelta && !onlyMods) return; // positions shift; the items are checked below
  for (const k of Object.keys(base)) {
    if (k in d) expectShared((base as Obj)[k], d[k], (result as Obj)[k]);
    else if (!isArrayDelta || Number(k) < (result as unknown as Serialized[]).length)
      expect((result as Obj)[k]).toBe((base as Obj)[k]);
  }
}
const hasProtoKey = (v: unknown): boolean =>
  isObj(v) && Object.keys(v).some((k) => k in Object.prototype || hasProtoKey((v as Obj)[k]));
const isAdd = (x: Serialized) => Array.isArray(x) && x.length === 1;

describe('diff', () => {
  it('returns undefined for equal values and for the same reference without walking', () => {
    expect(diff(1, 1)).toBeUndefined();
    expect(diff('a', 'a')).toBeUndefined();
    expect(diff(null, null)).toBeUndefined();
    expect(diff({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
    // A reference short-circuit: a getter that throws is never touched.
    const shared = {};
    Object.defineProperty(shared, 'boom', {
      enumerable: true,
      get() {
        throw new Error('walked');
      },
    });
    expect(diff({ x: shared as Serialized }, { x: shared as Serialized })).toBeUndefined();
  });

  it('writes the documented shapes', () => {
    expect(diff({ a: 1, b: 2 }, { a: 1, c: 3 })).toEqual({ b: [2, 0, 0], c: [3] });
    expect(diff({ a: { x: 1 } }, { a: { x: 2 } })).toEqual({ a: { x: [1, 2] } });
    expect(diff({ a: [1, 2, 3] }, { a: [1, 5] })).toEqual({ a: { _t: 'a', 1: [2, 5], _2: [3, 0, 0] } });
    expect(diff([{ x: 1 }], [{ x: 1 }, 'n'])).toEqual({ _t: 'a', 1: ['n'] });
    expect(diff([{ x: 1 }], [{ x: 2 }])).toEqual({ _t: 'a', 0: { x: [1, 2] } });
    expect(diff('long text', 'long test')).toEqual(['long text', 'long test']);
    expect(diff([1], { 0: 1 })).toEqual([[1], { 0: 1 }]);
    expect(diff({ a: 1 }, 5)).toEqual([{ a: 1 }, 5]);
    expect(diff({ a: [1] }, { a: 'x' })).toEqual({ a: [[1], 'x'] });
  });

  it('handles __proto__, constructor and _t keys as plain data', () => {
    // Keys that are merely unusual stay in a nested delta.
    const c1 = JSON.parse('{"constructor": {"x": 1}, "prototype": 1, "k": {"x": 1}}');
    const c2 = JSON.parse('{"constructor": {"x": 2}, "k": {"x": 2}}');
    expect(diff(c1, c2)).toEqual({ constructor: { x: [1, 2] }, prototype: [1, 0, 0], k: { x: [1, 2] } });
    checkAgainstJsondiffpatch(c1, c2);
    // jsondiffpatch reads `_t` as a type tag and skips `__proto__`, so an object whose change
    // sits under such a key is replaced whole; siblings elsewhere still get nested deltas.
    const a = JSON.parse('{"o": {"__proto__": {"x": 1}, "y": 1}, "t": {"_t": "a"}, "s": {"x": 1}}');
    const b = JSON.parse('{"o": {"__proto__": {"x": 2}, "y": 1}, "t": {"_t": "b"}, "s": {"x": 2}}');
    const d = diff(a, b) as Obj;
    expect(d.o).toEqual([a.o, b.o]);
    expect(d.t).toEqual([a.t, b.t]);
    expect(d.s).toEqual({ x: [1, 2] });
    expect(diff({ _t: 1 }, { _t: 1, n: 2 })).toEqual({ n: [2] });
    checkAgainstJsondiffpatch(a, b);
    const r = patchImmutable(a, d) as Obj;
    expect(r).toEqual(b);
    expect(Object.keys(r.o as Obj)).toEqual(['__proto__', 'y']);
    expect(Object.getPrototypeOf(r.o)).toBe(Object.prototype);
    // Our patcher applies a __proto__ key as data, never as a prototype.
    const p = patchImmutable({}, JSON.parse('{"__proto__": [{"x": 5}]}')) as Obj;
    expect(Object.getPrototypeOf(p)).toBe(Object.prototype);
    expect(Object.keys(p)).toEqual(['__proto__']);
    expect(({} as Obj).x).toBeUndefined();
  });

  it('reverses where remove + add pairs would not (replaced items before a nested change)', () => {
    // jsondiffpatch's own diff of this pair does not unpatch; ours must.
    const a: Serialized = [1, 2, 3, { x: 1 }];
    const b: Serialized = [4, 5, 6, { x: 2 }];
    checkAgainstJsondiffpatch(a, b);
    checkAgainstJsondiffpatch({ l: [1, [0], 'q', { x: 1 }, 9] }, { l: ['z', [1], null, { x: 2 }] });
    const d = diff(a, b);
    expect(patchImmutable(b, jsondiffpatch.reverse(d as jsondiffpatch.Delta) as Delta)).toEqual(a);
  });

  it('is valid jsondiffpatch: patch(a) gives b and unpatch(b) gives a (random JSON pairs)', () => {
    fc.assert(
      fc.property(json, json, (a, b) => checkAgainstJsondiffpatch(a, b)),
      { numRuns: 400 },
    );
  });

  it('is valid jsondiffpatch on pairs with _t, __proto__ and constructor keys', () => {
    fc.assert(
      fc.property(trickyJson, trickyJson, (a, b) => {
        checkAgainstJsondiffpatch(a, b);
        expect(patchImmutable(deepFreeze(a), diff(a, b))).toEqual(b);
      }),
      { numRuns: 400 },
    );
  });

  it('is valid jsondiffpatch on immutably edited pairs (small nested deltas)', () => {
    fc.assert(
      fc.property(pairFromEdits, ([a, b]) => checkAgainstJsondiffpatch(a, b)),
      { numRuns: 400 },
    );
  });

  it('is valid jsondiffpatch on pairs of serialized random values (markers are just objects)', () => {
    const anything = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
    });
    const serialized = anything.map((v) => serialize(v).value);
    fc.assert(
      fc.property(serialized, serialized, (a, b) => {
        checkAgainstJsondiffpatch(a, b);
        const before = structuredClone(a);
        const r = patchImmutable(deepFreeze(a), diff(a, b));
        expect(r).toEqual(b);
        expect(a).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('only walks what changed: a large state with one edited leaf yields a one-path delta', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ id: i, name: `row ${i}`, tags: ['a', 'b'] }));
    const a: Serialized = { rows, meta: { page: 1 } };
    const rows2 = rows.slice();
    rows2[1234] = { ...rows[1234], name: 'changed' };
    const b: Serialized = { rows: rows2, meta: a.meta };
    expect(diff(a, b)).toEqual({ rows: { _t: 'a', 1234: { name: ['row 1234', 'changed'] } } });
  });
});

function checkAgainstJsondiffpatch(a: Serialized, b: Serialized): void {
  const d = diff(a, b);
  if (d === undefined) {
    expect(a).toEqual(b);
    return;
  }
  // The delta survives the wire.
  expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  expect(jsondiffpatch.patch(structuredClone(a), structuredClone(d) as jsondiffpatch.Delta)).toEqual(b);
  expect(jsondiffpatch.unpatch(structuredClone(b), structuredClone(d) as jsondiffpatch.Delta)).toEqual(a);
}

describe('patchImmutable', () => {
  function checkPatch(a: Serialized, b: Serialized): void {
    const before = structuredClone(a);
    deepFreeze(a);
    const d = diff(a, b);
    const r = patchImmutable(a, d);
    expect(r).toEqual(b);
    expect(a).toEqual(before);
    expectShared(a, d, r);
  }

  it('patch(a, diff(a, b)) equals b, never mutates a, and shares untouched subtrees (random pairs)', () => {
    fc.assert(
      fc.property(json, json, (a, b) => checkPatch(a, b)),
      { numRuns: 300 },
    );
  });

  it('same, on immutably edited pairs', () => {
    fc.assert(
      fc.property(pairFromEdits, ([a, b]) => checkPatch(a, b)),
      { numRuns: 500 },
    );
  });

  it('shares every unchanged sibling by reference', () => {
    const a = deepFreeze({ x: { big: [1, 2, 3] }, y: [{ k: 1 }, { k: 2 }, { k: 3 }], z: 'same' } as Obj);
    const b = { ...a, y: [(a.y as Obj[])[0], { k: 20 }, (a.y as Obj[])[2]] };
    const r = patchImmutable(a, diff(a, b)) as Obj;
    expect(r).toEqual(b);
    expect(r).not.toBe(a);
    expect(r.x).toBe(a.x);
    expect((r.y as Obj[])[0]).toBe((a.y as Obj[])[0]);
    expect((r.y as Obj[])[2]).toBe((a.y as Obj[])[2]);
    expect(r.y).not.toBe(a.y);
  });

  it('returns the base itself for an undefined or empty delta', () => {
    const a = { q: 1 };
    expect(patchImmutable(a, undefined)).toBe(a);
    expect(patchImmutable(a, {})).toBe(a);
    expect(patchImmutable(7, {})).toBe(7);
    expect(patchImmutable([1], { _t: 'a' })).toEqual([1]);
  });

  it('applies deltas from real jsondiffpatch.diff (LCS, array moves) on random JSON pairs', () => {
    const byPosition = jsondiffpatch.create();
    check(byPosition, fc.tuple(json, json));
    check(byPosition, pairFromEdits);
    // Arrays of small primitives: lots of moves, inserts and removals.
    const prims = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 12 });
    check(byPosition, fc.tuple(prims, prims));
    // Items matched by id: moved items that also changed inside (nested delta at the new index).
    const byId = jsondiffpatch.create({ objectHash: (o: object) => String((o as { id?: unknown }).id) });
    const item = fc.record({ id: fc.integer({ min: 0, max: 8 }), v: fc.integer({ min: 0, max: 3 }) });
    const uniq = fc.uniqueArray(item, { selector: (o) => o.id, maxLength: 9 });
    check(byId, fc.tuple(uniq, uniq));
    // The same, with moved values included in the delta.
    const withValue = jsondiffpatch.create({ arrays: { includeValueOnMove: true } });
    check(withValue, fc.tuple(prims, prims));
  });

  function check(dp: jsondiffpatch.DiffPatcher, pairs: fc.Arbitrary<readonly [unknown, unknown]>): void {
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        // jsondiffpatch itself reads inherited members (e.g. a "toString" key missing on one side).
        fc.pre(!hasProtoKey(a) && !hasProtoKey(b));
        const d = dp.diff(a, b) as Delta | undefined;
        const before = structuredClone(a);
        deepFreeze(a);
        const r = patchImmutable(a as Serialized, d as Delta);
        expect(r).toEqual(b);
        expect(a).toEqual(before);
        if (d === undefined) expect(r).toBe(a);
      }),
      { numRuns: 300 },
    );
  }

  it('rejects text diffs with a clear error', () => {
    const long1 = 'x'.repeat(100);
    const long2 = `${'x'.repeat(50)}y${'x'.repeat(50)}`;
    const d = jdpText.diff({ s: long1 }, { s: long2 }) as Delta;
    expect(((d as Obj).s as Serialized[])[2]).toBe(2);
    expect(() => patchImmutable({ s: long1 }, d)).toThrow('text diffs are not supported');
  });

  it('throws (never corrupts) on deltas that do not fit the base', () => {
    expect(() => patchImmutable(5, { a: [1, 2] })).toThrow();
    expect(() => patchImmutable({ a: 1 }, { _t: 'a', 0: [1] })).toThrow();
    expect(() => patchImmutable([1], { _t: 'a', _5: [1, 0, 0] })).toThrow();
    expect(() => patchImmutable([1], { _t: 'a', _0: [1, 0, 7] })).toThrow();
    expect(() => patchImmutable({ a: 1 }, { a: { b: [1, 2] } })).toThrow();
  });

  it('is fast enough to rebuild 100,000 versions of a ~1 MB state with structural sharing', () => {
    // ~1 MB: 2,000 rows of ~500 chars each, plus a counter.
    const rows = Array.from({ length: 2000 }, (_, i) => ({ id: i, text: 'x'.repeat(480), n: 0 }));
    let state: Serialized = { rows, count: 0, user: { name: 'a', prefs: { theme: 'dark' } } };
    expect(JSON.stringify(state).length).toBeGreaterThan(1_000_000);
    const first = state as Obj;
    // Typical store steps, alternating: a counter bump, one field of one row edited.
    const t0 = performance.now();
    for (let v = 0; v < 100_000; v++) {
      const s = state as Obj;
      if (v % 2 === 0) state = patchImmutable(state, { count: [s.count, (s.count as number) + 1] });
      else {
        const i = v % 2000;
        const n = ((s.rows as Obj[])[i].n as number) + 0;
        state = patchImmutable(state, { rows: { _t: 'a', [i]: { n: [n, n + 1] } } });
      }
    }
    const ms = performance.now() - t0;
    const end = state as Obj;
    expect(end.count).toBe(50_000);
    expect((end.rows as Obj[]).reduce((t, r) => t + (r.n as number), 0)).toBe(50_000);
    expect(first.count).toBe(0);
    expect(end.user).toBe(first.user);
    // Even rows were never edited: still the original objects.
    expect((end.rows as Obj[])[0]).toBe(rows[0]);
    expect((end.rows as Obj[])[1998]).toBe(rows[1998]);
    expect(ms).toBeLessThan(5000);
  });
});
