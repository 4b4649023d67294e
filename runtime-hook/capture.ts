/**
 * Incremental capture: each step's serialized state, stats and delta computed from the
 * previous step's by visiting only what changed, with exactly the result of a full walk
 * (`serialize`, then `diff` against the previous value).
 *
 * The engine keeps the previous serialized tree and, for the serialized containers it has
 * looked at, what they measure (size, truncations, longest list: `Info`, keyed by node).
 * A step descends only where something changed: for immutable stores into children whose
 * references differ (a 13,000-item array is one tight `===` loop); for mutable stores along
 * the paths the write tracker recorded (track.ts). Unchanged children are the previous
 * serialized subtrees (same references), changed leaves are serialized in place by the
 * serializer's own walk (so markers, limits and cycle paths are its), and the containers on
 * the changed paths are copied, or updated in place when the engine made them itself (a
 * 13,000-item array is not copied per step), with the delta and the stats built on the way
 * back up. In-place writes are applied only once the step is sure to stand.
 *
 * Whenever the incremental answer could differ from a full walk (the total-size limit,
 * cycles or thrown getters near a change, an unexpected shape, a write the tracker could not
 * place), the step is a full walk instead and its stats say why (`stats.walk`).
 */
import { diff, diffItems, put } from './delta';
import type { Capture } from './hook';
import type { Delta, Serialized, StateStats } from './protocol';
import {
  type Best,
  createSerializeCache,
  ESC,
  isMarker,
  type Kit,
  kit,
  MORE_KEY,
  NEEDS_ESC,
  numLen,
  OP,
  type Seg,
  type SerializeCache,
  type SerializeOptions,
  type Subtree,
  segStr,
  serialize,
  subtree,
} from './serialize';

type Obj = { [k: string]: Serialized };

const json = JSON.stringify;
const isArr = Array.isArray;
const has = (o: object, k: string): boolean => Object.hasOwn(o, k);

/** A raw value the serializer walks as a plain object (not an array, not a class instance). */
export const isPlainRaw = (x: unknown): x is Record<string, unknown> => {
  if (typeof x !== 'object' || x === null || isArr(x)) return false;
  const p = Object.getPrototypeOf(x);
  return p === OP || p === null;
};
/** A serialized plain object (what a plain raw object becomes), not a marker. */
const isPlainSer = (x: Serialized | undefined): x is Obj =>
  typeof x === 'object' && x !== null && !isArr(x) && !isMarker(x);
const moreCount = (x: Serialized | undefined): number =>
  isMarker(x) && x.$hs === 'more' && typeof x.count === 'number' ? x.count : -1;

/** Abort the incremental step: it is captured by a full walk, for this reason. */
export class Fallback {
  constructor(readonly why: string) {}
}
const fall = (why: string): never => {
  throw new Fallback(why);
};

/** What a serialized container measures, as the serializer would count it there. */
interface Info {
  /** Size: JSON characters, long strings counted whole. */
  s: number;
  /** Truncation and redaction markers. */
  t: number;
  /** Markers that depend on more than the subtree's content: cycles, thrown getters, size cuts. */
  x: number;
  /** Own list length (arrays, Maps, Sets); -1 when not a list. */
  sl: number;
  /** Longest list among the children (-1: none), which child, its path from here. */
  cm: number;
  cp: number | string;
  cr: string;
}
type Measure = { s: number; t: number; x: number; b?: Best };

/** The longest list of a container, its own length first (the serializer's order). */
const bestOf = (i: Info): Best | undefined =>
  i.sl >= 0 && i.sl >= i.cm ? { len: i.sl, rel: '' } : i.cm >= 0 ? { len: i.cm, rel: i.cr } : undefined;
const pre = (seg: Seg, b: Best | undefined): Best | undefined =>
  b && { len: b.len, rel: segStr(seg) + b.rel };

/** A changed child: its new value, delta, and what changed in the measures. */
interface Res {
  /** Position (array index; for object keys, the key's index or -1 when not known). */
  p: number;
  /** Array index or raw key. */
  k: number | string;
  /** Serialized key (objects). */
  ek: string;
  v: Serialized;
  d: Delta | undefined;
  ds: number;
  dt: number;
  dx: number;
  /** Longest list in the new child, its path from the parent. */
  b?: Best;
  /** Guarded mode: every container in the new child was frozen when serialized. */
  f?: boolean;
  /** What a container made in this step measures (its memo is written when the step commits). */
  i?: Info;
}

/** What the tracker of a mutable store reports: where writes happened (see track.ts). */
export interface Dirty {
  /** The raw container at this path. */
  t: object;
  /** Keys written (set, defined or deleted). */
  w?: Set<string>;
  /** Keys whose non-plain value (Map, Set, class instance…) the mutation read: it may have changed inside. */
  u?: Set<string>;
  /** Keys below which something changed. */
  c?: Map<string, Dirty>;
  /** A key was deleted: the key order may have changed. */
  del?: boolean;
}

/** Every object a walk reaches, and those reached twice (possibly shared by two places). */
export class Registry extends WeakMap<object, never> {
  present = new WeakSet<object>();
  multi = new WeakSet<object>();
  /** Not counted once: the value a fresh walk starts at. */
  skip?: object;
  /** A fresh walk reached an object already registered. */
  hit = false;
  constructor(private unwrap: (o: object) => object = (o) => o) {
    super();
  }
  override get(v: object): undefined {
    const o = this.unwrap(v);
    if (o === this.skip) this.skip = undefined;
    else if (this.present.has(o)) {
      this.multi.add(o);
      this.hit = true;
    } else this.present.add(o);
    return undefined;
  }
  override set(): this {
    return this;
  }
  reset(root: unknown): void {
    this.present = new WeakSet();
    this.multi = new WeakSet();
    if (typeof root === 'object' && root !== null) this.present.add(this.unwrap(root));
  }
}

/**
 * Sees every object an immutable store's walks reach (asked as the serializer's cache). In
 * guard mode it counts those that could change in place (only frozen plain data cannot).
 * Always, it notes the objects maxDepth cut off, and at what depth, for `moved`.
 */
class Probe extends WeakMap<object, never> {
  n = 0;
  /** The running walk's ancestor stack: its length is the depth of the object asked about. */
  anc: object[] = [];
  /** The depth maxDepth cuts at. */
  cut = 0;
  private deep = new WeakMap<object, number>();
  constructor(readonly guard: boolean) {
    super();
  }
  override get(v: object): undefined {
    if (this.guard && !isFrozenData(v)) this.n++;
    // Asked before the depth check: at the cut, `v` becomes a marker.
    const d = this.anc.length;
    if (d >= this.cut && !((this.deep.get(v) ?? -1) >= d)) this.deep.set(v, d);
    return undefined;
  }
  override set(): this {
    return this;
  }
  /** Before a walk (a full one or a changed child's), whose ancestor stack is `anc`. */
  start(anc: object[]): this {
    this.n = 0;
    this.anc = anc;
    return this;
  }
  /**
   * Whether `v`, now at `depth`, was cut off by maxDepth two or more levels deeper before.
   * The children a new container shares with the one it replaces are reused as they were
   * shown; that is wrong only if one leads back to a container on the new path, where it now
   * shows a cycle. Following that path from it was cut off by maxDepth (reaching the child
   * again would have made a `ref`, and the child not reusable), at a container on the new path
   * two or more levels deeper than that container is now. Such a container is walked again.
   */
  moved(v: object, depth: number): boolean {
    return (this.deep.get(v) ?? -1) >= depth + 2;
  }
}
const isFrozenData = (v: unknown): boolean => (isArr(v) || isPlainRaw(v)) && Object.isFrozen(v);

const TRUNC = ['string', 'truncated', 'redacted', 'more'];

/** JSON characters of a string (only strings that need escapes pay for an exact count). */
const strLen = (v: string): number => (NEEDS_ESC.test(v) ? json(v).length : v.length + 2);

/** Measures of a leaf: a primitive or a marker that holds no user data. */
function leaf(v: Serialized): Measure {
  switch (typeof v) {
    case 'string':
      return { s: strLen(v), t: 0, x: 0 };
    case 'number':
      return { s: numLen(v), t: 0, x: 0 };
    case 'boolean':
      return { s: v ? 4 : 5, t: 0, x: 0 };
  }
  if (v === null) return { s: 4, t: 0, x: 0 };
  const m = v as Obj;
  const tag = m.$hs as string;
  const lost = tag === 'string' ? (m.length as number) - (m.v as string).length : 0;
  return {
    s: json(m).length + lost,
    t: TRUNC.includes(tag) ? 1 : 0,
    x: tag === 'ref' || tag === 'thrown' || (tag === 'truncated' && m.reason === 'size') ? 1 : 0,
  };
}

/** Field holding a shell marker's content (Map, Set, class instance), or '' for a leaf marker. */
const shellField = (m: Obj): string =>
  m.$hs === 'map' && isArr(m.entries)
    ? 'entries'
    : m.$hs === 'set' && isArr(m.values)
      ? 'values'
      : m.$hs === 'instance' && typeof m.v === 'object' && m.v !== null && !isArr(m.v)
        ? 'v'
        : '';
const isContainer = (v: Serialized | undefined): v is Obj | Serialized[] =>
  typeof v === 'object' && v !== null && (!isMarker(v) || shellField(v) !== '');

/** Raw key of a serialized object key (the serializer adds one '$' to keys like `$hs`). */
const rawKey = (ek: string): string => (ESC.test(ek) ? ek.slice(1) : ek);

/** The serializer's label for a Map key, rebuilt from the serialized key. */
function mapLabel(k: Serialized, i: number): string {
  if (typeof k === 'string') return json(k);
  if (typeof k !== 'object' || k === null) return String(k);
  if (isMarker(k)) {
    switch (k.$hs) {
      case 'undefined':
        return 'undefined';
      case 'number':
      case 'bigint':
        return String(k.v);
      case 'symbol':
        if ((k.v as string).length < 1000) return k.v as string;
        return fall('a long symbol key');
      case 'string':
        return fall('a long string key');
      case 'truncated':
        if (k.reason === 'size') fall('the state is past maxTotalSize');
    }
  }
  return `#${i}`;
}

const commas = (n: number): number => Math.max(n - 1, 0);

/** Containers up to this size (JSON characters) are cheaper to measure or copy again than to keep track of. */
const SMALL = 1024;
/**
 * Raw objects with more keys than this have their key list kept (`Engine.keys`): `Object.keys`
 * of a wide object (V8 keeps one of thousands of keys as a hash table) costs about 0.1 µs a
 * key, several times the step's comparisons, and this step's new object is the next one's old.
 */
export const WIDE = 64;

const is = Object.is;
/**
 * The first index from `i` below `m` where the two arrays hold different references (`m` if
 * none). `Object.is`, not `!==`: optimized `!==` on two objects loads each one's map to check
 * its type, so this loop would touch every item of the state (on a 1 MB state the cache
 * misses cost more than the comparisons), while `Object.is` answers from the references alone
 * when they are equal (a builtin call each, so over a state still hot in cache `!==` would win;
 * an app's actions, spaced out, find it cold). Four per turn: the loop's overhead is the rest.
 * (It differs from `!==` only for NaN and ±0, which serialize the same either way.)
 */
export function nextDiff(ra: unknown[], rb: unknown[], i: number, m: number): number {
  for (const e = m - 3; i < e; i += 4)
    if (
      !is(ra[i], rb[i]) ||
      !is(ra[i + 1], rb[i + 1]) ||
      !is(ra[i + 2], rb[i + 2]) ||
      !is(ra[i + 3], rb[i + 3])
    )
      break;
  for (; i < m; i++) if (!is(ra[i], rb[i])) return i;
  return m;
}

/** Indices below `m` where the two arrays hold different references. */
function scan(ra: unknown[], rb: unknown[], m: number): number[] {
  const ch: number[] = [];
  for (let i = nextDiff(ra, rb, 0, m); i < m; i = nextDiff(ra, rb, i + 1, m)) ch.push(i);
  return ch;
}

/**
 * A wide raw object's key list, its redacted keys once known, and when its keys are array
 * indices, then at most one other key (an entity table keyed by number ids; a LiveView keyed
 * comprehension, whose `kc` comes last): the indices as numbers, the object's values in key
 * order, and that other key. V8 keeps index keys as elements, which this reads without strings.
 */
type Keys = [keys: string[], red?: boolean[], idx?: [n: number[], v: unknown[], name?: string]];

const INDEX = /^(?:0|[1-9]\d*)$/;
const isIndex = (k: string | undefined): boolean => k !== undefined && INDEX.test(k) && +k < 2 ** 32 - 1;
/** Index keys come first (ascending) in `Object.keys`, the others after in insertion order. */
function indexKeys(ks: string[], o: object): Keys[2] {
  const m = isIndex(ks[ks.length - 1]) ? ks.length : ks.length - 1;
  const name = ks[m];
  if (!isIndex(ks[m - 1]) || name === '__proto__') return undefined;
  return [ks.slice(0, m).map(Number), Object.values(o), name];
}

/**
 * `o`'s values, and the positions where they differ from `idx`'s, when its keys are exactly
 * those of `idx` (then in the same order), without listing its keys: `Object.keys` of
 * thousands of index keys makes a string of each (about 0.1 µs a key, several times the app's
 * own copy of the object), while `Object.values` and loads by number do not. The same count,
 * and every old key being its own, make the key sets equal (so their orders: ascending, and
 * the one other key last).
 */
function sameIndexKeys(idx: NonNullable<Keys[2]>, o: object): [v: unknown[], ch: number[]] | undefined {
  const vs = Object.values(o);
  const [n, old, name] = idx;
  const m = n.length;
  if (vs.length !== (name === undefined ? m : m + 1)) return undefined;
  const O = o as unknown[];
  const ch: number[] = [];
  for (let i = 0; i < m; i++) {
    const x = O[n[i]];
    // Plain objects inherit no index keys: a value found is the object's own.
    if (x === undefined && !Object.hasOwn(o, n[i])) return undefined;
    if (!is(x, old[i])) ch.push(i);
  }
  if (name !== undefined) {
    if (!Object.hasOwn(o, name)) return undefined;
    if (!is(vs[m], old[m])) ch.push(m);
  }
  return [vs, ch];
}

/**
 * As diff: jsondiffpatch would misread a `_t` or `__proto__` key, so such an object is replaced
 * whole. The old side is copied: containers below it may be written in place when the step commits.
 */
const whole = (a: Obj, b: Obj): Delta => [JSON.parse(json(a)) as Serialized, b];

export class Engine {
  /** The value returned last, and (immutable stores) the raw state it came from. */
  last?: Serialized;
  raw?: unknown;
  stats?: StateStats;
  private info = new WeakMap<object, Info>();
  /**
   * Key lists of wide raw objects (past WIDE keys; an immutable object's never change), and
   * which keys are redacted once known (under these options).
   */
  private keys = new WeakMap<object, Keys>();
  private k!: Kit;
  private opts?: Partial<SerializeOptions>;
  private anc: object[] = [];
  private segs: Seg[] = [];
  /** Root object's keys in order and their sizes (for stats.keys), once known. */
  private ko?: string[];
  private ks?: Map<string, number>;
  private rootRes?: Res[];
  private rootGone?: string[];
  /**
   * Containers this engine made that no event holds (they are only its own mirror): a later
   * step may write them in place instead of copying, once the step is sure to succeed.
   */
  private owned = new WeakSet<object>();
  private pending: (() => void)[] = [];
  /** Guarded mode: the previous state was all frozen data when serialized. */
  private frozen = false;
  get trusted(): boolean {
    return this.frozen;
  }
  /** Immutable stores' probe (tracked stores have the registry instead). */
  private probe?: Probe;

  /**
   * `reg`: tracked mode's registry. `guard`: immutable mode for stores that only usually
   * update immutably: references are trusted only inside frozen data.
   */
  constructor(
    readonly reg?: Registry,
    readonly guard = false,
  ) {
    if (!reg) this.probe = new Probe(guard);
  }

  private prep(opts: Partial<SerializeOptions>): void {
    if (opts !== this.opts || !this.k) {
      this.opts = opts;
      this.k = kit(opts);
      this.keys = new WeakMap();
      if (this.probe) this.probe.cut = this.k.o.maxDepth;
    }
    this.anc = [];
    this.segs = [];
    this.rootRes = this.rootGone = undefined;
    this.pending = [];
  }

  /** A full walk; `why` is set when an incremental step was expected. */
  full(state: unknown, opts: Partial<SerializeOptions>, why?: string): ReturnType<Capture> {
    this.prep(opts);
    this.reg?.reset(state);
    const anc: object[] = [];
    const p = this.probe?.start(anc);
    // The registry (or probe) sees every object the walk reaches: it is asked as the serializer's cache.
    const { value, stats } = serialize(
      state,
      opts,
      (this.reg ?? p) as unknown as SerializeCache | undefined,
      anc,
    );
    this.frozen = this.guard && p?.n === 0 && isFrozenData(state);
    this.last = value;
    this.raw = state;
    this.stats = stats;
    this.ko = this.ks = undefined;
    // A new tree from the serializer (and a full snapshot hands it out whole): none of it is
    // ours to write in place; the containers later steps make are.
    this.owned = new WeakSet();
    return { value, stats: why ? { ...stats, walk: why } : { ...stats } };
  }

  /** Nothing changed: the same value, a fresh stats object. */
  same(): ReturnType<Capture> {
    return { value: this.last as Serialized, stats: { ...this.stats } as StateStats, delta: {} };
  }

  /** Immutable step: descend where references differ from the previous raw state. */
  stepImmutable(state: unknown, opts: Partial<SerializeOptions>): ReturnType<Capture> {
    this.prep(opts);
    const a = this.last as Serialized;
    const ra = this.raw;
    if (this.guard && !this.frozen) fall('not frozen: its objects could have changed in place');
    if ((this.probe as Probe).moved(state as object, 0))
      fall('the state is an object maxDepth cut off in an earlier state');
    this.check(a);
    let r: Res;
    if (isArr(a) && isArr(state)) r = this.arrI(a, ra as unknown[], state, 0, ['$']);
    else if (isPlainSer(a) && isPlainRaw(state)) r = this.objI(a, ra as object, state, 0, ['$']);
    else return fall('the state changed kind');
    return this.finish(r, state);
  }

  /** Mutable step: descend along the tracker's recorded writes. */
  stepTracked(state: unknown, opts: Partial<SerializeOptions>, top: Dirty): ReturnType<Capture> {
    this.prep(opts);
    const a = this.last as Serialized;
    this.check(a);
    let r: Res;
    if (isArr(a) && isArr(state)) r = this.arrM(a, state, top, 0, ['$']);
    else if (isPlainSer(a) && isPlainRaw(state)) r = this.objM(a, state, top, 0, ['$']);
    else return fall('the state changed kind');
    return this.finish(r, state);
  }

  private check(a: Serialized): void {
    if (this.inf(a).s > this.k.o.maxTotalSize) fall('the state is past maxTotalSize');
  }

  private finish(r: Res, state: unknown): ReturnType<Capture> {
    const v = r.v;
    const ri = r.i ?? this.inf(v);
    if (ri.s > this.k.o.maxTotalSize) fall('the state is past maxTotalSize');
    const stats: StateStats = { size: ri.s };
    if (isPlainSer(v)) stats.keys = this.rootKeys(this.last as Obj, v);
    const b = bestOf(ri);
    if (b) stats.longestList = { path: `$${b.rel}`, length: b.len };
    if (ri.t) stats.truncated = ri.t;
    // The step stands: write the containers changed in place, and the new measures.
    for (const w of this.pending) w();
    this.pending = [];
    this.last = v;
    this.raw = state;
    this.stats = stats;
    this.frozen = r.f !== false && isFrozenData(state);
    return { value: v, stats: { ...stats }, delta: r.d ?? {} };
  }

  /** Per-key sizes of a root object, kept up to date from the root's changed keys. */
  private rootKeys(a: Obj, b: Obj): Record<string, number> {
    const kl = (ek: string) => strLen(ek) + 1;
    if (!this.ks || !this.ko) {
      // First step after a full walk: measure the previous root's children once.
      this.ks = new Map();
      this.ko = [];
      for (const ek of Object.keys(a)) {
        if (ek === MORE_KEY && moreCount(a[ek]) >= 0) continue;
        const k = rawKey(ek);
        this.ko.push(k);
        this.ks.set(k, kl(ek) + this.old(a[ek]).s);
      }
    }
    if (this.rootRes?.length || this.rootGone) {
      const ks = this.ks;
      if (this.rootGone) {
        for (const k of this.rootGone) ks.delete(k);
        this.ko = [];
        for (const ek of Object.keys(b))
          if (!(ek === MORE_KEY && moreCount(b[ek]) >= 0)) this.ko.push(rawKey(ek));
      }
      for (const r of this.rootRes ?? []) {
        const k = r.k as string;
        if (r.ek === MORE_KEY && moreCount(r.v) >= 0) continue;
        ks.set(k, (has(a, r.ek) && ks.has(k) ? (ks.get(k) as number) : kl(r.ek)) + r.ds);
      }
    }
    // The 50 largest, the first of equals first (the serializer's order), in one pass that
    // keeps them sorted: a root of thousands of keys is not sorted whole on every step.
    const top: [string, number][] = [];
    const ks = this.ks;
    for (const k of this.ko) {
      const n = ks.get(k) ?? 0;
      if (top.length === 50 && n <= top[49][1]) continue;
      let j = Math.min(top.length, 49);
      while (j > 0 && top[j - 1][1] < n) j--;
      top.splice(j, 0, [k, n]);
      if (top.length > 50) top.pop();
    }
    const keys: Obj = {};
    for (const e of top) put(keys, e[0], e[1]);
    return keys as Record<string, number>;
  }

  // --- measuring ------------------------------------------------------------------------

  /** What a container about to be replaced measures: memoized only when large (as `sub`). */
  private peek(n: Obj | Serialized[]): Info {
    const memo = this.info.get(n);
    if (memo) return memo;
    const i = this.measure(n);
    if (i.s > SMALL) this.info.set(n, i);
    return i;
  }

  /** What a serialized container measures (memoized per node). */
  private inf(n: Serialized): Info {
    const o = n as object;
    let i = this.info.get(o);
    if (!i) {
      i = this.measure(n);
      this.info.set(o, i);
    }
    return i;
  }

  /** Measures of any serialized value, old or new. */
  private old(v: Serialized | undefined): Measure {
    if (v === undefined) return { s: 0, t: 0, x: 0 };
    if (!isContainer(v)) return leaf(v);
    const i = this.inf(v);
    return { s: i.s, t: i.t, x: i.x, b: bestOf(i) };
  }

  /** Measure a serialized container from its content: the serializer's own counting. */
  private measure(n: Obj | Serialized[] | Serialized): Info {
    const r: Info = { s: 2, t: 0, x: 0, sl: -1, cm: -1, cp: -1, cr: '' };
    const kid = (v: Serialized, p: number | string, seg: Seg) => {
      // Plain JSON leaves counted here, as `leaf` does, without a Measure object each.
      switch (typeof v) {
        case 'string':
          r.s += strLen(v);
          return;
        case 'number':
          r.s += numLen(v);
          return;
        case 'boolean':
          r.s += v ? 4 : 5;
          return;
      }
      if (v === null) {
        r.s += 4;
        return;
      }
      const m = this.sub(v);
      r.s += m.s;
      r.t += m.t;
      r.x += m.x;
      if (m.b && m.b.len > r.cm) {
        r.cm = m.b.len;
        r.cp = p;
        r.cr = segStr(seg) + m.b.rel;
      }
    };
    const obj = (o: Obj) => {
      const keys = Object.keys(o);
      r.s += commas(keys.length);
      for (const ek of keys) {
        r.s += strLen(ek) + 1;
        if (ek === MORE_KEY && moreCount(o[ek]) >= 0) kid(o[ek], -1, ek);
        else {
          const k = rawKey(ek);
          kid(o[ek], k, k);
        }
      }
    };
    if (isArr(n)) {
      const more = moreCount(n[n.length - 1]);
      r.s += commas(n.length);
      r.sl = more >= 0 ? n.length - 1 + more : n.length;
      for (let i = 0; i < n.length; i++) kid(n[i], i, i);
      return r;
    }
    const m = n as Obj;
    if (!isMarker(m)) {
      obj(m);
      return r;
    }
    const field = shellField(m);
    const inner = m[field];
    r.s = json({ ...m, [field]: undefined }).length + field.length + 4;
    if (field === 'v') {
      r.s += 2;
      obj(inner as Obj);
      return r;
    }
    r.sl = m.size as number;
    const items = inner as Serialized[];
    r.s += 2 + commas(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (field === 'values' || !isArr(it)) kid(it, i, i);
      else {
        r.s += 3;
        kid(it[0], -1, [`.keys[${i}]`]);
        kid(it[1], -1, [`.get(${mapLabel(it[0], i)})`]);
      }
    }
    return r;
  }

  private sub(v: Serialized): Measure {
    if (!isContainer(v)) return leaf(v);
    const memo = this.info.get(v);
    const i = memo ?? this.measure(v);
    // Large nodes are kept: a later step may need them again.
    if (!memo && i.s > SMALL) this.info.set(v, i);
    return { s: i.s, t: i.t, x: i.x, b: bestOf(i) };
  }

  /** A previous child is reusable as is when nothing outside it shaped it. */
  private reusable(n: Serialized): boolean {
    if (typeof n !== 'object' || n === null) return true;
    return isContainer(n) ? this.inf(n).x === 0 : leaf(n).x === 0;
  }

  // --- children -------------------------------------------------------------------------

  /** Serialize a child in place (the serializer's walk) and diff it against the old one. */
  private fresh(a: Serialized | undefined, xb: unknown, depth: number, seg: Seg): Res {
    // Values the serializer writes as themselves (the usual changed leaf): no walk needed.
    if (
      xb === null ||
      typeof xb === 'boolean' ||
      (typeof xb === 'number' && Number.isFinite(xb)) ||
      (typeof xb === 'string' && xb.length <= this.k.o.maxStringLength)
    ) {
      const v = xb === 0 ? 0 : (xb as Serialized);
      const q = this.old(a);
      return {
        p: -1,
        k: -1,
        ek: '',
        v,
        d: a === undefined ? undefined : diff(a, v),
        ds: leaf(v).s - q.s,
        dt: -q.t,
        dx: -q.x,
      };
    }
    const p = this.probe?.start(this.anc);
    const r: Subtree = subtree(xb, this.opts, depth, this.anc, this.segs, seg, this.reg ?? p);
    const q = this.old(a);
    const x = r.bad > r.t ? this.old(r.n).x : 0;
    return {
      p: -1,
      k: -1,
      ek: '',
      v: r.n,
      d: a === undefined ? undefined : diff(a, r.n),
      ds: r.s - q.s,
      dt: r.t - q.t,
      dx: x - q.x,
      b: r.best,
      f: !this.guard || p?.n === 0,
    };
  }

  /** Like fresh, for a Map/Set/instance the mutation read: its content must not be elsewhere too. */
  private touched(a: Serialized | undefined, xb: unknown, depth: number, seg: Seg): Res {
    const reg = this.reg as Registry;
    reg.skip = typeof xb === 'object' && xb !== null ? xb : undefined;
    reg.hit = false;
    const r = this.fresh(a, xb, depth, seg);
    reg.skip = undefined;
    if (reg.hit) fall('a Map, Set or class instance holding objects changed in place');
    return r;
  }

  /** Same content as before (the new container, on top of the stack, may be another object). */
  private unchanged(a: Serialized, i: Info, seg: Seg): Res {
    const f = !this.guard || isFrozenData(this.anc[this.anc.length - 1]);
    return { p: -1, k: -1, ek: '', v: a, d: undefined, ds: 0, dt: 0, dx: 0, b: pre(seg, bestOf(i)), f };
  }

  private enter(rb: object, seg: Seg): void {
    this.anc.push(rb);
    this.segs.push(seg);
  }
  private leave(): void {
    this.anc.pop();
    this.segs.pop();
  }

  // --- immutable stores -----------------------------------------------------------------

  private slotI(a: Serialized, xa: unknown, xb: unknown, depth: number, seg: Seg): Res {
    const p = this.probe as Probe;
    if (xa !== xb && typeof xb === 'object' && xb !== null && !this.anc.includes(xb) && !p.moved(xb, depth)) {
      // Both sides are containers of one kind: compare their children instead of re-walking.
      if (isArr(a) && isArr(xb)) return this.arrI(a, xa as unknown[], xb, depth, seg);
      if (isPlainSer(a) && isPlainRaw(xb)) return this.objI(a, xa as object, xb, depth, seg);
    }
    return this.fresh(a, xb, depth, seg);
  }

  private arrI(a: Serialized[], ra: unknown[], rb: unknown[], depth: number, seg: Seg): Res {
    const max = this.k.o.maxItems;
    const la = ra.length;
    const ca = Math.min(la, max);
    if (a.length !== ca + (la > ca ? 1 : 0)) fall('the previous state changed in place');
    const m = Math.min(ca, rb.length, max);
    const ia = this.inf(a);
    // The one loop over every item: references only, nothing else in it.
    const ch = ia.x === 0 ? scan(ra, rb, m) : [];
    if (ia.x !== 0) for (let i = 0; i < m; i++) if (ra[i] !== rb[i] || !this.reusable(a[i])) ch.push(i);
    const res: Res[] = [];
    this.enter(rb, seg);
    for (const i of ch) {
      const r = this.slotI(a[i], ra[i], rb[i], depth + 1, i);
      r.p = r.k = i;
      res.push(r);
    }
    const r = this.arr(a, ia, rb, res, depth, seg);
    this.leave();
    return r;
  }

  private objI(a: Obj, ra: object, rb: object, depth: number, seg: Seg): Res {
    if (has(rb, MORE_KEY)) fall('a key spelled like a marker');
    const memo = this.keys.get(ra);
    // The new object takes over the entry. Left in place it would keep the old object's lists
    // alive through minor collections (measured: 4 MB promoted a scavenge on a 1 MB entity
    // table, GC then costing more than the capture). An old object shown twice loses nothing
    // but speed at its second place.
    if (memo) this.keys.delete(ra);
    const ka = memo?.[0] ?? Object.keys(ra);
    // An index table's old values as captured (memo[2]); its new ones and where they differ.
    const idx = memo?.[2];
    const same = idx && sameIndexKeys(idx, rb);
    const [vb, ch] = same ?? [];
    const kb = same ? ka : Object.keys(rb);
    const wide = kb.length > WIDE;
    const RA = ra as Record<string, unknown>;
    const RB = rb as Record<string, unknown>;
    this.enter(rb, seg);
    let r: Res;
    if (same || (ka.length === kb.length && ka.every((k, i) => k === kb[i]))) {
      const ia = this.peek(a);
      const clean = ia.x === 0;
      const cnt = Math.min(kb.length, this.k.o.maxItems);
      // The same list as the old object's: so are its redacted keys.
      const red = memo?.[1] ?? (wide ? kb.map((k) => this.k.key(k)[2]) : undefined);
      if (wide) this.keys.set(rb, [kb, red, vb && idx ? [idx[0], vb, idx[2]] : indexKeys(kb, rb)]);
      const res: Res[] = [];
      // Clean, with the changes known: only those keys (in ascending order) are looked at.
      const at = clean ? ch : undefined;
      for (let j = 0, e = at ? at.length : cnt; j < e; j++) {
        const i = at ? at[j] : j;
        if (i >= cnt) break;
        const k = kb[i];
        // Looked up once here for a narrow object (a wide one's redactions are in `red`).
        const kk = red ? undefined : this.k.key(k);
        // A redacted key serializes the same whatever its value (and is not read).
        if (red ? red[i] : kk?.[2]) continue;
        const xa = vb && idx ? idx[1][i] : RA[k];
        const xb = vb ? vb[i] : RB[k];
        // The same reference in a clean object: nothing to look at (most keys of a wide one).
        if (xa === xb && clean) continue;
        const ek = (kk ?? this.k.key(k))[0];
        if (xa !== xb || !this.reusable(a[ek])) {
          const c = this.slotI(a[ek], xa, xb, depth + 1, k);
          c.p = i;
          c.k = k;
          c.ek = ek;
          res.push(c);
        }
      }
      r = this.objSame(a, ia, res, seg, depth, (k) => kb.indexOf(k));
    } else {
      if (wide) this.keys.set(rb, [kb, undefined, indexKeys(kb, rb)]);
      const had = new Set(ka);
      r = this.objGen(a, kb, seg, depth, (k, ek) => {
        if (!has(a, ek) || !had.has(k))
          return this.fresh(has(a, ek) ? a[ek] : undefined, RB[k], depth + 1, k);
        const xa = RA[k];
        const xb = RB[k];
        if (xa === xb && this.reusable(a[ek])) return null;
        return this.slotI(a[ek], xa, xb, depth + 1, k);
      });
    }
    this.leave();
    return r;
  }

  // --- mutable stores (tracked writes) ----------------------------------------------------

  private slotM(
    a: Serialized,
    xb: unknown,
    dn: Dirty | undefined,
    k: string,
    depth: number,
    seg: Seg,
    d: Dirty,
  ): Res {
    if (d.w?.has(k)) return this.fresh(a, xb, depth, seg);
    if (d.u?.has(k)) return this.touched(a, xb, depth, seg);
    if (!dn || xb !== dn.t) return fall('a written object moved');
    if (!this.anc.includes(xb)) {
      if (isArr(a) && isArr(xb)) return this.arrM(a, xb, dn, depth, seg);
      if (isPlainSer(a) && isPlainRaw(xb)) return this.objM(a, xb, dn, depth, seg);
    }
    // Shown as a marker here (cut off by depth, a cycle): walk the slot again.
    this.hidden(dn);
    return this.fresh(a, xb, depth, seg);
  }

  /**
   * Changes below a slot whose content is not shown (past maxItems, redacted, not enumerable,
   * cut off): harmless, unless an object there is shown elsewhere (then that place changed).
   */
  private hidden(dn: Dirty | undefined): void {
    if (!dn) return;
    if (dn.u?.size || this.reg?.present.has(dn.t))
      fall('a change to an object shown elsewhere, made where it is not shown');
    for (const c of dn.c?.values() ?? []) this.hidden(c);
  }

  /** The changed keys of `d` that were not looked at (not shown here). */
  private unseen(d: Dirty, seen: Set<string>): void {
    for (const k of d.u?.keys() ?? [])
      if (!seen.has(k)) fall('a change to an object shown elsewhere, made where it is not shown');
    for (const [k, c] of d.c ?? []) if (!seen.has(k)) this.hidden(c);
  }

  private arrM(a: Serialized[], rb: unknown[], d: Dirty, depth: number, seg: Seg): Res {
    if (this.reg?.multi.has(rb)) fall('a written object is shared by two places');
    const max = this.k.o.maxItems;
    const ca = a.length - (moreCount(a[a.length - 1]) >= 0 ? 1 : 0);
    const lb = rb.length;
    const cb = Math.min(lb, max);
    const m = Math.min(ca, cb);
    const idx = new Set<number>();
    const seen = new Set<string>();
    for (const ks of [d.w?.keys(), d.u?.keys(), d.c?.keys()])
      for (const k of ks ?? []) {
        const i = +k;
        // Items up to the new length are walked here (changed, or new past the old ones).
        if (Number.isInteger(i) && i >= 0 && String(i) === k && i < cb) {
          seen.add(k);
          if (i < m) idx.add(i);
        }
      }
    // Past maxItems (or gone): not shown here, but what they hold may be shown elsewhere.
    this.unseen(d, seen);
    const res: Res[] = [];
    this.enter(rb, seg);
    for (const i of [...idx].sort((x, y) => x - y)) {
      const k = String(i);
      const r = this.slotM(a[i], rb[i], d.c?.get(k), k, depth + 1, i, d);
      r.p = r.k = i;
      res.push(r);
    }
    const r = this.arr(a, this.inf(a), rb, res, depth, seg);
    this.leave();
    return r;
  }

  private objM(a: Obj, rb: object, d: Dirty, depth: number, seg: Seg): Res {
    if (this.reg?.multi.has(rb)) fall('a written object is shared by two places');
    if (has(rb, MORE_KEY)) fall('a key spelled like a marker');
    const RB = rb as Record<string, unknown>;
    const enumerable = (k: string) => Object.prototype.propertyIsEnumerable.call(rb, k);
    const key = (k: string) => this.k.key(k);
    // Keys added or deleted (or a cut-off object): rebuild the key list.
    let structural = !!d.del || has(a, MORE_KEY);
    if (!structural && d.w)
      for (const k of d.w)
        if (has(a, key(k)[0]) !== enumerable(k)) {
          structural = true;
          break;
        }
    this.enter(rb, seg);
    let r: Res;
    // Keys whose values are walked here; other changed keys are not shown here.
    const seen = new Set<string>();
    if (structural) {
      r = this.objGen(a, Object.keys(rb), seg, depth, (k, ek) => {
        seen.add(k);
        if (!has(a, ek)) return this.fresh(undefined, RB[k], depth + 1, k);
        if (!d.w?.has(k) && !d.u?.has(k) && !d.c?.has(k)) return null;
        return this.slotM(a[ek], RB[k], d.c?.get(k), k, depth + 1, k, d);
      });
    } else {
      const res: Res[] = [];
      const done = new Set<string>();
      for (const ks of [d.w, d.u, d.c?.keys()])
        for (const k of ks ?? []) {
          if (done.has(k)) continue;
          done.add(k);
          const [ek, , red] = key(k);
          // Not shown (not enumerable), or redacted: the serialized object is the same.
          if (!has(a, ek) || red) continue;
          seen.add(k);
          const c = this.slotM(a[ek], RB[k], d.c?.get(k), k, depth + 1, k, d);
          c.k = k;
          c.ek = ek;
          res.push(c);
        }
      r = this.objSame(a, this.inf(a), res, seg, depth, (k) => Object.keys(rb).indexOf(k));
    }
    this.unseen(d, seen);
    this.leave();
    return r;
  }

  // --- building the new containers --------------------------------------------------------

  /**
   * The new array: the old one with the changed children `res` (indices below both lengths),
   * new items from `rb` past the old ones, and the `more` marker for the new length.
   */
  private arr(a: Serialized[], ia: Info, rb: unknown[], res: Res[], depth: number, seg: Seg): Res {
    const max = this.k.o.maxItems;
    const moreA = moreCount(a[a.length - 1]);
    const ca = a.length - (moreA >= 0 ? 1 : 0);
    const lb = rb.length;
    const cb = Math.min(lb, max);
    const m = Math.min(ca, cb);
    for (let i = m; i < cb; i++) {
      const r = this.fresh(undefined, rb[i], depth + 1, i);
      r.p = r.k = i;
      res.push(r);
    }
    const nb = lb > cb ? lb - cb : -1;
    if (!res.length && ca === cb && nb === moreA) return this.unchanged(a, ia, seg);
    // Same length and marker: an array this engine made is written in place, later.
    const inPlace = ca === cb && moreA === nb && this.owned.has(a);
    const b = inPlace ? a : a.slice(0, m);
    if (inPlace)
      this.pending.push(() => {
        for (const r of res) b[r.p] = r.v;
      });
    else {
      for (const r of res) b[r.p] = r.v;
      if (nb >= 0) b.push(ca === cb && moreA === nb ? a[ca] : { $hs: 'more', count: nb });
    }
    // The delta, as diff's index-wise array delta.
    const d: Obj = { _t: 'a' };
    let n = 0;
    for (const r of res)
      if (r.p < m && r.d !== undefined) {
        d[r.p] = r.d;
        n++;
      }
    // Past the items compared above: the marker, and items added or cut off.
    n += diffItems(d, a, b, m);
    // Measures: old size plus what changed, the cut tail out and the new marker in.
    const ni: Info = { ...ia, sl: lb };
    for (const r of res) {
      ni.s += r.ds;
      ni.t += r.dt;
      ni.x += r.dx;
    }
    for (let p = m; p < a.length; p++) {
      const q = this.old(a[p]);
      ni.s -= q.s;
      ni.t -= q.t;
      ni.x -= q.x;
    }
    if (nb >= 0) {
      const q = leaf(b[cb]);
      ni.s += q.s;
      ni.t += q.t;
    }
    ni.s += commas(b.length) - commas(a.length);
    const gone = ia.cm >= 0 && (ia.cp as number) >= cb;
    this.best(ni, ia, res, gone, b, (p) => p as number);
    return this.made(ia, b, ni, n ? d : undefined, seg, res);
  }

  /** An object whose keys did not change: the old one with the changed children. */
  private objSame(a: Obj, ia: Info, res: Res[], seg: Seg, depth: number, pos: (k: string) => number): Res {
    if (depth === 0) this.rootRes = res;
    if (!res.length) return this.unchanged(a, ia, seg);
    // An object this engine made is written in place (later), unless the delta must carry it whole.
    const inPlace = this.owned.has(a) && !res.some((r) => r.ek === '_t' || r.ek === '__proto__');
    const b: Obj = inPlace ? a : { ...a };
    if (inPlace)
      this.pending.push(() => {
        for (const r of res) put(b, r.ek, r.v);
      });
    const d: Obj = {};
    let n = 0;
    const ni: Info = { ...ia };
    for (const r of res) {
      if (!inPlace) put(b, r.ek, r.v);
      if (r.d !== undefined) {
        put(d, r.ek, r.d);
        n++;
      }
      ni.s += r.ds;
      ni.t += r.dt;
      ni.x += r.dx;
    }
    this.best(ni, ia, res, false, b, (k) => (typeof k === 'string' ? pos(k) : -1));
    const delta = !n ? undefined : has(d, '_t') || has(d, '__proto__') ? whole(a, b) : d;
    return this.made(ia, b, ni, delta, seg, res);
  }

  /**
   * An object whose keys changed: rebuilt in the new key order. `slot` gives a changed
   * child (or null: the old one stands).
   */
  private objGen(
    a: Obj,
    kb: string[],
    seg: Seg,
    depth: number,
    slot: (k: string, ek: string) => Res | null,
  ): Res {
    const ia = this.peek(a);
    const cnt = Math.min(kb.length, this.k.o.maxItems);
    const b: Obj = {};
    const res: Res[] = [];
    const byKey = new Map<string, Res>();
    const change = (r: Res, k: string, ek: string, i: number) => {
      r.k = k;
      r.ek = ek;
      r.p = i;
      res.push(r);
      byKey.set(ek, r);
    };
    for (let i = 0; i < cnt; i++) {
      const k = kb[i];
      const [ek, , red] = this.k.key(k);
      let v: Serialized;
      if (red) {
        const old = has(a, ek) && isMarker(a[ek]) && a[ek].$hs === 'redacted' ? a[ek] : undefined;
        v = old ?? { $hs: 'redacted' };
        if (!old) change(this.marker(a, ek, v), k, ek, i);
      } else {
        const r = slot(k, ek);
        if (r) change(r, k, ek, i);
        v = r ? r.v : a[ek];
      }
      put(b, ek, v);
    }
    if (kb.length > cnt) {
      const count = kb.length - cnt;
      const old = moreCount(a[MORE_KEY]) === count ? a[MORE_KEY] : undefined;
      const v = old ?? { $hs: 'more', count };
      put(b, MORE_KEY, v);
      if (!old) change(this.marker(a, MORE_KEY, v), MORE_KEY, MORE_KEY, cnt);
    }
    const kl = (ek: string) => strLen(ek) + 1;
    const ka = Object.keys(a);
    const kB = Object.keys(b);
    const d: Obj = {};
    let n = 0;
    const ni: Info = { ...ia };
    const gone: string[] = [];
    for (const ek of ka) {
      if (has(b, ek)) {
        const x = byKey.get(ek)?.d;
        if (x !== undefined) {
          put(d, ek, x);
          n++;
        }
      } else {
        put(d, ek, [a[ek], 0, 0]);
        n++;
        const q = this.old(a[ek]);
        ni.s -= kl(ek) + q.s;
        ni.t -= q.t;
        ni.x -= q.x;
        gone.push(rawKey(ek));
      }
    }
    for (const ek of kB)
      if (!has(a, ek)) {
        put(d, ek, [b[ek]]);
        n++;
        ni.s += kl(ek);
      }
    for (const r of res) {
      ni.s += r.ds;
      ni.t += r.dt;
      ni.x += r.dx;
    }
    ni.s += commas(kB.length) - commas(ka.length);
    if (depth === 0) {
      this.rootRes = res;
      this.rootGone = gone;
    }
    // The key order may have changed: find the longest list among all children again.
    this.rebest(ni, b, res);
    const delta = !n ? undefined : has(d, '_t') || has(d, '__proto__') ? whole(a, b) : d;
    return this.made(ia, b, ni, delta, seg, res);
  }

  /** A changed marker child (redacted, more) of an object. */
  private marker(a: Obj, ek: string, v: Serialized): Res {
    const had = has(a, ek);
    const q = had ? this.old(a[ek]) : { s: 0, t: 0, x: 0 };
    const m = leaf(v);
    return {
      p: -1,
      k: -1,
      ek,
      v,
      d: had ? diff(a[ek], v) : undefined,
      ds: m.s - q.s,
      dt: m.t - q.t,
      dx: m.x - q.x,
    };
  }

  private made(ia: Info, b: Obj | Serialized[], ni: Info, d: Delta | undefined, seg: Seg, res: Res[]): Res {
    // Written in place: its memo must follow.
    const kept = this.owned.has(b);
    // A delta that carries `b` whole ([old, new]) hands it out: then nothing is ours any more.
    // Small containers are neither kept as ours nor memoized: copying or measuring one again
    // costs less than a weak entry per step (and the garbage collector's work on it).
    if (isArr(d) && d[1] === b) this.owned = new WeakSet();
    else if (ni.s > SMALL) this.owned.add(b);
    if (kept || ni.s > SMALL) {
      const info = this.info;
      this.pending.push(() => info.set(b, ni));
    }
    return {
      f: !this.guard || (isFrozenData(this.anc[this.anc.length - 1]) && res.every((r) => r.f !== false)),
      p: -1,
      k: -1,
      ek: '',
      v: b,
      d,
      ds: ni.s - ia.s,
      dt: ni.t - ia.t,
      dx: ni.x - ia.x,
      b: pre(seg, bestOf(ni)),
      i: ni,
    };
  }

  /**
   * Longest list among the children after `res` changed: the first child with the longest
   * list wins (the serializer's order). Only when the child that had it shrank or went
   * does every child have to be looked at again.
   */
  private best(
    ni: Info,
    ia: Info,
    res: Res[],
    gone: boolean,
    b: Obj | Serialized[],
    pos: (k: number | string) => number,
  ): void {
    let again = gone;
    if (!again)
      for (const r of res)
        if (ia.cm >= 0 && r.k === ia.cp) {
          if (!r.b || r.b.len < ia.cm) again = true;
          else {
            ni.cm = r.b.len;
            ni.cr = r.b.rel;
          }
        }
    if (again) {
      this.rebest(ni, b, res);
      return;
    }
    for (const r of res) {
      if (!r.b || r.k === ni.cp) continue;
      if (r.b.len > ni.cm || (r.b.len === ni.cm && (r.p >= 0 ? r.p : pos(r.k)) < pos(ni.cp))) {
        ni.cm = r.b.len;
        ni.cp = r.k;
        ni.cr = r.b.rel;
      }
    }
  }

  /** Longest list among all children of `b`, from scratch (changed children as computed). */
  private rebest(ni: Info, b: Obj | Serialized[], res: Res[]): void {
    ni.cm = -1;
    ni.cp = -1;
    ni.cr = '';
    const known = new Map<number | string, Res>();
    for (const r of res) known.set(r.k, r);
    const look = (v: Serialized, k: number | string, seg: Seg) => {
      const r = known.get(k);
      const bb = r ? r.b : pre(seg, this.old(v).b);
      if (bb && bb.len > ni.cm) {
        ni.cm = bb.len;
        ni.cp = k;
        ni.cr = bb.rel;
      }
    };
    if (isArr(b)) for (let i = 0; i < b.length; i++) look(b[i], i, i);
    else
      for (const ek of Object.keys(b)) {
        if (ek === MORE_KEY && moreCount(b[ek]) >= 0) continue;
        const k = rawKey(ek);
        look(b[ek], k, k);
      }
  }
}

/**
 * Capture for stores that update immutably (Redux and the Redux DevTools enhancer). With
 * `guard`, for states that only usually do (Zustand, NgRx through `connect().send`):
 * references are trusted only inside frozen data (Immer, NgRx's runtime checks freeze it),
 * and other states are walked whole, as before.
 */
export function immutableCapture(guard = false): Capture {
  const e = new Engine(undefined, guard);
  return (state, opts, last) => {
    if (last === undefined || last !== e.last) return e.full(state, opts);
    if (state === e.raw && (!guard || e.trusted)) return e.same();
    try {
      return e.stepImmutable(state, opts);
    } catch (err) {
      return e.full(state, opts, err instanceof Fallback ? err.why : `capture failed: ${String(err)}`);
    }
  };
}

/**
 * Immutable capture for states that are often small (a LiveView page): below `min` JSON
 * characters a walk that reuses unchanged subtrees from the serializer's cache costs less than
 * the engine's bookkeeping (a 300-character page: 15 against 38 µs a step), above it the
 * engine's cost follows the change (100 KB: 49 against 334 µs). Back to walking below half of
 * `min`, so a state near the line does not switch every step (a switch to the engine starts it
 * with one full capture).
 */
export function sizedImmutableCapture(min = 4096): Capture {
  const engine = immutableCapture();
  const cache = createSerializeCache();
  let big = false;
  return (state, opts, last) => {
    const r = big ? engine(state, opts, last) : serialize(state, opts, cache);
    big = r.stats.size >= (big ? min / 2 : min);
    return r;
  };
}
