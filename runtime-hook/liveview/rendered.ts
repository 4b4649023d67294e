/**
 * The LiveView rendered tree, rebuilt outside the client from a join reply and later diffs.
 * A small port of phoenix_live_view's own `Rendered` (assets/js/phoenix_live_view/rendered.js,
 * 0.20 through 1.2), which is the spec; zero dependencies, never throws.
 *
 * Differences from the client, all deliberate:
 * - Immutable: every merge returns new objects along the changed paths and shares the rest.
 * - Templates (`p`) are resolved while merging (the client resolves them at render time,
 *   right after each merge, and since 1.1 drops them), so the tree is self-contained.
 * - Stream items are kept (the client leaves them to the DOM): each merge applies the
 *   stream's reset/delete/insert ops to `streams[ref]`, the stream's comprehension is left
 *   empty in the tree, as the client leaves it, and keeps its last `stream` op so a render
 *   knows where its items go.
 * - No attributes the client injects for its own DOM patching (data-phx-id, -component,
 *   -view, -skip), and nothing is ever skipped.
 */

type N = Record<string, unknown>;
export interface StreamItem {
  domId: string;
  html: string;
}
export type Streams = Record<string, StreamItem[]>;
export interface MergeSummary {
  title?: string;
  events?: unknown[];
  reply?: unknown;
}

const isObj = (v: unknown): v is N => v !== null && typeof v === 'object' && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
// A comprehension: `d` (list of dynamics lists, up to 1.0) or keyed `k` (1.1+).
const isComp = (n: N) => !!(n.k || n.d);
// The client's isCid: a number or a numeric string.
const isCid = (v: unknown) => typeof v === 'number' || (typeof v === 'string' && /^(0|[1-9]\d*)$/.test(v));

/**
 * A diff node with templates resolved: numeric `s` becomes `p[s]`. As in the client, a node's
 * own `p` applies to itself and below, except that a comprehension's statics come from the
 * enclosing templates and the enclosing ones win inside it. Since 1.1 the client drops `p`
 * once rendered, so it is dropped here; up to 1.0 a comprehension keeps its `p` (merged, as
 * any object) and a later diff may rely on it, so it stays in the tree there (`o` is the old
 * node at the same place). A component's own `s` (keepS) is a cid reference, not an index.
 */
const res = (n: unknown, t?: N, keepS?: boolean, o?: unknown): unknown => {
  if (!isObj(n)) return n;
  const c = isComp(n);
  const old = n.s === undefined && isObj(o) ? o : {};
  const p = isObj(n.p) ? (isObj(old.p) ? { ...old.p, ...n.p } : n.p) : isObj(old.p) ? old.p : undefined;
  const ct = c ? t || p : p || t;
  const r: N = {};
  for (const k in n) {
    const v = n[k];
    if ((k === 'p' && !c) || k === '__proto__') continue;
    r[k] =
      k === 's'
        ? typeof v === 'number' && !keepS
          ? arr((c ? t : ct)?.[v])
          : v
        : k === 'd' && Array.isArray(v)
          ? v.map((e) => (Array.isArray(e) ? e.map((x) => res(x, ct)) : e))
          : k === 'k' && isObj(v)
            ? each(v, (e) => (Array.isArray(e) ? [e[0], res(e[1], ct)] : res(e, ct)))
            : k === 'p'
              ? v
              : res(v, ct, false, old[k]);
  }
  return r;
};

const each = (o: N, f: (v: unknown) => unknown): N => {
  const r: N = {};
  for (const k in o) if (k !== '__proto__') r[k] = f(o[k]);
  return r;
};

/** The client's doMutableMerge / cloneMerge: a node carrying `s` replaces, others merge deeply. */
const deep = (t: N, s: N): N => {
  if (isObj(s.k)) return keyed(t, s);
  const o = { ...t };
  for (const k in s) {
    const v = s[k];
    const tv = t[k];
    if (k !== '__proto__') o[k] = isObj(v) && v.s === undefined && isObj(tv) ? deep(tv, v) : v;
  }
  return o;
};

/**
 * A copy of a keyed comprehension's entries. `{ ...tk }` of thousands of index keys beside the
 * named `kc` takes V8's slow path (20,000 rows: 2.7 ms, against 0.1 ms without `kc`); when the
 * keys are exactly 0 … kc − 1 and `kc`, as a server sends them, they are copied by number.
 */
const copyKeyed = (tk: N): N => {
  const n = tk.kc;
  if (typeof n !== 'number' || !(n >= 0) || Object.values(tk).length !== n + 1) return { ...tk };
  const k: N = {};
  for (let i = 0; i < n; i++) {
    if (!(i in tk)) return { ...tk };
    k[i] = tk[i];
  }
  k.kc = n;
  return k;
};

/**
 * The client's mergeKeyed (1.1+): entry `i` of `k` is a diff at the same position, a number
 * (moved from that old position) or `[old, diff]` (moved, then merged); `kc` is the new count.
 * Only `k`, `stream` and `p` of the source are read, as in the client.
 */
const keyed = (t: N, s: N): N => {
  const sk = s.k as N;
  const tk = isObj(t.k) ? t.k : {};
  const k = copyKeyed(tk);
  for (const i in sk) {
    const e = sk[i];
    if (i === 'kc' || i === 'km' || i === '__proto__') continue;
    const old = (j: unknown) => (isObj(tk[j as string]) ? (tk[j as string] as N) : {});
    if (Array.isArray(e)) k[i] = isObj(e[1]) ? deep(old(e[0]), e[1]) : old(e[0]);
    else if (typeof e === 'number') k[i] = tk[e];
    else if (isObj(e)) k[i] = deep(old(i), e);
  }
  if ((sk.kc as number) < (tk.kc as number))
    for (const i in k) if (+i >= (sk.kc as number) && +i < (tk.kc as number)) delete k[i];
  k.kc = sk.kc;
  const o: N = { ...t, k };
  if (s.stream) o.stream = s.stream;
  return o;
};

/** The client's cachedFindComponent: a numeric `s` shares statics with cid `s` of this diff
 *  when positive, with the already merged cid `-s` when negative. */
const components = (oldc: N, newc: N): N => {
  const cache: N = {};
  const find = (cid: string): N => {
    if (cache[cid]) return cache[cid] as N;
    cache[cid] = {}; // a reference cycle ends here instead of recursing forever
    const cd = res(newc[cid], undefined, true, oldc[cid]);
    let nd: N = {};
    if (isObj(cd)) {
      const sc = cd.s;
      if (isCid(sc)) {
        const td = +(sc as number) > 0 ? find(String(+(sc as number))) : oldc[-(sc as number)];
        nd = isObj(td) ? { ...deep(td, cd), s: td.s } : { ...cd, s: [] };
      } else nd = sc !== undefined || !isObj(oldc[cid]) ? cd : deep(oldc[cid] as N, cd);
    }
    cache[cid] = nd;
    return nd;
  };
  const c = { ...oldc };
  for (const cid in newc) if (cid !== '__proto__') c[cid] = find(cid);
  return c;
};

// Per render: cids being rendered (a component that contains itself renders nothing, where
// the client would recurse until the stack overflows) and characters left (components shared
// many times over can make output exponential in the input: past 2^26 the render gives up).
let active = new Set<unknown>();
let budget = 0;
const start = () => {
  active = new Set();
  budget = 2 ** 26;
};

/** HTML of a rendered node; `c` the components by cid, `st` stream items to put in place. */
const html = (n: unknown, c: N, st: Streams | null | undefined): string => {
  if (!isObj(n)) return '';
  const s = arr(n.s);
  if (!isComp(n)) return fill(s, n, c, st);
  const items = st && Array.isArray(n.stream) && st[n.stream[0] as string];
  if (items) return items.map((i) => i.html).join('');
  return entries(n)
    .map((e) => fill(s, e, c, st))
    .join('');
};

const entries = (n: N): N[] => {
  if (!isObj(n.k)) return arr(n.d) as N[];
  const out: N[] = [];
  // bounded by the entries present, so a hostile `kc` cannot make a huge loop
  const kc = Math.min(n.k.kc as number, Object.keys(n.k).length);
  for (let i = 0; i < kc; i++) out.push(n.k[i] as N);
  return out;
};

const fill = (s: unknown[], d: unknown, c: N, st: Streams | null | undefined): string => {
  let o = '';
  for (let i = 0; i < s.length; i++) {
    let v: unknown = i ? (isObj(d) || Array.isArray(d) ? (d as N)[i - 1] : undefined) : '';
    const cid = v;
    if (typeof cid === 'number') {
      if (active.has(cid)) v = '';
      else {
        active.add(cid);
        v = html(c[cid], c, st);
        active.delete(cid);
      }
    } else v = isObj(v) ? html(v, c, st) : String(v);
    const t = String(s[i]);
    budget -= t.length + (typeof v === 'string' ? v.length : 0);
    if (budget < 0) throw 0;
    o += v + t;
  }
  return o;
};

/** Full HTML of a tree (and its stream items, when given), components inlined. Pure. */
export function renderHTML(tree: unknown, streams?: Streams | null): string {
  try {
    start();
    return isObj(tree) ? html(tree, isObj(tree.c) ? tree.c : {}, streams) : '';
  } catch {
    return '';
  }
}

const idOf = (h: string) => /^\s*(?:<!--[\s\S]*?-->\s*)*<[^\s/>]+[^>]*?\sid=(["'])(.*?)\1/.exec(h)?.[2];

/**
 * Apply one stream op `[ref, inserts, deleteIds, reset?]` to the items its comprehension
 * rendered this time, as the client's DOM patch (morphdom) does. Into a container already on
 * the page each item is added in turn: an existing one is updated in place, a new one goes
 * to its position (`at` -1 end, 0 front, n before the n-th) unless update-only (an
 * update-only item removed by this op's reset or deletes is put back, as the client does), then its
 * `limit` trims the list. A container new on the page (the join) gets all items at once, in
 * order; then each item in turn moves to its position and applies its limit.
 */
const applyStream = (streams: Streams, n: N, c: N, fresh: boolean) => {
  const [ref, ins, del, reset] = n.stream as unknown[];
  const key = String(ref);
  const inserts = arr(ins) as unknown[][];
  const gone = arr(del);
  const before = streams[key] ?? [];
  let list = (reset !== undefined || fresh ? [] : before).filter((i) => !gone.includes(i.domId));
  const items = entries(n).map((e, i) => {
    start();
    const html = fill(arr(n.s), e, c, null);
    const domId = idOf(html) ?? String(arr(inserts[i])[0]);
    return { domId, html };
  });
  if (fresh) list = [...items];
  for (const item of items) {
    const [, at = -1, limit, updateOnly] = arr(inserts.find((x) => arr(x)[0] === item.domId)) as number[];
    let j = list.findIndex((x) => x.domId === item.domId);
    if (fresh) {
      if (j < 0) continue; // trimmed by an earlier item's limit
      // the client's maybeReOrderStream for an element already in place
      const next = at >= list.length - 1 ? undefined : list[at > j ? at + 1 : at];
      if (at >= 0) {
        list.splice(j, 1);
        j = next ? list.indexOf(next) : list.length;
        list.splice(at === 0 ? 0 : j, 0, item);
      }
    } else if (j >= 0) {
      list[j] = item;
      continue;
    } else if (updateOnly && !before.some((x) => x.domId === item.domId)) continue;
    else list.splice(at < 0 ? list.length : at, 0, item);
    if (typeof limit === 'number') list = limit < 0 ? list.slice(limit) : list.slice(0, limit);
  }
  streams[key] = list;
};

/** Walk the tree (comprehension entries and components included) for comprehensions whose
 *  `stream` op came with this diff: apply the op and empty them, as the client's render does.
 *  Returns the same value when nothing below changed. */
const takeStreams = (v: unknown, ops: Set<unknown>, streams: Streams, c: N, fresh: boolean): unknown => {
  if (Array.isArray(v)) {
    const a = v.map((x) => takeStreams(x, ops, streams, c, fresh));
    return a.some((x, i) => x !== v[i]) ? a : v;
  }
  if (!isObj(v)) return v;
  let o: N | undefined;
  for (const k in v) {
    const x = k === 's' || k === 'stream' ? v[k] : takeStreams(v[k], ops, streams, c, fresh);
    if (x !== v[k]) {
      o ??= { ...v };
      o[k] = x;
    }
  }
  if (!ops.has(v.stream) || !isComp(v)) return o ?? v;
  applyStream(streams, o ?? v, c, fresh);
  return { ...(o ?? v), ...(isObj(v.k) ? { k: { kc: 0 } } : { d: [] }) };
};

export class RenderedTree {
  #tree: N | null = null;
  #streams: Streams = {};
  #title: string | undefined;

  /** The merged tree, JSON-compatible; unchanged subtrees are shared between merges. */
  get tree(): N | null {
    return this.#tree;
  }
  /** Stream items by stream ref, in DOM order. Replaced (not mutated) by each merge. */
  get streams(): Streams {
    return this.#streams;
  }
  get title(): string | undefined {
    return this.#title;
  }

  /** Start over from a join reply's `rendered`. */
  reset(rendered: unknown): MergeSummary {
    this.#tree = null;
    this.#streams = {};
    this.#title = undefined;
    return this.merge(rendered);
  }

  /** Merge a diff (a `diff` push payload, a reply's `response.diff`). */
  merge(diff: unknown): MergeSummary {
    try {
      if (!isObj(diff)) return {};
      // The client's Rendered.extract: top-level r (reply), e (events), t (title).
      const { r, e, t, c: newc, ...rest } = diff;
      const out: MergeSummary = {};
      if (r !== undefined) out.reply = r;
      if (e !== undefined) out.events = arr(e);
      if (typeof t === 'string') out.title = t;
      const ops = new Set<unknown>();
      const collect = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(collect);
        else if (isObj(v)) for (const k in v) k === 'stream' ? ops.add(v[k]) : collect(v[k]);
      };
      collect(diff);
      const old = this.#tree ?? {};
      const d = res(rest, undefined, false, old) as N;
      let tree: N = d.s !== undefined ? d : deep(old, d);
      const oldc = isObj(tree.c) ? tree.c : {};
      const comps = isObj(newc) ? components(oldc, newc) : oldc;
      if (comps !== tree.c) tree = { ...tree, c: comps };
      let streams = this.#streams;
      if (ops.size) {
        streams = { ...streams };
        tree = takeStreams(tree, ops, streams, comps, !this.#tree) as N;
      }
      this.#tree = tree;
      this.#streams = streams;
      if (out.title !== undefined) this.#title = out.title;
      return out;
    } catch {
      return {};
    }
  }

  /** The page as the client renders it into the LiveView's container. */
  toHTML(): string {
    return renderHTML(this.#tree, this.#streams);
  }
}
