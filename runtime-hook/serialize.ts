/**
 * Turn any in-page value into JSON-compatible data (`Serialized`) without ever throwing
 * into the app, and measure it (`StateStats`) in the same pass. Special values become
 * marker objects `{ $hs: tag, … }`:
 *
 *   undefined            { $hs:'undefined' }
 *   NaN, ±Infinity       { $hs:'number', v:'NaN'|'Infinity'|'-Infinity' }   (-0 becomes 0)
 *   bigint / symbol      { $hs:'bigint', v:'123' } / { $hs:'symbol', v:'Symbol(desc)' }
 *   function             { $hs:'function', name }
 *   Date / RegExp        { $hs:'date', v: ISO | 'Invalid Date' } / { $hs:'regexp', source, flags }
 *   Error                { $hs:'error', name, message, stack? }
 *   Map / Set            { $hs:'map', size, entries:[[k,v],…] } / { $hs:'set', size, values:[…] }
 *   binary               { $hs:'binary', cls, length, v?: first 8 numbers }
 *   DOM node, window     { $hs:'dom', v:'<div id="x" class="y">' | '#text' | 'window' }
 *   class instance       { $hs:'instance', cls, v:{ own enumerable props } }
 *   Promise, Weak*       { $hs:'instance', cls }   (not walked)
 *   cycle                { $hs:'ref', path:'$.a.b' }   (the ancestor it points back to)
 *   throwing getter/trap { $hs:'thrown', message }
 *   redacted key         { $hs:'redacted' }
 *   too deep             { $hs:'truncated', reason:'depth', cls?, size? }
 *   over maxTotalSize    { $hs:'truncated', reason:'size' }
 *   long string          { $hs:'string', v: first maxStringLength chars, length }
 *   over maxItems        arrays, Map entries, Set values: a last item { $hs:'more', count };
 *                        objects: an extra key "$hs$more" holding { $hs:'more', count }
 *                        (unambiguous: a user value never serializes to a bare `more` marker)
 *
 * A user key matching /^\$+hs$/ gets one more leading '$' (revive strips it), so plain
 * JSON round-trips exactly. Paths look like `$.a[3]["odd key"]`, `$.map.get("k")`.
 */
import type { Serialized, StateStats } from './protocol';

export interface SerializeOptions {
  maxDepth: number;
  maxStringLength: number;
  /** Array items, Map/Set entries, object keys. */
  maxItems: number;
  /** Approximate JSON characters of the output; past it, values become size markers. */
  maxTotalSize: number;
  /** A string matches a key case-insensitively as a substring. */
  redact: (string | RegExp)[];
}

export const DEFAULT_SERIALIZE_OPTIONS: SerializeOptions = {
  maxDepth: 32,
  maxStringLength: 100_000,
  maxItems: 100_000,
  maxTotalSize: 8_000_000,
  redact: ['password', 'token', 'secret', 'authorization', 'cookie'],
};

export interface SerializeResult {
  value: Serialized;
  stats: StateStats;
}

declare const OPAQUE: unique symbol;
/** Remembers serialized subtrees by object identity (for immutably updated stores). */
export interface SerializeCache {
  readonly [OPAQUE]: true;
}
export const createSerializeCache = (): SerializeCache => new WeakMap() as unknown as SerializeCache;

type Obj = { [k: string]: Serialized };
type Marker = { $hs: string; [k: string]: Serialized };
/** A path step: array index, object key, or preformatted text. */
export type Seg = number | string | [string];
/** Longest list inside a subtree, its path relative to the subtree. */
export type Best = { len: number; rel: string };
type Entry = { n: Serialized; d: number; size: number; t: number; b?: Best };
/** An object key as serialized: escaped key, its JSON length with the colon, redacted? */
export type KeyInfo = [string, number, boolean];
type Ctx = {
  /** Shared by every call with the same options: escaped key, its JSON length, redacted? */
  kc: Map<string, KeyInfo>;
  o: SerializeOptions;
  red: (k: string) => boolean;
  size: number;
  /** Characters of long strings left out: the state's real size is size + lost. */
  lost: number;
  /** Truncation + redaction markers. */
  t: number;
  /** Things that make a subtree unfit for caching: truncation, refs, thrown. */
  bad: number;
  anc: object[];
  segs: Seg[];
  best?: Best;
  keys?: [string, number][];
  cache?: Pick<WeakMap<object, Entry>, 'get' | 'set'>;
};

export const OP = Object.prototype;
const isArr = Array.isArray;
const getProto = Object.getPrototypeOf;
const json = JSON.stringify;
export const ESC = /^\$+hs$/;
export const NEEDS_ESC = /[^ !#-[\]-\ud7ff\ue000-\uffff]/;
const IDENT = /^[A-Za-z_$][\w$]*$/;
export const MORE_KEY = '$hs$more';
/** Not walked: their contents are not observable synchronously, or only via side effects. */
const OPAQUE_TAGS = ['Promise', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry'];

/** Characters of a finite number in JSON; integers without allocating a string. */
export const numLen = (n: number): number => {
  if (!Number.isInteger(n) || n >= 1e21 || n <= -1e21) return String(n).length;
  let len = n < 0 ? 2 : 1;
  for (let a = Math.abs(n); a >= 10; a /= 10) len++;
  return len;
};

export const isMarker = (x: unknown): x is Marker =>
  typeof x === 'object' &&
  x !== null &&
  !isArr(x) &&
  Object.hasOwn(x, '$hs') &&
  typeof (x as Obj).$hs === 'string';

/** Own data key, never the `__proto__` setter. */
const put = (o: Obj, k: string, v: Serialized): void => {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
};

export const segStr = (s: Seg): string =>
  typeof s === 'number'
    ? `[${s}]`
    : typeof s === 'string'
      ? IDENT.test(s)
        ? `.${s}`
        : `[${json(s)}]`
      : s[0];

const errMsg = (e: unknown): string => {
  try {
    return String(e instanceof Error ? e.message : e);
  } catch {
    return 'unknown error';
  }
};

const num = (x: unknown, d: number, hi: number): number =>
  typeof x === 'number' && x >= 0 ? Math.min(x, hi) : d;

function options(p?: Partial<SerializeOptions>): SerializeOptions {
  const d = DEFAULT_SERIALIZE_OPTIONS;
  return {
    // Recursion is bounded by maxDepth, so it is capped to keep the stack safe.
    maxDepth: num(p?.maxDepth, d.maxDepth, 500),
    maxStringLength: num(p?.maxStringLength, d.maxStringLength, 2 ** 30),
    maxItems: num(p?.maxItems, d.maxItems, 2 ** 32),
    maxTotalSize: num(p?.maxTotalSize, d.maxTotalSize, Infinity),
    redact: isArr(p?.redact) ? p.redact : d.redact,
  };
}

function redactor(list: (string | RegExp)[]): (k: string) => boolean {
  const res: RegExp[] = [];
  const strs = list.filter((p) => typeof p === 'string' && p) as string[];
  if (strs.length)
    res.push(new RegExp(strs.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i'));
  for (const p of list) if (p instanceof RegExp) res.push(p);
  return (k) => {
    for (const r of res) {
      r.lastIndex = 0; // a g/y flag would make test() stateful
      if (r.test(k)) return true;
    }
    return false;
  };
}

/**
 * Options, redaction test and key memo, made once per options object: a hook serializes
 * with the same one on every report (an options object is not expected to change).
 */
type Prep = [o: SerializeOptions, red: (k: string) => boolean, kc: Map<string, KeyInfo>];
const preps = new WeakMap<object, Prep>();
const NO_OPTS = {};

function prepare(opts?: Partial<SerializeOptions>): Prep {
  const p = typeof opts === 'object' && opts ? opts : NO_OPTS;
  let pr = preps.get(p);
  if (!pr) {
    const o = options(p);
    pr = [o, redactor(o.redact), new Map()];
    preps.set(p, pr);
  }
  return pr;
}

export function serialize(
  value: unknown,
  opts?: Partial<SerializeOptions>,
  cache?: SerializeCache,
  /** The walk's ancestor stack: a cache that holds it knows the depth of what it is asked about. */
  anc: object[] = [],
): SerializeResult {
  let c: Ctx | undefined;
  try {
    const [o, red, kc] = prepare(opts);
    c = { o, red, size: 0, lost: 0, t: 0, bad: 0, anc, segs: [], kc };
    if (cache instanceof WeakMap) c.cache = cache;
    const v = walk(c, value, 0, ['$']);
    const stats: StateStats = { size: c.size + c.lost };
    if (c.keys) {
      const keys: Record<string, number> = {};
      for (const [k, n] of c.keys.sort((x, y) => y[1] - x[1]).slice(0, 50)) put(keys, k, n);
      stats.keys = keys;
    }
    if (c.best) stats.longestList = { path: c.best.rel, length: c.best.len };
    if (c.t) stats.truncated = c.t;
    return { value: v, stats };
  } catch (e) {
    // Not reachable by design (walk catches per value); the app must never see it anyway.
    return { value: { $hs: 'thrown', message: errMsg(e) }, stats: { size: c?.size ?? 0 } };
  }
}

/** What incremental capture (capture.ts) needs from the serializer's prepared options. */
export interface Kit {
  o: SerializeOptions;
  key: (k: string) => KeyInfo;
}

export function kit(opts?: Partial<SerializeOptions>): Kit {
  const [o, red, kc] = prepare(opts);
  const c = { o, red, kc } as Ctx;
  return { o, key: (k) => keyInfo(c, k) };
}

/** One subtree serialized in place: what a full walk gives at that depth and path. */
export interface Subtree {
  n: Serialized;
  /** Size, long strings counted whole (as StateStats.size). */
  s: number;
  t: number;
  /** At least the markers that make the subtree unfit for reuse (see `bad`); may overcount. */
  bad: number;
  /** Longest list inside, its path starting with `seg`. */
  best?: Best;
}

/**
 * Serialize `value` as the full walk does when it reaches it at `depth`, below the raw
 * ancestors `anc` whose path steps are `segs` (the root's is ['$']): cycles become the same
 * `ref` markers. Sizes start at 0, so the caller checks maxTotalSize on the whole. `probe`
 * sees every object reached below `value` (it is asked through the cache interface).
 */
export function subtree(
  value: unknown,
  opts: Partial<SerializeOptions> | undefined,
  depth: number,
  anc: object[],
  segs: Seg[],
  seg: Seg,
  probe?: Ctx['cache'],
): Subtree {
  const [o, red, kc] = prepare(opts);
  const c: Ctx = { o, red, size: 0, lost: 0, t: 0, bad: 0, anc, segs, kc, cache: probe };
  const n = walk(c, value, depth, seg);
  return { n, s: c.size + c.lost, t: c.t, bad: c.bad, best: c.best };
}

/** A leaf marker: counted in size, and in truncated/bad when it stands for lost data. */
function leaf(c: Ctx, m: Marker, trunc?: boolean): Marker {
  c.size += json(m).length;
  if (trunc) {
    c.t++;
    c.bad++;
  }
  return m;
}

function thrown(c: Ctx, e: unknown): Marker {
  c.bad++;
  return leaf(c, { $hs: 'thrown', message: errMsg(e).slice(0, 1000) });
}

function walk(c: Ctx, v: unknown, depth: number, seg: Seg): Serialized {
  if (c.size > c.o.maxTotalSize) return leaf(c, { $hs: 'truncated', reason: 'size' }, true);
  const { size, t, best } = c;
  try {
    switch (typeof v) {
      case 'string':
        if (v.length > c.o.maxStringLength) {
          c.lost += v.length - c.o.maxStringLength;
          return leaf(c, { $hs: 'string', v: v.slice(0, c.o.maxStringLength), length: v.length }, true);
        }
        // JSON length; only strings that need escapes pay for an exact count.
        c.size += NEEDS_ESC.test(v) ? json(v).length : v.length + 2;
        return v;
      case 'number':
        if (!Number.isFinite(v)) return leaf(c, { $hs: 'number', v: String(v) });
        c.size += numLen(v);
        return v === 0 ? 0 : v;
      case 'boolean':
        c.size += v ? 4 : 5;
        return v;
      case 'undefined':
        return leaf(c, { $hs: 'undefined' });
      case 'bigint':
        return leaf(c, { $hs: 'bigint', v: String(v) });
      case 'symbol':
        return leaf(c, { $hs: 'symbol', v: String(v).slice(0, 1000) });
      case 'function':
        return leaf(c, { $hs: 'function', name: String(v.name) });
    }
    if (v === null) {
      c.size += 4;
      return null;
    }
    return obj(c, v as object, depth, seg);
  } catch (e) {
    // Forget whatever the failed value had half-emitted.
    c.size = size;
    c.t = t;
    c.best = best;
    return thrown(c, e);
  }
}

/** Read a property (getters and proxy traps may throw) and walk it. */
function prop(c: Ctx, o: object, k: string | number, depth: number, seg: Seg): Serialized {
  let x: unknown;
  try {
    x = (o as Record<string | number, unknown>)[k];
  } catch (e) {
    return thrown(c, e);
  }
  return walk(c, x, depth, seg);
}

/** Bubble a subtree's longest list up one level (the path text is built only on a new best). */
function note(c: Ctx, b: Best | undefined, seg: Seg): void {
  if (b && b.len > (c.best?.len ?? -1)) c.best = { len: b.len, rel: segStr(seg) + b.rel };
}

function obj(c: Ctx, v: object, depth: number, seg: Seg): Serialized {
  const hit = depth > 0 ? c.cache?.get(v) : undefined;
  if (hit && hit.d === depth && c.size + hit.size <= c.o.maxTotalSize) {
    c.size += hit.size;
    c.t += hit.t;
    note(c, hit.b, seg);
    return hit.n;
  }
  const array = isArr(v);
  const proto = array ? null : getProto(v);
  const plain = !array && (proto === OP || proto === null);
  const tag = array || plain ? '' : OP.toString.call(v).slice(8, -1);
  const V = v as Record<string, unknown>;
  if (tag) {
    if (typeof V.nodeType === 'number' && typeof V.nodeName === 'string')
      return leaf(c, { $hs: 'dom', v: domText(V) });
    if (tag === 'Window' || V.window === v || v === globalThis) return leaf(c, { $hs: 'dom', v: 'window' });
    if (tag === 'Date') {
      const ms = Date.prototype.getTime.call(v);
      return leaf(c, { $hs: 'date', v: Number.isNaN(ms) ? 'Invalid Date' : new Date(ms).toISOString() });
    }
    if (tag === 'RegExp') return leaf(c, { $hs: 'regexp', source: String(V.source), flags: String(V.flags) });
    if (tag === 'Error' || v instanceof Error) {
      const m: Marker = { $hs: 'error', name: str(c, V.name), message: str(c, V.message) };
      if (typeof V.stack === 'string') m.stack = str(c, V.stack);
      return leaf(c, m);
    }
    if (OPAQUE_TAGS.includes(tag)) return leaf(c, { $hs: 'instance', cls: tag });
    if (ArrayBuffer.isView(v) || tag.endsWith('ArrayBuffer')) return leaf(c, binary(v, tag));
  }
  const at = c.anc.indexOf(v);
  if (at >= 0) {
    c.bad++;
    return leaf(c, {
      $hs: 'ref',
      path: c.segs
        .slice(0, at + 1)
        .map(segStr)
        .join(''),
    });
  }
  const isMap = tag === 'Map';
  const isSet = tag === 'Set';
  const len: number = array ? v.length : isMap || isSet ? (v as Set<unknown>).size : -1;
  if (depth >= c.o.maxDepth) {
    const m: Marker = { $hs: 'truncated', reason: 'depth' };
    if (tag) m.cls = isMap || isSet ? tag : cls(proto, tag);
    if (len >= 0) m.size = len;
    return leaf(c, m, true);
  }
  const { size: s0, t: t0, bad: b0, best: outer } = c;
  // A list is a candidate for longestList itself, before anything inside it.
  c.best = len >= 0 ? { len, rel: '' } : undefined;
  c.anc.push(v);
  c.segs.push(seg);
  let n: Serialized;
  try {
    const d = depth + 1;
    const max = c.o.maxItems;
    // Per-key sizes of a root object or Map, for the panel's "what is big" flags.
    const ks: [string, number][] | undefined = depth === 0 && !array && !isSet ? [] : undefined;
    if (ks) c.keys = ks;
    if (array) {
      n = items(c, len, (i) => prop(c, v, i, d, i));
    } else if (isSet) {
      const it = Set.prototype.values.call(v);
      n = shell(
        c,
        { $hs: 'set', size: len },
        'values',
        items(c, len, (i) => walk(c, it.next().value, d, i)),
      );
    } else if (isMap) {
      const it = Map.prototype.entries.call(v);
      let i = 0;
      n = shell(
        c,
        { $hs: 'map', size: len },
        'entries',
        items(c, len, () => {
          const [k, x] = it.next().value as [unknown, unknown];
          const label =
            typeof k === 'string'
              ? json(k)
              : typeof k === 'object' || typeof k === 'function'
                ? `#${i}`
                : String(k);
          const s1 = c.size + c.lost;
          const pair = [walk(c, k, d, [`.keys[${i}]`])];
          c.size += 3;
          pair.push(
            typeof k === 'string' && c.red(k)
              ? leaf(c, { $hs: 'redacted' }, true)
              : walk(c, x, d, [`.get(${label})`]),
          );
          ks?.push([typeof k === 'string' ? k : label, c.size + c.lost - s1]);
          i++;
          return pair;
        }),
      );
    } else {
      const keys = Object.keys(v);
      const out: Obj = {};
      c.size += 2;
      const cnt = Math.min(keys.length, max);
      for (let i = 0; i < cnt; i++) {
        const k = keys[i];
        const ki = keyInfo(c, k);
        const s1 = c.size + c.lost;
        c.size += ki[1] + (i ? 1 : 0);
        put(out, ki[0], ki[2] ? leaf(c, { $hs: 'redacted' }, true) : prop(c, v, k, d, k));
        ks?.push([k, c.size + c.lost - s1 - (i ? 1 : 0)]);
      }
      if (keys.length > max) {
        c.size += MORE_KEY.length + 3 + (cnt ? 1 : 0);
        put(out, MORE_KEY, leaf(c, { $hs: 'more', count: keys.length - max }, true));
      }
      n = plain ? out : shell(c, { $hs: 'instance', cls: cls(proto, tag) }, 'v', out);
    }
  } finally {
    c.anc.pop();
    c.segs.pop();
  }
  const inner = c.best;
  c.best = outer;
  note(c, inner, seg);
  // Only subtrees whose output depends on nothing but their own content are reusable.
  if (c.cache && c.bad === b0) c.cache.set(v, { n, d: depth, size: c.size - s0, t: c.t - t0, b: inner });
  return n;
}

/**
 * Escaped key, its JSON length with the colon, redacted?: memoized per options, because the
 * same few keys repeat across every row of a list and every snapshot.
 */
function keyInfo(c: Ctx, k: string): KeyInfo {
  let ki = c.kc.get(k);
  if (!ki) {
    const ek = ESC.test(k) ? `$${k}` : k;
    ki = [ek, json(ek).length + 1, c.red(k)];
    if (c.kc.size < 10_000) c.kc.set(k, ki);
  }
  return ki;
}

/** The first min(len, maxItems) items, then a `more` marker for the rest. */
function items(c: Ctx, len: number, item: (i: number) => Serialized): Serialized[] {
  const out: Serialized[] = [];
  const cnt = Math.min(len, c.o.maxItems);
  c.size += 2 + Math.max(cnt - 1, 0);
  for (let i = 0; i < cnt; i++) out.push(item(i));
  if (len > cnt) {
    c.size += cnt ? 1 : 0;
    out.push(leaf(c, { $hs: 'more', count: len - cnt }, true));
  }
  return out;
}

/** Wrap an already measured container in a marker, counting the marker's own text. */
function shell(c: Ctx, m: Marker, field: string, inner: Serialized): Marker {
  // `,"field":` plus the marker's own text; `inner` was measured as it was built.
  c.size += json(m).length + field.length + 4;
  m[field] = inner;
  return m;
}

function cls(proto: object | null, tag: string): string {
  try {
    const n = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    if (typeof n === 'string' && n) return n;
  } catch {}
  return tag || 'Object';
}

/** A capped plain string (for error fields: a marker inside a marker would be noise). */
const str = (c: Ctx, x: unknown): string => String(x).slice(0, c.o.maxStringLength);

function domText(n: Record<string, unknown>): string {
  if (n.nodeType !== 1) return String(n.nodeName);
  const el = n as unknown as Element;
  let s = `<${el.nodeName.toLowerCase()}`;
  for (const a of ['id', 'class']) {
    const x = el.getAttribute?.(a);
    if (x) s += ` ${a}="${x.slice(0, 200)}"`;
  }
  return `${s}>`;
}

function binary(v: object, tag: string): Marker {
  const view = ArrayBuffer.isView(v) && tag !== 'DataView';
  const b = view ? (v as unknown as ArrayLike<number | bigint>) : new Uint8Array(v as ArrayBuffer);
  const length = view ? b.length : (v as ArrayBuffer).byteLength;
  const first: Serialized[] = [];
  // A few leading numbers help recognise the content; bigints and NaN are not JSON numbers.
  for (let i = 0; i < Math.min(length, 8) && tag !== 'DataView'; i++) {
    const x = b[i];
    first.push(typeof x === 'number' && Number.isFinite(x) ? x || 0 : String(x)); // -0 is not JSON
  }
  const m: Marker = { $hs: 'binary', cls: tag, length };
  if (first.length) m.v = first;
  return m;
}

/**
 * Inverse of serialize where possible. `instance` becomes a plain object of its props;
 * other markers come back as the marker itself. Builds own keys only (no prototype
 * pollution through `__proto__` keys) and never throws: bad input comes back as is.
 */
export function revive(s: Serialized): unknown {
  try {
    return rev(s);
  } catch {
    return s;
  }
}

function rev(s: Serialized): unknown {
  if (typeof s !== 'object' || s === null) return s;
  if (isArr(s)) return s.map(rev);
  if (!isMarker(s)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(s))
      put(out as Obj, k[1] === '$' && ESC.test(k) ? k.slice(1) : k, rev(s[k]) as Serialized);
    return out;
  }
  const { v } = s;
  try {
    switch (s.$hs) {
      case 'undefined':
        return undefined;
      case 'number':
        return Number(v);
      case 'bigint':
        return BigInt(v as string);
      case 'date':
        return new Date(v as string);
      case 'regexp':
        return new RegExp(s.source as string, s.flags as string);
      case 'error': {
        const e = new Error(String(s.message));
        if (typeof s.name === 'string') e.name = s.name;
        if (typeof s.stack === 'string') e.stack = s.stack;
        return e;
      }
      case 'map':
        return new Map(
          (s.entries as Serialized[][]).filter((e) => isArr(e)).map((e) => [rev(e[0]), rev(e[1])]),
        );
      case 'set':
        return new Set((s.values as Serialized[]).filter((x) => !isMarker(x) || x.$hs !== 'more').map(rev));
      case 'instance':
        if (typeof v === 'object' && v !== null) return rev(v);
    }
  } catch {}
  return s;
}
