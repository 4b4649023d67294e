/**
 * Random states, options and edits for the capture property tests: plain data with the
 * values the serializer treats specially (Dates, Maps, Sets, class instances, undefined,
 * NaN, -0, bigints, long strings, redacted and marker-like keys), and edits that change one
 * place at a time, immutably (path copying) or in place; and the one check every capture
 * under test must pass at each step (`checkStep`).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { diff, patchImmutable } from '../../runtime-hook/delta';
import type { Capture } from '../../runtime-hook/hook';
import type { Serialized } from '../../runtime-hook/protocol';
import { type SerializeOptions, serialize } from '../../runtime-hook/serialize';

export class Box {
  constructor(public v: unknown) {}
}

type Key = string | number;
type Node = Record<string, unknown> | unknown[];

export const keyArb = fc.oneof(
  fc.constantFrom('a', 'b', 'c', 'd', 'items', '$hs', '$$hs', '__proto__', '_t', 'secret', 'x y', '0', '7'),
  fc.string({ maxLength: 4 }),
);

/** An own data property, whatever the key (`__proto__` too). */
export const define = (o: object, k: Key, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
};

const leafArb = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double(),
  fc.string({ maxLength: 24 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
  fc.constantFrom(Number.NaN, -0, Number.POSITIVE_INFINITY),
  fc.date({ noInvalidDate: false }),
  fc.constant('a password here'),
);

export const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    leafArb,
    fc.array(tie('v'), { maxLength: 7 }),
    fc.array(fc.tuple(keyArb, tie('v')), { maxLength: 6 }).map((es) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of es) define(o, k, v);
      return o;
    }),
    fc.array(tie('v'), { maxLength: 3 }).map((a) => new Set(a)),
    fc
      .array(fc.tuple(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), tie('v')), { maxLength: 3 })
      .map((es) => new Map(es)),
    tie('v').map((v) => new Box(v)),
  ),
})).v;

/** Plain data only (what Immer and NgRx freeze): no Maps, Sets, Dates or class instances. */
const plainValueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 12 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
    ),
    fc.array(tie('v'), { maxLength: 7 }),
    fc.array(fc.tuple(keyArb, tie('v')), { maxLength: 6 }).map((es) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of es) define(o, k, v);
      return o;
    }),
  ),
})).v;

export const plainStateArb = fc
  .tuple(
    fc.array(fc.tuple(keyArb, plainValueArb), { maxLength: 6 }),
    fc.array(plainValueArb, { maxLength: 30 }),
  )
  .map(([es, list]) => {
    const o: Record<string, unknown> = { items: list };
    for (const [k, v] of es) define(o, k, v);
    return o;
  });

export const stateArb = fc
  .tuple(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 6 }), fc.array(valueArb, { maxLength: 30 }))
  .map(([es, list]) => {
    const o: Record<string, unknown> = { items: list };
    for (const [k, v] of es) define(o, k, v);
    return o;
  });

export const optionsArb: fc.Arbitrary<Partial<SerializeOptions>> = fc.record(
  {
    maxItems: fc.integer({ min: 1, max: 12 }),
    maxDepth: fc.integer({ min: 2, max: 8 }),
    maxStringLength: fc.integer({ min: 4, max: 30 }),
    maxTotalSize: fc.oneof(fc.constant(1_000_000), fc.integer({ min: 50, max: 3000 })),
  },
  { requiredKeys: [] },
);

export interface Edit {
  op: number;
  at: number;
  pick: number;
  value: unknown;
}
export const editArb: fc.Arbitrary<Edit> = fc.record({
  op: fc.nat(12),
  at: fc.nat(),
  pick: fc.nat(),
  value: valueArb,
});

const isNode = (x: unknown): x is Node => {
  if (Array.isArray(x)) return true;
  if (typeof x !== 'object' || x === null) return false;
  const p = Object.getPrototypeOf(x);
  return p === Object.prototype || p === null;
};

/** Plain containers reachable from `root` with their paths (each object once). */
export function nodes(root: unknown, limit = 300): { path: Key[]; node: Node }[] {
  const out: { path: Key[]; node: Node }[] = [];
  const seen = new Set<unknown>();
  const go = (x: unknown, path: Key[]) => {
    if (!isNode(x) || seen.has(x) || out.length >= limit) return;
    seen.add(x);
    out.push({ path, node: x });
    if (Array.isArray(x)) for (let i = 0; i < x.length; i++) go(x[i], [...path, i]);
    else for (const k of Object.keys(x)) go(x[k], [...path, k]);
  };
  go(root, []);
  return out;
}

/** Keys of a container, without reading its values (a tracked view records reads). */
const keysOf = (n: Node): Key[] =>
  Array.isArray(n) ? Array.from({ length: n.length }, (_, i) => i) : Object.keys(n);

/**
 * Apply `e` to the container `n` in place. Returns false when it did nothing. `root` is the
 * state (a source of shared subtrees and cycle targets).
 */
export function applyEdit(n: Node, e: Edit, root: Node, shared: unknown): void {
  const ks = keysOf(n);
  const k = ks.length ? ks[e.pick % ks.length] : Array.isArray(n) ? 0 : 'a';
  const set = (key: Key, v: unknown) => {
    if (Array.isArray(n)) n[key as number] = v;
    else define(n, key, v);
  };
  switch (e.op) {
    case 0:
      set(k, e.value);
      return;
    case 1:
      set(k, shared);
      return;
    case 2:
      if (Array.isArray(n)) n.splice(e.at % (n.length + 1), 1);
      else delete (n as Record<string, unknown>)[k];
      return;
    case 3:
      if (Array.isArray(n)) n.splice(e.at % (n.length + 1), 0, e.value);
      else set(`k${e.at % 9}`, e.value);
      return;
    case 4:
      // A new container with the same content (immutable: only references change).
      return;
    case 5:
      set(k, n);
      return;
    case 6:
      if (Array.isArray(n)) n.length = Math.max(0, n.length - 1 - (e.at % 3));
      else set('secret', e.value);
      return;
    case 7:
      set(k, 'long string value '.repeat(1 + (e.at % 4)));
      return;
    case 8:
      set(
        k,
        Array.from({ length: 5 + (e.at % 20) }, (_, i) => ({ i, tag: [i] })),
      );
      return;
    case 9:
      set(k, root);
      return;
    case 10:
      if (Array.isArray(n)) n.push(e.value, e.value);
      else set(`$${'$'.repeat(e.at % 2)}hs`, e.value);
      return;
    case 12: {
      // Delete and add back: same keys, another order.
      if (Array.isArray(n)) n.reverse();
      else {
        const v = (n as Record<Key, unknown>)[k];
        delete (n as Record<Key, unknown>)[k];
        set(k, v);
      }
      return;
    }
    default:
      set(k, typeof e.value === 'number' ? e.value + 1 : e.at);
  }
}

/** Copy of a container (same children), own keys as data, `__proto__` included. */
const copy = (n: Node): Node => {
  if (Array.isArray(n)) return n.slice();
  const o: Record<string, unknown> = Object.getPrototypeOf(n) === null ? Object.create(null) : {};
  for (const k of Object.keys(n)) define(o, k, n[k]);
  return o;
};

/** One immutable update: copy the containers from the root to the edited one, edit the copy. */
export function immutableEdit(state: unknown, e: Edit): unknown {
  const all = nodes(state);
  if (!all.length) return state;
  const { path } = all[e.at % all.length];
  const shared = all[e.pick % all.length].node;
  const root = copy(state as Node);
  let cur = root;
  for (const k of path) {
    const next = copy((cur as Record<Key, unknown>)[k] as Node);
    if (Array.isArray(cur)) cur[k as number] = next;
    else define(cur, k, next);
    cur = next;
  }
  applyEdit(cur, e, root, shared);
  return root;
}

/**
 * One in-place update of the same kinds, on the state itself: `run` gives the mutation its
 * view of the state, which it reads only along the path it edits (as a mutation would).
 */
export function mutableEdit(state: Node, e: Edit, run: (f: (s: Node) => void) => void): void {
  const all = nodes(state);
  if (!all.length) return;
  const { path } = all[e.at % all.length];
  const other = all[e.pick % all.length].path;
  run((s) => {
    const at = (p: Key[]) => {
      let cur: Node = s;
      for (const k of p) cur = (cur as Record<Key, unknown>)[k] as Node;
      return cur;
    };
    applyEdit(at(path), e, s, at(other));
  });
}

/** The step before, for `checkStep`: the capture's value, a copy of it, and the reference's. */
export interface Prev {
  last?: Serialized;
  /** The capture writes its own previous value in place: a copy to patch. */
  copy?: Serialized;
  ref?: Serialized;
}

/**
 * Check one step of `capture` against the reference: its value (key order too), stats and
 * delta equal `serialize` of the state and `diff` against the previous reference, and the
 * delta rebuilds the new value from the previous one. Returns the step's walk reason
 * (undefined: incremental) and whether the capture gave the delta itself.
 */
export function checkStep(
  capture: Capture,
  state: unknown,
  opts: Partial<SerializeOptions>,
  prev: Prev,
  where: string,
): { walk?: string; delta: boolean } {
  const ref = serialize(state, opts);
  const got = capture(state, opts, prev.last);
  expect(got.value, where).toEqual(ref.value);
  expect(JSON.stringify(got.value), where).toBe(JSON.stringify(ref.value));
  const { walk, ...stats } = got.stats;
  expect(stats, where).toEqual(ref.stats);
  if (prev.last !== undefined && prev.ref !== undefined) {
    const want = diff(prev.ref, ref.value) ?? {};
    const delta = got.delta ?? diff(prev.last, got.value) ?? {};
    expect(delta, where).toEqual(want);
    expect(patchImmutable(prev.copy as Serialized, delta), where).toEqual(ref.value);
  }
  prev.last = got.value;
  prev.copy = JSON.parse(JSON.stringify(got.value));
  prev.ref = ref.value;
  return { walk, delta: got.delta !== undefined };
}
