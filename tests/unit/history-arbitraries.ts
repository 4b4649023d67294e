/**
 * Random states and deltas for the history's property tests: well-formed deltas (the
 * hook's diff of a random edit), delta-shaped garbage (every marker of the format, on the
 * keys the format treats specially), and deep freezing to catch any write to a value the
 * code was handed.
 */
import fc from 'fast-check';
import type { Delta, Serialized } from '../../runtime-hook/protocol';

type Obj = { [k: string]: Serialized };
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;

/** As values travel (JSON drops -0 and undefined). */
export const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Freeze `v` and everything in it: a later write throws (test modules are strict). */
export function deepFreeze<T>(v: T): T {
  if (isObj(v) && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Obj)[k]);
  }
  return v;
}

/** Small JSON whose keys include the ones the delta format treats specially. */
export const stateArb: fc.Arbitrary<Serialized> = fc
  .letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(1, 2, 'a', null, true),
      fc.array(tie('v'), { maxLength: 5 }),
      fc.dictionary(fc.constantFrom('_t', '__proto__', 'a', 'b', 'c', '0'), tie('v'), { maxKeys: 4 }),
    ),
  }))
  .v.map((v) => roundTrip(v) as Serialized);

const leaf = fc.constantFrom<Serialized>(1, 'a', null, true, { x: 1 }, [1, 2], []);

/** Anything shaped like a delta, fitting its base or not. */
export const garbageDeltaArb: fc.Arbitrary<Delta> = fc
  .letrec((tie) => ({
    d: fc.oneof(
      { depthSize: 'small' },
      leaf.map((v) => [v]),
      fc.tuple(leaf, leaf).map(([a, b]) => [a, b]),
      leaf.map((v) => [v, 0, 0]),
      fc.nat(4).map((to) => ['', to, 3]),
      fc.constant(['@@ -1 +1 @@', 0, 2]),
      fc.constantFrom<Serialized>(7, 'x', null),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', '_t', '__proto__', '0'), tie('d'), { maxKeys: 3 }),
      fc
        .dictionary(fc.constantFrom('0', '1', '2', '5', '_0', '_1', '_2', '_9', 'z'), tie('d'), {
          maxKeys: 4,
        })
        .map((o) => ({ _t: 'a', ...(o as Obj) })),
    ),
  }))
  .d.map((d) => roundTrip(d) as Delta);

/** One edit of a state: set, delete, insert or remove somewhere along `path`. */
export interface Edit {
  path: number[];
  op: 'set' | 'del' | 'push' | 'unshift' | 'splice';
  value: Serialized;
}

export const editArb: fc.Arbitrary<Edit> = fc.record({
  path: fc.array(fc.nat(), { maxLength: 4 }),
  op: fc.constantFrom<Edit['op']>('set', 'del', 'push', 'unshift', 'splice'),
  value: stateArb,
});

/** `v` with `e` applied, as a reducer would (copies along the path, shares the rest). */
export function applyEdit(v: Serialized, e: Edit, depth = 0): Serialized {
  if (!isObj(v)) return e.value;
  const arr = Array.isArray(v);
  const keys = arr ? v.map((_, i) => String(i)) : Object.keys(v);
  if (depth === e.path.length || !keys.length) {
    if (arr) {
      if (e.op === 'push') return [...v, e.value];
      if (e.op === 'unshift') return [e.value, ...v];
      if (e.op === 'splice') return v.filter((_, i) => i !== (e.path[0] ?? 0) % Math.max(1, v.length));
    }
    if (!arr && e.op === 'push') return { ...v, [`k${keys.length}`]: e.value };
    return e.value;
  }
  const k = keys[e.path[depth] % keys.length];
  if (e.op === 'del' && depth === e.path.length - 1) {
    if (arr) return v.filter((_, i) => String(i) !== k);
    const { [k]: _gone, ...rest } = v as Obj;
    return rest;
  }
  const child = applyEdit((v as Obj)[k], e, depth + 1);
  if (arr) return v.map((x, i) => (String(i) === k ? child : x));
  return roundTrip({ ...v, [k]: child });
}

/** A small seeded generator (mulberry32): random choices that fast-check can shrink by seed. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % 4294967296) % Math.max(1, n);
  };
}

const KEYS = ['a', 'b', '_t', '__proto__', '0'];
const VALUES: Serialized[] = [1, 'x', null, { y: 2 }, [3, 4], []];

/**
 * A delta written against `v` itself, mostly fitting it: object keys modified, added,
 * deleted (the special keys `_t` and `__proto__` included, which the hook's diff never
 * sends), array items removed, inserted anywhere, moved, modified. Never seen from `diff`,
 * which only modifies indices and appends or truncates at the end.
 */
export function deltaFor(v: Serialized, seed: number): Delta {
  const r = rng(seed);
  const walk = (x: Serialized, depth: number): Delta => {
    const pick = r(10);
    if (pick < 3 || depth > 3 || typeof x !== 'object' || x === null) return [x, VALUES[r(VALUES.length)]];
    const d: Obj = {};
    if (Array.isArray(x)) {
      d._t = 'a';
      for (let n = r(4) + 1; n > 0; n--) {
        const i = r(x.length + 2);
        switch (r(4)) {
          case 0:
            if (i < x.length) d[`_${i}`] = [x[i], 0, 0];
            break;
          case 1:
            d[i] = [VALUES[r(VALUES.length)]];
            break;
          case 2:
            if (i < x.length) d[`_${i}`] = ['', r(x.length + 1), 3];
            break;
          default:
            if (i < x.length) d[i] = walk(x[i], depth + 1);
        }
      }
      return d;
    }
    for (let n = r(3) + 1; n > 0; n--) {
      const own = Object.keys(x);
      const k = own.length && r(2) ? own[r(own.length)] : KEYS[r(KEYS.length)];
      const has = Object.hasOwn(x, k);
      const c = has
        ? r(3)
          ? walk((x as Obj)[k], depth + 1)
          : [(x as Obj)[k], 0, 0]
        : [VALUES[r(VALUES.length)]];
      Object.defineProperty(d, k, { value: c, enumerable: true, writable: true, configurable: true });
    }
    return d;
  };
  return roundTrip(walk(v, 0));
}
