/**
 * A state patched in place, delta after delta, with copy-on-write: the first time a delta
 * reaches a container the cursor did not create, it copies it (once), and from then on
 * patches its own copy directly. So walking N deltas over a big state copies each touched
 * container once, not once per delta as chained patchImmutable calls would (that copy of
 * a 10,000-slot array per step is what made the history cost grow with the state).
 *
 * The result is exactly patchImmutable's (runtime-hook/delta.ts), applied in sequence:
 * same values, same key order, same errors (the property tests compare the two). Values the
 * delta carries are used as-is and never written to: only the cursor's own copies are.
 * `freeze` hands the state out for good: every container in it becomes shared, so the next
 * delta copies again rather than change what a reader holds.
 *
 * A delta that throws leaves the state half patched: the caller drops the cursor (the step
 * is broken and the chain waits for a full state, as with patchImmutable).
 *
 * Why a second patcher rather than delta.ts's made generic: that one ships in the page's
 * hook core, whose 8 KB budget has no room for the ownership bookkeeping this one needs
 * (measured: +80 B gzipped). state-cursor.test.ts holds the two to the same results.
 */
import { put } from '../../../runtime-hook/delta';
import type { Delta, Serialized } from '../../../runtime-hook/protocol';

type Obj = { [k: string]: Serialized };

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null;
const isArr = Array.isArray;
const has = (o: object, k: string) => Object.hasOwn(o, k);

const bad = (what: string): never => {
  throw new Error(`patch: ${what}`);
};

export class StateCursor {
  /** Containers this cursor created since the last freeze: the only ones it may write to. */
  private owned = new Set<object>();
  /** Slots of those containers: what keeping the current state would add (a checkpoint's cost). */
  copiedSlots = 0;
  /** How many containers those are (each has a header too). */
  copiedContainers = 0;

  constructor(public state: Serialized) {}

  /** Apply one delta. Throws, like patchImmutable, on a delta that does not fit. */
  apply(delta: Delta | undefined): void {
    this.state = this.patch(this.state, delta);
  }

  /** The state, from now on immutable: later deltas copy what they touch. */
  freeze(): Serialized {
    if (this.owned.size) this.owned = new Set();
    this.copiedSlots = 0;
    this.copiedContainers = 0;
    return this.state;
  }

  private own<T extends Obj | Serialized[]>(x: T): T {
    if (this.owned.has(x)) return x;
    // Spread copies own keys as data properties, `__proto__` included, without setters.
    const c = (isArr(x) ? x.slice() : { ...x }) as T;
    this.owned.add(c);
    this.copiedContainers++;
    this.copiedSlots += isArr(c) ? c.length : Object.keys(c).length;
    return c;
  }

  private patch(base: Serialized, delta: Delta | undefined): Serialized {
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
    if (!keys.length || (keys.length === 1 && delta._t === 'a')) return base;
    if (delta._t === 'a')
      return isArr(base) ? this.patchArray(base, delta, keys) : bad('array delta on a non-array');
    if (!isObj(base) || isArr(base)) return bad('object delta on a non-object');
    const out = this.own(base);
    for (const k of keys) {
      const dv = delta[k];
      if (isArr(dv) && dv.length === 3 && dv[2] === 0) delete out[k];
      // Delta keys are distinct, so out[k] is still base[k] here.
      else put(out, k, this.patch(has(out, k) ? out[k] : null, dv));
    }
    return out;
  }

  /** patchImmutable's array patch (remove, then insert/move, then modify), on an owned copy. */
  private patchArray(base: Serialized[], delta: Obj, keys: string[]): Serialized[] {
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
      inserts.sort((x, y) => x[0] - y[0]);
      if (!removed.size && inserts.every(([at]) => at >= base.length)) {
        // Appends only (a growing list): push onto our copy instead of rebuilding it.
        out = this.own(base);
        for (const [, v] of inserts) out.push(v);
        this.copiedSlots += inserts.length;
      } else {
        const kept = removed.size ? base.filter((_, i) => !removed.has(i)) : base;
        out = [];
        let j = 0;
        // Merge, like splicing each insert in ascending index order (past the end appends).
        for (const [at, v] of inserts) {
          while (out.length < at && j < kept.length) out.push(kept[j++]);
          out.push(v);
        }
        while (j < kept.length) out.push(kept[j++]);
        this.owned.add(out);
        this.copiedContainers++;
        this.copiedSlots += out.length;
      }
    }
    if (mods.length) {
      out = this.own(out);
      for (const i of mods) {
        if (!(i >= 0 && i < out.length)) bad(`bad array index ${i}`);
        out[i] = this.patch(out[i], delta[i]);
      }
    }
    return out;
  }
}
