/**
 * Incremental capture (runtime-hook/capture.ts) against the full reference: on random
 * immutable update sequences, every step's value, stats and delta equal what `serialize`
 * of the new state and `diff` against the previous serialized state give.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { immutableCapture, WIDE } from '../../runtime-hook/capture';
import type { Capture } from '../../runtime-hook/hook';
import type { SerializeOptions } from '../../runtime-hook/serialize';
import {
  applyEdit,
  checkStep,
  type Edit,
  editArb,
  immutableEdit,
  nodes,
  optionsArb,
  type Prev,
  plainStateArb,
  stateArb,
} from './capture-arbitraries';

/** Run `states` through `cap` and the reference; returns how many steps were incremental. */
function checkAgainstReference(cap: Capture, states: unknown[], opts: Partial<SerializeOptions>): number {
  const prev: Prev = {};
  let incremental = 0;
  states.forEach((state, i) => {
    const { walk, delta } = checkStep(cap, state, opts, prev, `step ${i}`);
    if (i > 0 && delta && walk === undefined) incremental++;
  });
  return incremental;
}

describe('immutable capture', () => {
  it('equals serialize + diff on random immutable update sequences', () => {
    let steps = 0;
    let incremental = 0;
    fc.assert(
      fc.property(
        stateArb,
        fc.array(editArb, { minLength: 1, maxLength: 12 }),
        optionsArb,
        (s0, edits, o) => {
          const states: unknown[] = [s0];
          let s: unknown = s0;
          for (const e of edits as Edit[]) {
            s = immutableEdit(s, e);
            states.push(s);
          }
          incremental += checkAgainstReference(immutableCapture(), states, o);
          steps += states.length - 1;
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    // Most steps took the incremental path (fallbacks are the exception).
    expect(incremental).toBeGreaterThan(steps * 0.5);
  });
});

describe('immutable capture when an object moves up above a reused child that leads back to it', () => {
  type O = Record<string, unknown>;
  /** `n` holds `c` and `c` leads back to `n`: a cycle, which maxDepth cuts off where `n` sits deep. */
  const cycle = () => {
    const c: O = {};
    const n = { c, k: 1 };
    c.back = n;
    return { n, c };
  };
  const ref = (path: string) => ({ $hs: 'ref', path });

  it('shows the cycle once the object is above the child (seen deep by a full walk)', () => {
    const { n, c } = cycle();
    const prev: Prev = {};
    const cap = immutableCapture();
    // $.x.c.back is n, cut off by depth; then n takes $.x, keeping the same child c.
    checkStep(cap, { x: { c, k: 0 } }, { maxDepth: 3 }, prev, 'n deep');
    const { walk } = checkStep(cap, { x: n }, { maxDepth: 3 }, prev, 'n moved up');
    expect(walk).toBeUndefined();
    expect(prev.ref).toEqual({ x: { c: { back: ref('$.x') }, k: 1 } });
  });

  it('shows it when the walk that cut the object off was an incremental step', () => {
    const { n, c } = cycle();
    const states = [{ x: 0 }, { x: { c, k: 0 } }, { x: { c, k: 0 }, y: 1 }, { x: n, y: 1 }];
    expect(checkAgainstReference(immutableCapture(), states, { maxDepth: 3 })).toBe(3);
  });

  it('walks again from the container below it that was cut off, when it was shown itself', () => {
    // n → m → c → n. Before, $.x.m.c.back was n, shown, and its m cut off at depth 5.
    const c: O = {};
    const m = { c };
    const n = { m, k: 1 };
    c.back = n;
    const prev: Prev = {};
    const cap = immutableCapture();
    checkStep(cap, { x: { m: { c }, k: 0 } }, { maxDepth: 5 }, prev, 'm deep');
    const { walk } = checkStep(cap, { x: n }, { maxDepth: 5 }, prev, 'n moved up');
    expect(walk).toBeUndefined();
    expect(prev.ref).toEqual({ x: { m: { c: { back: ref('$.x') } }, k: 1 } });
  });

  it('walks the whole state when the state becomes an object an earlier state held deeper', () => {
    const { n, c } = cycle();
    const prev: Prev = {};
    const cap = immutableCapture();
    checkStep(cap, { c, k: { n } }, { maxDepth: 2 }, prev, 'n deep');
    const { walk } = checkStep(cap, n, { maxDepth: 2 }, prev, 'n is the state');
    expect(walk).toMatch(/maxDepth cut off/);
    expect(prev.ref).toEqual({ c: { back: ref('$') }, k: 1 });
  });
});

describe('immutable capture of wide objects (past WIDE keys, whose key lists it keeps)', () => {
  type Entities = Record<string, unknown>;
  /**
   * One immutable edit of a wide object: an entry replaced, added (at the end), deleted, moved
   * to the end, the last one deleted (which undoes an add: the same keys as two steps back),
   * renamed keeping its value (the same count and values), or set to undefined. `key` names a
   * new index entry as the table's own keys are named.
   */
  const edit = (
    e: Entities,
    [op, pick, v]: [number, number, number],
    key: (i: number) => string,
  ): Entities => {
    const ks = Object.keys(e);
    // The last key (a named one after indices, once added) for op 4, and half of ops 0 and 6.
    const last = op === 4 || ((op === 0 || op === 6) && pick % 2 === 0);
    const k = ks[last ? ks.length - 1 : pick % ks.length];
    // Renamed as its kind is named: an index to another index, a name to another name.
    const renamed = (k: string) => (/^\d+$/.test(k) ? key(1000 + (pick % 7)) : `re${k}`);
    const next = { ...e };
    if (op === 0) next[k] = { n: v, tags: [v] };
    else if (op === 1) next[v % 2 ? `new${v}` : `token${v}`] = v;
    else if ((op === 2 || op === 4) && ks.length > 1) delete next[k];
    else if (op === 3) {
      delete next[k];
      next[k] = e[k];
    } else if (op === 6 && !(renamed(k) in e)) {
      delete next[k];
      next[renamed(k)] = e[k];
    } else if (op === 7) next[k] = undefined;
    else next[k] = v;
    return next;
  };
  it('equals serialize + diff as entries change, come, go and move, nested or at the root', () => {
    let steps = 0;
    let incremental = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: WIDE - 2, max: WIDE * 3 }),
        fc.boolean(),
        // Keys named by the ids of an entity table: strings, or numbers (then array indices).
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(7), fc.nat(), fc.integer({ min: -5, max: 5 })), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.oneof(fc.constant({}), optionsArb),
        (width, root, numbered, edits, o) => {
          const key = (i: number) => (numbered ? String(i * 3) : `id${i}`);
          let e: Entities = {};
          // Some keys redacted by default (their values must never show).
          for (let i = 0; i < width; i++)
            e[i % 7 === 3 && !numbered ? `secret${i}` : key(i)] = { n: i, tags: [i] };
          const wrap = (x: Entities) => (root ? x : { todos: { ids: Object.keys(x), entities: x } });
          const states: unknown[] = [wrap(e)];
          for (const ed of edits) {
            e = edit(e, ed as [number, number, number], key);
            states.push(wrap(e));
          }
          incremental += checkAgainstReference(immutableCapture(), states, o);
          steps += states.length - 1;
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    expect(incremental).toBeGreaterThan(steps * 0.5);
  });

  it('redacts by the options of each step, not those the key list was first seen with', () => {
    const e: Record<string, unknown> = {};
    for (let i = 0; i < WIDE * 2; i++) e[i === 5 ? 'secret' : `id${i}`] = i;
    const cap = immutableCapture();
    const prev: Prev = {};
    const states = [{ e }, { e: { ...e, id0: -1 } }, { e: { ...e, id0: -2, secret: 'shown' } }];
    checkStep(cap, states[0], {}, prev, 'default redaction');
    checkStep(cap, states[1], {}, prev, 'default redaction, key list kept');
    const { walk } = checkStep(cap, states[2], { redact: ['password'] }, prev, 'secret no longer redacted');
    expect(walk).toBeUndefined();
    expect((prev.last as { e: Record<string, unknown> }).e.secret).toBe('shown');
  });
});

const deepFreeze = (x: unknown, seen = new Set<unknown>()): void => {
  if (typeof x !== 'object' || x === null || seen.has(x)) return;
  seen.add(x);
  Object.freeze(x);
  for (const v of Object.values(x)) deepFreeze(v, seen);
};

describe('guarded immutable capture (connect() clients: references trusted inside frozen data)', () => {
  it('equals serialize + diff when frozen updates, unfrozen updates and in-place writes mix', () => {
    let steps = 0;
    let incremental = 0;
    fc.assert(
      fc.property(
        plainStateArb,
        fc.array(fc.tuple(editArb, fc.nat(6)), { minLength: 1, maxLength: 12 }),
        optionsArb,
        (s0, edits, o) => {
          const cap = immutableCapture(true);
          let state: unknown = s0;
          if (edits[0][1] > 1) deepFreeze(state);
          const prev: Prev = {};
          checkStep(cap, state, o, prev, 'start');
          for (const [e, how] of edits) {
            if (how <= 3) {
              state = immutableEdit(state, e);
              // Mostly frozen, as Immer and NgRx's runtime checks leave it; sometimes all but the
              // new value, or only the top.
              if (how === 0) deepFreeze(state);
              else if (how === 1) deepFreeze(state, new Set([e.value]));
              else if (how === 2) Object.freeze(state);
            } else {
              // Written in place where it is not frozen (a store that does not always copy).
              const open = nodes(state).filter((n) => !Object.isFrozen(n.node));
              if (open.length) applyEdit(open[e.at % open.length].node, e, state as never, open[0].node);
            }
            const { walk, delta } = checkStep(cap, state, o, prev, `step ${steps}`);
            steps++;
            if (walk === undefined && delta) incremental++;
          }
        },
      ),
      { numRuns: 400, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    expect(incremental).toBeGreaterThan(steps * 0.2);
  });

  it('walks an unfrozen state whole, and says so', () => {
    const cap = immutableCapture(true);
    const s1 = { list: [{ n: 1 }, { n: 2 }] };
    const last = cap(s1, {}).value;
    s1.list[0].n = 5;
    const r = cap({ ...s1 }, {}, last);
    expect(r.stats.walk).toMatch(/not frozen/);
    expect(r.value).toEqual({ list: [{ n: 5 }, { n: 2 }] });
  });
});
