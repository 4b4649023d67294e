import fc from 'fast-check';
import { Window } from 'happy-dom';
import { afterAll, describe, expect, it } from 'vitest';
import { diff } from '../../runtime-hook/delta';
import type { Serialized } from '../../runtime-hook/protocol';
import {
  createSerializeCache,
  DEFAULT_SERIALIZE_OPTIONS,
  isMarker,
  revive,
  serialize,
} from '../../runtime-hook/serialize';

type Obj = { [k: string]: Serialized };
const ser = (v: unknown, o?: Parameters<typeof serialize>[1]) => serialize(v, o).value;

/** Strictly JSON: finite numbers, plain objects and arrays only, no undefined. */
function expectJson(v: unknown, path = '$'): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`non-finite number at ${path}`);
    return;
  }
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      expectJson(x, `${path}[${i}]`);
    });
    return;
  }
  if (typeof v === 'object') {
    const p = Object.getPrototypeOf(v);
    if (p !== Object.prototype && p !== null) throw new Error(`non-plain object at ${path}`);
    for (const k of Object.keys(v)) expectJson((v as Obj)[k], `${path}.${k}`);
    return;
  }
  throw new Error(`${typeof v} at ${path}`);
}

/** Every object in the output that has a `$hs` key is a marker with a string tag. */
function markers(v: Serialized, out: Obj[] = []): Obj[] {
  if (typeof v === 'object' && v !== null) {
    if (isMarker(v)) out.push(v);
    for (const x of Object.values(v)) markers(x, out);
  }
  return out;
}

const anything = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Keys that collide with our encoding or with Object.prototype. */
const trickyKey = fc.oneof(
  fc.constantFrom(
    '$hs',
    '$$hs',
    '$$$hs',
    'hs',
    '$hs$more',
    '$',
    '__proto__',
    'constructor',
    'prototype',
    '_t',
    '',
  ),
  fc.string({ maxLength: 6 }),
);
const trickyJson: fc.Arbitrary<unknown> = fc
  .letrec((tie) => ({
    v: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }),
      fc.array(tie('v'), { maxLength: 4 }),
      fc.dictionary(trickyKey, tie('v'), { maxKeys: 5 }),
      fc
        .dictionary(trickyKey, fc.oneof(fc.constant('map'), fc.string()), { maxKeys: 3 })
        .map((d) => ({ ...d, $hs: 'date' })),
    ),
  }))
  .v.map((v) => JSON.parse(JSON.stringify(v)) as unknown);

/** JSON as it travels (JSON cannot hold -0). */
const json = fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);

describe('serialize: markers', () => {
  it('encodes each special value as documented', () => {
    function named() {}
    const cases: [unknown, Serialized][] = [
      [undefined, { $hs: 'undefined' }],
      [Number.NaN, { $hs: 'number', v: 'NaN' }],
      [Number.POSITIVE_INFINITY, { $hs: 'number', v: 'Infinity' }],
      [Number.NEGATIVE_INFINITY, { $hs: 'number', v: '-Infinity' }],
      [-0, 0],
      [123n, { $hs: 'bigint', v: '123' }],
      [Symbol('desc'), { $hs: 'symbol', v: 'Symbol(desc)' }],
      [named, { $hs: 'function', name: 'named' }],
      [new Date(Date.UTC(2020, 0, 2)), { $hs: 'date', v: '2020-01-02T00:00:00.000Z' }],
      [new Date(Number.NaN), { $hs: 'date', v: 'Invalid Date' }],
      [/a+b/gi, { $hs: 'regexp', source: 'a+b', flags: 'gi' }],
      [new Map([['k', 1]]), { $hs: 'map', size: 1, entries: [['k', 1]] }],
      [new Set([1, 'x']), { $hs: 'set', size: 2, values: [1, 'x'] }],
      [new Uint8Array([1, 2, 3]), { $hs: 'binary', cls: 'Uint8Array', length: 3, v: [1, 2, 3] }],
      [
        new Float64Array([Number.NaN, 1.5]),
        { $hs: 'binary', cls: 'Float64Array', length: 2, v: ['NaN', 1.5] },
      ],
      [new BigInt64Array([5n]), { $hs: 'binary', cls: 'BigInt64Array', length: 1, v: ['5'] }],
      [new ArrayBuffer(20), { $hs: 'binary', cls: 'ArrayBuffer', length: 20, v: [0, 0, 0, 0, 0, 0, 0, 0] }],
      [new DataView(new ArrayBuffer(4)), { $hs: 'binary', cls: 'DataView', length: 4 }],
      [Promise.resolve(1), { $hs: 'instance', cls: 'Promise' }],
      [new WeakMap(), { $hs: 'instance', cls: 'WeakMap' }],
      [new WeakSet(), { $hs: 'instance', cls: 'WeakSet' }],
      [new WeakRef({}), { $hs: 'instance', cls: 'WeakRef' }],
      [Object.assign(Object.create(null), { a: 1 }), { a: 1 }],
      [
        { $hs: 1, $$hs: 2, hs: 3 },
        { $$hs: 1, $$$hs: 2, hs: 3 },
      ],
    ];
    for (const [input, expected] of cases) expect(ser(input)).toEqual(expected);
  });

  it('encodes errors, keeping name, message and stack', () => {
    const e = new TypeError('bad thing');
    const s = ser(e) as Obj;
    expect(s).toMatchObject({ $hs: 'error', name: 'TypeError', message: 'bad thing' });
    expect(s.stack).toContain('bad thing');
    class MyError extends Error {
      override name = 'MyError';
    }
    expect(ser(new MyError('m'))).toMatchObject({ $hs: 'error', name: 'MyError', message: 'm' });
  });

  it('keeps the class name of instances and walks their own props', () => {
    class Todo {
      title = 'x';
      done = false;
      get upper() {
        return this.title.toUpperCase();
      }
    }
    expect(ser(new Todo())).toEqual({ $hs: 'instance', cls: 'Todo', v: { title: 'x', done: false } });
    expect(ser({ list: [new Todo()] })).toEqual({
      list: [{ $hs: 'instance', cls: 'Todo', v: { title: 'x', done: false } }],
    });
  });

  it('marks cycles with the path of the ancestor, and re-serializes shared non-cyclic references', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    a.child = { up: a, list: [1] };
    (a.child as Record<string, unknown[]>).list.push(a.child);
    const s = ser(a) as Obj;
    expect(s.self).toEqual({ $hs: 'ref', path: '$' });
    expect((s.child as Obj).up).toEqual({ $hs: 'ref', path: '$' });
    expect(((s.child as Obj).list as Serialized[])[1]).toEqual({ $hs: 'ref', path: '$.child' });
    const shared = { z: 1 };
    expect(ser({ p: shared, q: [shared] })).toEqual({ p: { z: 1 }, q: [{ z: 1 }] });
    const m = new Map<string, unknown>();
    m.set('me', m);
    expect(ser({ 'odd key': { m } })).toEqual({
      'odd key': { m: { $hs: 'map', size: 1, entries: [['me', { $hs: 'ref', path: '$["odd key"].m' }]] } },
    });
  });

  it('never lets a throwing getter, proxy trap or revoked proxy escape', () => {
    const getter = {
      ok: 1,
      get bad() {
        throw new Error('getter boom');
      },
    };
    expect(ser(getter)).toEqual({ ok: 1, bad: { $hs: 'thrown', message: 'getter boom' } });
    const trap = (name: string) => () => {
      throw new Error(`${name} trap`);
    };
    expect(ser(new Proxy({}, { ownKeys: trap('ownKeys') }))).toEqual({
      $hs: 'thrown',
      message: 'ownKeys trap',
    });
    expect(ser(new Proxy({}, { getPrototypeOf: trap('proto') }))).toEqual({
      $hs: 'thrown',
      message: 'proto trap',
    });
    expect(ser({ p: new Proxy({ a: 1 }, { get: trap('get') }) })).toEqual({
      p: { a: { $hs: 'thrown', message: 'get trap' } },
    });
    expect(ser({ p: new Proxy(new (class K {})(), { get: trap('get') }) })).toEqual({
      p: { $hs: 'thrown', message: 'get trap' },
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect((ser({ r: proxy }) as Obj).r).toMatchObject({ $hs: 'thrown' });
    // Throwing objects thrown by traps (even ones whose toString throws) are survived too.
    const nasty = new Proxy(
      {},
      {
        ownKeys() {
          throw Object.create(null);
        },
      },
    );
    expect(ser([nasty])).toEqual([{ $hs: 'thrown', message: expect.any(String) }]);
    const fnProxy = new Proxy(() => 1, { get: trap('fn') });
    expect(ser(fnProxy)).toEqual({ $hs: 'thrown', message: 'fn trap' });
  });

  it('handles frozen objects and prototype-named keys as plain data, and revive does not pollute', () => {
    const input = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}}');
    Object.freeze(input);
    const s = ser(input) as Obj;
    expect(Object.keys(s).sort()).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(s)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(s))).toEqual(input);
    const r = revive(JSON.parse(JSON.stringify(s))) as Obj;
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.keys(r).sort()).toEqual(['__proto__', 'constructor']);
    expect(r).toEqual(input);
    expect(({} as Obj).polluted).toBeUndefined();
    expect((Object.prototype as Obj).polluted).toBeUndefined();
    // Marker payloads from untrusted input cannot pollute either.
    revive(JSON.parse('{"$hs":"instance","cls":"X","v":{"__proto__":{"polluted":3}}}'));
    revive(JSON.parse('{"$hs":"map","size":1,"entries":[["__proto__",{"polluted":4}]]}'));
    expect(({} as Obj).polluted).toBeUndefined();
  });

  it('serializes DOM nodes and windows as short labels without walking them', async () => {
    const w = new Window();
    try {
      const el = w.document.createElement('div');
      el.id = 'x';
      el.className = 'y z';
      w.document.body.appendChild(el);
      expect(
        ser({
          el,
          text: w.document.createTextNode('hi'),
          doc: w.document,
          win: w,
          plain: w.document.createElement('p'),
        }),
      ).toEqual({
        el: { $hs: 'dom', v: '<div id="x" class="y z">' },
        text: { $hs: 'dom', v: '#text' },
        doc: { $hs: 'dom', v: '#document' },
        win: { $hs: 'dom', v: 'window' },
        plain: { $hs: 'dom', v: '<p>' },
      });
      expect(ser(globalThis)).toEqual({ $hs: 'dom', v: 'window' });
    } finally {
      await w.happyDOM.close();
    }
  });
});

describe('serialize: limits', () => {
  it('stops at maxDepth with a depth marker, without recursing (10,000 deep)', () => {
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { n: deep };
    const { value, stats } = serialize(deep);
    let node = value as Obj;
    let depth = 0;
    while (!isMarker(node)) {
      node = node.n as Obj;
      depth++;
    }
    expect(depth).toBe(DEFAULT_SERIALIZE_OPTIONS.maxDepth);
    expect(node).toEqual({ $hs: 'truncated', reason: 'depth' });
    expect(stats.truncated).toBe(1);
    // Arrays and classed values carry what they are.
    class Box {}
    expect(ser({ a: [[1, 2, 3]], b: new Box(), m: new Map([[1, 2]]) }, { maxDepth: 1 })).toEqual({
      a: { $hs: 'truncated', reason: 'depth', size: 1 },
      b: { $hs: 'truncated', reason: 'depth', cls: 'Box' },
      m: { $hs: 'truncated', reason: 'depth', cls: 'Map', size: 1 },
    });
    expect(ser([1], { maxDepth: 0 })).toEqual({ $hs: 'truncated', reason: 'depth', size: 1 });
    // Nonsense limits fall back to defaults instead of removing the bound.
    expect(isMarker(ser(deep, { maxDepth: Number.NaN }))).toBe(false);
    expect(JSON.stringify(ser(deep, { maxDepth: Number.NaN })).length).toBeLessThan(1000);
  });

  it('cuts a 1,000,000-item array at maxItems with a more marker, quickly', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    const t0 = performance.now();
    const { value, stats } = serialize({ big });
    expect(performance.now() - t0).toBeLessThan(500);
    const arr = (value as Obj).big as Serialized[];
    const max = DEFAULT_SERIALIZE_OPTIONS.maxItems;
    expect(max).toBe(100_000);
    expect(arr.length).toBe(max + 1);
    expect(arr[max - 1]).toBe(max - 1);
    expect(arr[max]).toEqual({ $hs: 'more', count: 1_000_000 - max });
    expect(stats.longestList).toEqual({ path: '$.big', length: 1_000_000 });
    expect(stats.truncated).toBe(1);
  });

  it('cuts objects, Maps and Sets at maxItems', () => {
    const o = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, i]));
    expect(ser(o, { maxItems: 2 })).toEqual({ k0: 0, k1: 1, $hs$more: { $hs: 'more', count: 3 } });
    const m = new Map(Array.from({ length: 5 }, (_, i) => [i, i * 2]));
    expect(ser(m, { maxItems: 2 })).toEqual({
      $hs: 'map',
      size: 5,
      entries: [[0, 0], [1, 2], { $hs: 'more', count: 3 }],
    });
    expect(ser(new Set([1, 2, 3]), { maxItems: 1 })).toEqual({
      $hs: 'set',
      size: 3,
      values: [1, { $hs: 'more', count: 2 }],
    });
    // A user key spelled like ours stays distinguishable: its value is not a bare marker.
    const s = ser({ $hs$more: { $hs: 'more', count: 1 } }) as Obj;
    expect(s).toEqual({ $hs$more: { $$hs: 'more', count: 1 } });
    expect(revive(s)).toEqual({ $hs$more: { $hs: 'more', count: 1 } });
  });

  it('cuts a 10 MB string with a string marker', () => {
    const s = 'ab'.repeat(5_000_000);
    const { value, stats } = serialize({ s });
    const m = (value as Obj).s as Obj;
    expect(m.$hs).toBe('string');
    expect(m.length).toBe(10_000_000);
    expect((m.v as string).length).toBe(100_000);
    expect(s.startsWith(m.v as string)).toBe(true);
    expect(stats.truncated).toBe(1);
    // What is sent is cut; the size the flags see is the state's real size.
    expect(JSON.stringify(value).length).toBeLessThan(100_200);
    expect(stats.size).toBeGreaterThanOrEqual(10_000_000);
    expect(stats.size).toBeLessThan(10_000_200);
    expect(stats.keys?.s).toBeGreaterThanOrEqual(10_000_000);
    expect(serialize({ m: new Map([['big', s]]) }).stats.keys?.m).toBeGreaterThanOrEqual(10_000_000);
    expect(ser('abcdef', { maxStringLength: 3 })).toEqual({ $hs: 'string', v: 'abc', length: 6 });
  });

  it('turns everything past maxTotalSize into size markers', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ id: i, text: 'x'.repeat(100) }));
    const { value, stats } = serialize(rows, { maxTotalSize: 10_000 });
    const text = JSON.stringify(value);
    expect(text.length).toBeLessThan(80_000);
    const cut = markers(value).filter((m) => m.reason === 'size');
    expect(cut.length).toBeGreaterThan(100);
    expect(stats.truncated).toBe(cut.length);
    expect((value as Obj[])[0]).toEqual(rows[0]);
  });
});

describe('serialize: never throws, always JSON', () => {
  it('on fc.anything()', () => {
    fc.assert(
      fc.property(anything, (v) => {
        const { value, stats } = serialize(v);
        expectJson(value);
        const text = JSON.stringify(value);
        expect(JSON.parse(text)).toEqual(value);
        expect(Math.abs(stats.size - text.length)).toBeLessThanOrEqual(Math.max(2, text.length * 0.1));
      }),
      { numRuns: 500 },
    );
  });

  it('on hostile values mixed into random data', () => {
    const { proxy: revoked, revoke } = Proxy.revocable({}, {});
    revoke();
    const cyc: Record<string, unknown> = {};
    cyc.c = cyc;
    // Wrapped: fast-check itself would trip over a bare revoked proxy.
    const hostile = fc.constantFrom<unknown>(
      { revoked },
      cyc,
      new Proxy({}, { ownKeys: () => [1 as unknown as string] }),
      new Proxy([], {
        get() {
          throw new Error('x');
        },
      }),
      Object.defineProperty({}, 'g', {
        enumerable: true,
        get() {
          throw 'str';
        },
      }),
      Object.freeze({ a: [Object.freeze([1])] }),
      Symbol.iterator,
      class Foo {},
      new (class Bar {
        x = 1n;
      })(),
      new Error('e', { cause: cyc }),
    );
    const mixed = fc
      .array(fc.oneof(anything, hostile), { maxLength: 6 })
      .map((xs) => ({ xs, m: new Map(xs.map((x, i) => [x, i])) }));
    fc.assert(
      fc.property(mixed, (v) => {
        const { value } = serialize(v);
        expectJson(value);
        expect(JSON.parse(JSON.stringify(value))).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  it('even with junk options and a junk cache', () => {
    const junk = { maxDepth: -1, maxItems: Number.NaN, redact: 'password' as unknown as string[] };
    expect(ser({ password: 'x', a: [1] }, junk)).toEqual({ password: { $hs: 'redacted' }, a: [1] });
    expect(serialize({ a: { b: 1 } }, {}, {} as never).value).toEqual({ a: { b: 1 } });
  });
});

describe('revive', () => {
  it('round-trips JSON values exactly, through JSON text', () => {
    fc.assert(
      fc.property(fc.oneof(json, trickyJson), (v) => {
        const { value } = serialize(v, { redact: [] });
        const wire = JSON.parse(JSON.stringify(value));
        expect(wire).toEqual(value);
        expect(revive(wire)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips Map, Set, Date, BigInt, undefined, NaN, ±Infinity, RegExp, Error', () => {
    const special = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom(
          undefined,
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          null,
          'a',
          1.5,
        ),
        fc.bigInt(),
        fc.date(),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 4 }), tie('v'), { maxKeys: 3 }),
        fc.array(fc.tuple(tie('v'), tie('v')), { maxLength: 3 }).map((es) => new Map(es)),
        fc.array(tie('v'), { maxLength: 3 }).map((xs) => new Set(xs)),
      ),
    })).v;
    fc.assert(
      fc.property(special, (v) => {
        const wire = JSON.parse(JSON.stringify(serialize(v, { redact: [] }).value));
        expect(revive(wire)).toEqual(v);
      }),
      { numRuns: 300 },
    );
    const r = revive(ser({ re: /x/g, e: new RangeError('r') })) as { re: RegExp; e: Error };
    expect(r.re).toEqual(/x/g);
    expect(r.e).toBeInstanceOf(Error);
    expect(r.e.name).toBe('RangeError');
    expect(r.e.message).toBe('r');
    expect(revive(ser(new Date(Number.NaN))) as Date).toEqual(new Date(Number.NaN));
  });

  it('turns instances into plain objects and leaves other markers as they are', () => {
    class P {
      a = 1;
    }
    expect(revive(ser({ p: new P() }))).toEqual({ p: { a: 1 } });
    const s = ser({ f() {}, d: { $hs: 'dom', v: '#text' } }) as Obj;
    const r = revive(s) as Obj;
    expect(r.f).toEqual({ $hs: 'function', name: 'f' });
    expect(r.d).toEqual({ $hs: 'dom', v: '#text' });
  });

  it('never throws on bad input', () => {
    const bad: Serialized[] = [
      { $hs: 'bigint', v: 'not a number' },
      { $hs: 'regexp', source: '(', flags: '' },
      { $hs: 'map', entries: 5 },
      { $hs: 'set', values: null },
      { $hs: 'instance' },
      { $hs: 'error' },
      { $hs: 7 },
    ];
    for (const b of bad) expect(() => revive(b)).not.toThrow();
    expect(revive({ $hs: 'bigint', v: 'zz' })).toEqual({ $hs: 'bigint', v: 'zz' });
    let deep: Serialized = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => revive(deep)).not.toThrow();
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom('map', 'set', 'date', 'error', 'instance', 'number', 'bigint'),
        (v, tag) => {
          expect(() =>
            revive({ $hs: tag, v: v as Serialized, entries: v as Serialized, values: v as Serialized }),
          ).not.toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('redaction', () => {
  it('redacts the default keys, case-insensitively as substrings, anywhere', () => {
    const { value, stats } = serialize({
      user: { name: 'ann', Password: 'p', apiToken: 't', clientSecret: 's' },
      headers: new Map([
        ['Authorization', 'Bearer x'],
        ['accept', 'json'],
      ]),
      list: [{ cookieJar: { a: 1 } }],
    });
    expect(value).toEqual({
      user: {
        name: 'ann',
        Password: { $hs: 'redacted' },
        apiToken: { $hs: 'redacted' },
        clientSecret: { $hs: 'redacted' },
      },
      headers: {
        $hs: 'map',
        size: 2,
        entries: [
          ['Authorization', { $hs: 'redacted' }],
          ['accept', 'json'],
        ],
      },
      list: [{ cookieJar: { $hs: 'redacted' } }],
    });
    expect(stats.truncated).toBe(5);
  });

  it('uses a custom list of strings and regexps (g flag included) instead of the defaults', () => {
    const v = { password: 1, ssn: 2, card_number: 3, cardNumber: 4, other: 5 };
    expect(ser(v, { redact: ['SSN', /^card_/g] })).toEqual({
      password: 1,
      ssn: { $hs: 'redacted' },
      card_number: { $hs: 'redacted' },
      cardNumber: 4,
      other: 5,
    });
    // The same regexp twice in a row (lastIndex must not leak between keys).
    expect(ser({ card_a: 1, card_b: 2 }, { redact: [/card_/g] })).toEqual({
      card_a: { $hs: 'redacted' },
      card_b: { $hs: 'redacted' },
    });
    expect(ser({ password: 1 }, { redact: [] })).toEqual({ password: 1 });
    expect(ser({ 'a.b': 1, axb: 2 }, { redact: ['a.b'] })).toEqual({ 'a.b': { $hs: 'redacted' }, axb: 2 });
  });
});

describe('stats', () => {
  it('size is the JSON length of the output for JSON values (within 10%)', () => {
    fc.assert(
      fc.property(json, (v) => {
        const { value, stats } = serialize(v, { redact: [] });
        const n = JSON.stringify(v).length;
        expect(Math.abs(stats.size - n)).toBeLessThanOrEqual(n * 0.1);
        expect(JSON.stringify(value).length).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('finds the longest list anywhere, by path, with its original length', () => {
    const v = {
      a: [1, 2],
      b: { c: [{ d: [1, 2, 3, 4, 5] }, { e: new Set([1, 2, 3]) }] },
      'x y': new Map([['k', [1, 2, 3, 4]]]),
    };
    expect(serialize(v).stats.longestList).toEqual({ path: '$.b.c[0].d', length: 5 });
    expect(serialize({ s: new Set([1, 2, 3, 4, 5, 6]), a: [1] }).stats.longestList).toEqual({
      path: '$.s',
      length: 6,
    });
    expect(serialize({ 'x y': new Map([['k', [1, 2, 3, 4, 5, 6, 7]]]) }).stats.longestList).toEqual({
      path: '$["x y"].get("k")',
      length: 7,
    });
    expect(serialize({ a: { b: Array(50).fill(0) } }, { maxItems: 10 }).stats.longestList).toEqual({
      path: '$.a.b',
      length: 50,
    });
    expect(serialize([]).stats.longestList).toEqual({ path: '$', length: 0 });
    expect(serialize({ a: 1 }).stats.longestList).toBeUndefined();
    expect(serialize({ a: 1 }).stats.truncated).toBeUndefined();
  });

  it('reports per-key sizes of a root object or Map, the largest 50 only', () => {
    const v: Record<string, unknown> = {};
    for (let i = 0; i < 80; i++) v[`k${i}`] = 'x'.repeat(i);
    const { stats } = serialize(v);
    const keys = stats.keys as Record<string, number>;
    expect(Object.keys(keys).length).toBe(50);
    expect(keys.k79).toBe(JSON.stringify({ k79: v.k79 }).length - 2);
    expect(keys.k29).toBeUndefined();
    expect(keys.k30).toBeDefined();
    const m = serialize(new Map([['big', 'y'.repeat(100)]])).stats.keys;
    expect(m?.big).toBeGreaterThan(100);
    expect(serialize([1, 2]).stats.keys).toBeUndefined();
    // A cut string counts whole in its own key's size, and not in the keys after it.
    const cut = serialize(
      { a: 'x'.repeat(200), b: 'yy', m: new Map([['k', 'z'.repeat(50)]]) },
      { maxStringLength: 10 },
    );
    const out = cut.value as Obj;
    expect(cut.stats.keys?.a).toBe(JSON.stringify({ a: out.a }).length - 2 + 190);
    expect(cut.stats.keys?.b).toBe(JSON.stringify({ b: 'yy' }).length - 2);
    expect(cut.stats.keys?.m).toBe(JSON.stringify({ m: out.m }).length - 2 + 40);
    const proto = JSON.parse('{"__proto__": [1,2,3]}');
    expect(serialize(proto).stats.keys).toEqual(
      JSON.parse(`{"__proto__": ${JSON.stringify(proto).length - 2}}`),
    );
  });
});

describe('serialize cache', () => {
  const makeState = () => ({
    todos: Array.from({ length: 2000 }, (_, i) => ({ id: i, title: `todo ${i}`, tags: ['a'] })),
    user: { name: 'ann', prefs: { theme: 'dark', langs: ['en', 'fr'] } },
    filter: 'all',
  });

  it('reuses unchanged subtrees by reference, so diff only sees the changed path', () => {
    const cache = createSerializeCache();
    const s1 = makeState();
    const todos = s1.todos.slice();
    todos[700] = { ...todos[700], title: 'changed' };
    const s2 = { ...s1, todos };
    const r1 = serialize(s1, {}, cache);
    const r2 = serialize(s2, {}, cache);
    const v1 = r1.value as Obj;
    const v2 = r2.value as Obj;
    expect(v2.user).toBe(v1.user);
    expect((v2.todos as Serialized[])[0]).toBe((v1.todos as Serialized[])[0]);
    expect((v2.todos as Serialized[])[1999]).toBe((v1.todos as Serialized[])[1999]);
    expect((v2.todos as Serialized[])[700]).not.toBe((v1.todos as Serialized[])[700]);
    expect(diff(v1, v2)).toEqual({ todos: { _t: 'a', 700: { title: ['todo 700', 'changed'] } } });
    // Same output and stats as without a cache.
    const plain = serialize(s2);
    expect(v2).toEqual(plain.value);
    expect(r2.stats).toEqual(plain.stats);
  });

  it('does nothing without a cache argument', () => {
    const s = makeState();
    expect((serialize(s).value as Obj).user).not.toBe((serialize(s).value as Obj).user);
  });

  it('keeps stats right when subtrees come from the cache', () => {
    const cache = createSerializeCache();
    const inner = { list: [1, 2, 3, 4, 5, 6, 7, 8, 9], secret: 'x' };
    const a = { x: { inner } };
    serialize(a, {}, cache);
    const b = { y: { inner }, z: [1] };
    const r = serialize(b, {}, cache);
    expect(r.stats).toEqual(serialize(b).stats);
    expect(r.stats.longestList).toEqual({ path: '$.y.inner.list', length: 9 });
    expect(r.stats.truncated).toBe(1);
  });

  it('does not reuse a node serialized at another depth, or one with cycles or truncation inside', () => {
    const cache = createSerializeCache();
    // Fits at depth 1; one level deeper, its inner object must become a depth marker.
    const shared = { deep: { v: 1 } };
    const r1 = serialize({ a: shared }, { maxDepth: 3 }, cache).value as Obj;
    const r2 = serialize({ b: { c: shared } }, { maxDepth: 3 }, cache).value as Obj;
    expect(r1.a).toEqual({ deep: { v: 1 } });
    expect((r2.b as Obj).c).toEqual({ deep: { $hs: 'truncated', reason: 'depth' } });
    const cyc: Record<string, unknown> = { n: 1 };
    cyc.me = cyc;
    const x1 = serialize({ w: cyc }, {}, cache).value as Obj;
    const x2 = serialize({ w: cyc }, {}, cache).value as Obj;
    expect(x2.w).toEqual(x1.w);
    expect(x2.w).not.toBe(x1.w);
    const big = { arr: Array(30).fill(1) };
    const y1 = serialize({ big }, { maxItems: 10 }, cache).value as Obj;
    const y2 = serialize({ big }, { maxItems: 10 }, cache).value as Obj;
    expect(y2.big).not.toBe(y1.big);
    const ok = { fine: [1, 2] };
    const z1 = serialize({ ok }, {}, cache).value as Obj;
    const z2 = serialize({ ok }, {}, cache).value as Obj;
    expect(z2.ok).toBe(z1.ok);
  });

  it('skips unchanged subtrees cheaply (time grows with the change)', () => {
    const cache = createSerializeCache();
    const rows = Array.from({ length: 200 }, (_, i) => ({
      id: i,
      cells: Array.from({ length: 50 }, (_, j) => ({ j, s: `c${j}` })),
    }));
    let state = { rows, n: 0 };
    serialize(state, {}, cache);
    const t0 = performance.now();
    for (let i = 1; i <= 200; i++) {
      state = { ...state, n: i };
      serialize(state, {}, cache);
    }
    const cached = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 1; i <= 20; i++) serialize({ ...state, n: i });
    const uncached = (performance.now() - t1) * 10;
    expect(cached).toBeLessThan(uncached / 5);
  });
});

afterAll(() => {
  expect(({} as Obj).polluted).toBeUndefined();
});
