import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deltaLines } from '../../extension/panel/lib/deltaLines';
import { diffStates } from '../../extension/panel/lib/jsondiff';
import { pathText } from '../../extension/panel/lib/serialized';
import { patchImmutable } from '../../runtime-hook/delta';
import type { Serialized } from '../../runtime-hook/protocol';

const lines = (d: Serialized | undefined) =>
  deltaLines(d).lines.map((l) => [l.op, pathText(l.path), l.old, l.new, l.to].filter((x) => x !== undefined));

describe('deltaLines reads the jsondiffpatch format', () => {
  it('objects: added, changed, removed, nested; escaped keys', () => {
    expect(
      lines({ a: [1], b: [1, 2], c: [3, 0, 0], d: { e: [true, false] }, $$hs: ['x'], 'odd key': [0, 1] }),
    ).toEqual([
      ['added', '$.a', 1],
      ['changed', '$.b', 1, 2],
      ['removed', '$.c', 3],
      ['changed', '$.d.e', true, false],
      ['added', '$.$hs', 'x'],
      ['changed', '$["odd key"]', 0, 1],
    ]);
  });

  it('arrays: removals and moves by old index, then inserts and nested changes by new index', () => {
    expect(lines({ list: { _t: 'a', _0: ['x', 0, 0], _2: ['', 0, 3], 1: ['y'], 3: { n: [1, 2] } } })).toEqual(
      [
        ['removed', '$.list[0]', 'x'],
        ['moved', '$.list[2]', 0],
        ['added', '$.list[1]', 'y'],
        ['changed', '$.list[3].n', 1, 2],
      ],
    );
  });

  it('flags odd shapes instead of throwing, and stops at the limit', () => {
    expect(deltaLines({ a: 5 as unknown as Serialized }).malformed).toBe(true);
    expect(deltaLines({ a: [1, 2, 3, 4] }).malformed).toBe(true);
    const many: Record<string, Serialized> = {};
    for (let i = 0; i < 50; i++) many[`k${i}`] = [i];
    const d = deltaLines(many, 10);
    expect(d.lines).toHaveLength(10);
    expect(d.truncated).toBe(true);
    expect(deltaLines(undefined).lines).toEqual([]);
  });
});

describe('jsondiff (the one jsondiffpatch module)', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom(null, true, false, 0, 1, -2.5, '', 'a', 'b'),
      fc.string({ maxLength: 5 }),
      fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('value'), { maxKeys: 4 }),
    ),
  })).value as fc.Arbitrary<Serialized>;

  it('diffStates(a, b) patched onto a gives b (property)', () => {
    fc.assert(
      fc.property(json, json, (a, b) => {
        const d = diffStates(a, b);
        const got = d === undefined ? a : patchImmutable(a, d);
        expect(got).toEqual(b);
        // And every delta reads without surprises.
        expect(deltaLines(d).malformed).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('same reference: no delta; huge changed arrays fall back to a linear diff quickly', () => {
    const s = { a: [1, 2, 3] };
    expect(diffStates(s, s)).toBeUndefined();
    const a = Array.from({ length: 20_000 }, (_, i) => i);
    const b = a.map((x, i) => (i === 0 || i === 19_999 ? -x - 1 : x));
    const t0 = performance.now();
    const d = diffStates(a, b);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(patchImmutable(a, d!)).toEqual(b);
    expect(deltaLines(d).lines.map((l) => l.op)).toEqual(['changed', 'changed']);
  });
});
