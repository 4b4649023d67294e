/**
 * Write tracking for stores that mutate in place (the flux-store adapter). A mutation runs
 * on a Proxy of the state (and of its payload) that records, for each container written,
 * the keys written and the path it was reached by. The capture then serializes only those
 * keys (capture.ts) instead of the whole state.
 *
 * The record is trusted only when it is complete: a written object must still be where it
 * was reached, and must be shown in one place only (the capture's registry knows which
 * objects were reached twice); a Map, Set or class instance the mutation read is walked
 * again whole. Anything else — a write through a tracked view outside a mutation, a written
 * object that moved, one shared by two places — makes the step a full walk that says why.
 * Writes through the raw state outside mutations (`store.state.x = …`) cannot be seen: the
 * store's contract is that only mutations change it.
 *
 * The state never holds proxies: values written are unwrapped (and new arrays or objects
 * built from tracked values are cleaned), and `indexOf` / `includes` / `lastIndexOf` on a
 * tracked array search the raw array, so identity checks inside a mutation behave.
 */
import { type Dirty, Engine, Fallback, isPlainRaw, Registry } from './capture';
import type { Capture } from './hook';

interface Rec {
  t: object;
  px: object;
  /** The session (step) its write fields below belong to. */
  sid: number;
  /**
   * The parent it was reached from first in the step it was last reached in, and by which
   * key (checked when used). The first access: later ones may come back through a cycle.
   */
  p?: Rec;
  k?: string;
  ps?: number;
  w?: Set<string>;
  u?: Set<string>;
  del?: boolean;
  listed?: boolean;
  /** Has own read-only, non-configurable properties: a proxy must hand out their real values. */
  lk?: boolean;
}

/** A property a Proxy's get trap must return as it is (the Proxy invariants). */
const locked = (t: object, k: string): boolean => {
  const d = Reflect.getOwnPropertyDescriptor(t, k);
  return !!d && !d.configurable && 'value' in d && !d.writable;
};

const isArr = Array.isArray;
const SEARCH = ['indexOf', 'lastIndexOf', 'includes'] as const;
type Search = (typeof SEARCH)[number];

export class Tracker {
  private recs = new WeakMap<object, Rec>();
  private targets = new WeakMap<object, object>();
  private sid = 1;
  private depth = 0;
  private dirty: Rec[] = [];
  private why?: string;
  /** Inside Reflect.set: its own defineProperty on the proxy is the same write. */
  private setting = false;
  private handler: ProxyHandler<object>;
  private search: Record<Search, (...args: unknown[]) => unknown>;

  /** The raw object behind a tracked view (or the object itself). */
  unwrap = (o: object): object => this.targets.get(o) ?? o;

  constructor() {
    const un = (x: unknown) => (typeof x === 'object' && x !== null ? this.unwrap(x) : x);
    const search = {} as Record<Search, (...args: unknown[]) => unknown>;
    for (const name of SEARCH)
      search[name] = function (this: unknown, ...args: unknown[]) {
        return (Array.prototype[name] as (...a: unknown[]) => unknown).apply(un(this), args.map(un));
      };
    this.search = search;
    this.handler = {
      get: (t, k, recv) => {
        const v = Reflect.get(t, k, recv);
        if (typeof k === 'symbol') return v;
        if (typeof v === 'object' && v !== null) {
          const r = this.rec(t);
          if ((isArr(v) || isPlainRaw(v)) && !((r.lk || !Object.isExtensible(t)) && locked(t, k)))
            return this.view(v, r, k);
          // A Map, Set, Date or class instance changes through its own methods, and a read-only
          // property's object cannot be handed out as a view: that slot is walked again.
          if (Object.hasOwn(t, k)) this.note(t, k, 'u');
          return v;
        }
        if (typeof v === 'function' && isArr(t) && (SEARCH as readonly string[]).includes(k))
          return this.search[k as Search];
        return v;
      },
      set: (t, k, v, recv) => {
        if (typeof k === 'symbol') return Reflect.set(t, k, v, recv);
        this.note(t, k, 'w');
        const was = this.setting;
        this.setting = true;
        try {
          return Reflect.set(t, k, this.clean(v), recv);
        } finally {
          this.setting = was;
        }
      },
      defineProperty: (t, k, d) => {
        if (d.configurable === false && d.writable !== true) this.rec(t).lk = true;
        if (!this.setting && typeof k !== 'symbol') {
          this.note(t, k, 'w');
          if ('value' in d) d = { ...d, value: this.clean(d.value) };
        }
        return Reflect.defineProperty(t, k, d);
      },
      deleteProperty: (t, k) => {
        if (typeof k !== 'symbol') this.note(t, k, 'w', true);
        return Reflect.deleteProperty(t, k);
      },
      setPrototypeOf: (t, proto) => {
        // The object becomes another kind of value: its slot in the parent is written.
        const r = this.rec(t);
        if (r.p && r.k !== undefined) this.note(r.p.t, r.k, 'w');
        else this.why ??= "an object's prototype changed";
        return Reflect.setPrototypeOf(t, proto);
      },
    };
  }

  /** Run `fn` with tracked views of the state and the payload. */
  mutate<T>(state: unknown, payload: unknown, fn: (state: unknown, payload: unknown) => T): T {
    this.depth++;
    try {
      return fn(this.view(state), this.view(payload));
    } finally {
      // Maps, Sets and instances the mutation read may have been given tracked views.
      if (!--this.depth)
        for (const r of this.dirty)
          for (const k of r.u ?? []) {
            try {
              this.scrubOther((r.t as Record<string, unknown>)[k]);
            } catch {
              // A getter that throws: nothing stored there to clean.
            }
          }
    }
  }

  /**
   * A tracked view of `v` (plain objects and arrays; anything else is returned as is), reached
   * from `parent` by `key` when given. Outside a mutation, a write through it is noted.
   */
  view<T>(v: T, parent?: Rec, key?: string): T {
    if (typeof v !== 'object' || v === null) return v;
    const t = this.unwrap(v);
    let r = this.recs.get(t);
    if (!r) {
      if (!isArr(t) && !isPlainRaw(t)) return v;
      const px = new Proxy(t, this.handler);
      r = { t, px, sid: this.sid };
      // Read-only properties made with defineProperty (freeze and seal show in isExtensible).
      if (!isArr(t)) for (const k of Object.getOwnPropertyNames(t)) if (locked(t, k)) r.lk = true;
      this.recs.set(t, r);
      this.targets.set(px, t);
    }
    if (parent && r.ps !== this.sid) {
      r.p = parent;
      r.k = key;
      r.ps = this.sid;
    }
    return r.px as T;
  }

  private rec(t: object): Rec {
    const r = this.recs.get(t) as Rec;
    if (r.sid !== this.sid) {
      r.sid = this.sid;
      r.w = r.u = undefined;
      r.del = r.listed = false;
    }
    return r;
  }

  private note(t: object, k: string, kind: 'w' | 'u', del = false): void {
    if (!this.depth) {
      if (kind === 'w') this.why ??= 'the state changed outside a mutation';
      return;
    }
    const r = this.rec(t);
    const set = r[kind] ?? new Set<string>();
    r[kind] = set;
    set.add(k);
    if (del) r.del = true;
    if (!r.listed) {
      r.listed = true;
      this.dirty.push(r);
    }
  }

  /** The raw value to store: no proxies in the state, also inside new arrays and objects. */
  private clean(v: unknown): unknown {
    if (typeof v !== 'object' || v === null) return v;
    const t = this.targets.get(v);
    if (t) return t;
    if (isArr(v) || isPlainRaw(v)) this.scrub(v, new Set());
    return v;
  }

  /** Raw values in a Map, Set or class instance (the order of entries kept). */
  private scrubOther(x: unknown): void {
    if (typeof x !== 'object' || x === null) return;
    const isView = (v: unknown) => typeof v === 'object' && v !== null && this.targets.has(v);
    if (x instanceof Map) {
      const es = [...x];
      if (es.some(([k, v]) => isView(k) || isView(v))) {
        x.clear();
        for (const [k, v] of es) x.set(this.clean(k), this.clean(v));
      } else for (const [, v] of es) this.clean(v);
    } else if (x instanceof Set) {
      const vs = [...x];
      if (vs.some(isView)) {
        x.clear();
        for (const v of vs) x.add(this.clean(v));
      } else for (const v of vs) this.clean(v);
    } else if (!ArrayBuffer.isView(x)) this.scrub(x, new Set());
  }

  private scrub(o: object, seen: Set<object>): void {
    if (seen.has(o)) return;
    seen.add(o);
    const O = o as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      let x: unknown;
      try {
        x = O[k];
      } catch {
        continue;
      }
      if (typeof x !== 'object' || x === null) continue;
      const t = this.targets.get(x);
      if (t) {
        try {
          O[k] = t;
        } catch {
          // A frozen object keeps its view; the capture still reads through it correctly.
        }
      } else if (isArr(x) || isPlainRaw(x)) this.scrub(x, seen);
    }
  }

  /**
   * Hand over what was written since the last call, as a tree of paths from `root`; a
   * string when the record cannot be trusted (why), undefined when nothing was written.
   */
  take(root: unknown, present: WeakSet<object>): Dirty | string | undefined {
    const { why, dirty } = this;
    this.why = undefined;
    this.dirty = [];
    this.sid++;
    if (why) return why;
    if (!dirty.length) return undefined;
    if (typeof root !== 'object' || root === null) return 'the state is not an object';
    const top: Dirty = { t: root };
    for (const r of dirty) {
      const chain: Rec[] = [];
      let x: Rec | undefined = r;
      while (x && x.t !== root) {
        chain.push(x);
        x = x.p;
        if (chain.length > 1000) return 'a write too deep to place';
      }
      // Not reached from the state: a new object (walked when stored), or one from elsewhere.
      if (!x) {
        if (present.has(r.t)) return 'a written object was not reached through the state';
        continue;
      }
      let node: Dirty | undefined = top;
      let obj = root as Record<string, unknown>;
      for (let i = chain.length - 1; i >= 0 && node; i--) {
        const c = chain[i];
        const k = c.k as string;
        let cur: unknown;
        try {
          cur = obj[k];
        } catch {
          return 'a getter in the state threw';
        }
        if (cur !== c.t) node = undefined;
        else {
          const m: Map<string, Dirty> = node.c ?? new Map<string, Dirty>();
          node.c = m;
          const next: Dirty = m.get(k) ?? { t: c.t };
          m.set(k, next);
          node = next;
          obj = c.t as Record<string, unknown>;
        }
      }
      if (!node) {
        if (present.has(r.t)) return 'a written object moved';
        continue;
      }
      if (r.w) node.w = new Set([...(node.w ?? []), ...r.w]);
      if (r.u) node.u = new Set([...(node.u ?? []), ...r.u]);
      if (r.del) node.del = true;
    }
    return top;
  }
}

/** Capture for a store that mutates in place, fed by its tracker. */
export function trackedCapture(): { capture: Capture; tracker: Tracker } {
  const tracker = new Tracker();
  const reg = new Registry(tracker.unwrap);
  const e = new Engine(reg);
  const capture: Capture = (state, opts, last) => {
    const log = tracker.take(state, reg.present);
    if (last === undefined || last !== e.last) return e.full(state, opts);
    if (state !== e.raw) return e.full(state, opts, 'the state was replaced');
    if (typeof log === 'string') return e.full(state, opts, log);
    if (!log) return e.same();
    try {
      return e.stepTracked(state, opts, log);
    } catch (err) {
      return e.full(state, opts, err instanceof Fallback ? err.why : `capture failed: ${String(err)}`);
    }
  };
  return { capture, tracker };
}
