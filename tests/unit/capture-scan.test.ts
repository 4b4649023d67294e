/**
 * The pieces of incremental capture tuned for speed, against their simple references: the
 * unrolled reference scan (`nextDiff`) finds exactly the indices a one-at-a-time `Object.is` loop
 * finds (NaN and ±0 included, where it differs from `!==`),
 * and containers that cross the "small" size (not kept as the engine's own, not memoized)
 * in either direction, again and again, still capture exactly as serialize + diff.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { immutableCapture, nextDiff } from '../../runtime-hook/capture';
import { diff } from '../../runtime-hook/delta';
import type { Serialized } from '../../runtime-hook/protocol';
import { serialize } from '../../runtime-hook/serialize';

describe('nextDiff', () => {
  it('finds every index where the references differ, in order, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer(), fc.constant(Number.NaN), fc.constant(-0), fc.string(), fc.object()), {
          maxLength: 70,
        }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.nat(),
        fc.nat(),
        (ra, changes, extra, cut) => {
          const rb: unknown[] = ra.slice();
          // A change is a new object, or the other zero (the same under `!==`, not under Object.is).
          for (const c of changes)
            if (ra.length) rb[c % ra.length] = Object.is(ra[c % ra.length], -0) ? 0 : { changed: c };
          for (let i = 0; i < extra % 6; i++) rb.push(i);
          const m = Math.min(ra.length, rb.length, cut % (ra.length + 2));
          const want: number[] = [];
          for (let i = 0; i < m; i++) if (!Object.is(ra[i], rb[i])) want.push(i);
          const got: number[] = [];
          for (let i = nextDiff(ra, rb, 0, m); i < m; i = nextDiff(ra, rb, i + 1, m)) got.push(i);
          expect(got).toEqual(want);
          // From any start, the first difference at or after it.
          for (let s = 0; s <= m; s++) expect(nextDiff(ra, rb, s, m)).toBe(want.find((i) => i >= s) ?? m);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('containers around the small size', () => {
  it('capture exactly while items grow past it and shrink back, in a list the engine owns', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 0, max: 1400 })), { minLength: 1, maxLength: 40 }),
        (edits) => {
          const cap = immutableCapture();
          let state = {
            big: Array.from({ length: 30 }, (_, i) => ({ i, text: 'x'.repeat(40) })),
            one: { text: '' },
          };
          let last: Serialized | undefined;
          let ref: Serialized | undefined;
          for (const [at, len] of edits) {
            const big = state.big.slice();
            big[at % big.length] = { i: at, text: 'y'.repeat(len) };
            // The root's small child goes back and forth across the size too.
            state = { ...state, big, one: { text: 'z'.repeat(1400 - len) } };
            const want = serialize(state, {});
            const got = cap(state, {}, last);
            expect(JSON.stringify(got.value)).toBe(JSON.stringify(want.value));
            const { walk, ...stats } = got.stats;
            expect(walk).toBeUndefined();
            expect(stats).toEqual(want.stats);
            if (ref !== undefined) expect(got.delta ?? {}).toEqual(diff(ref, want.value) ?? {});
            last = got.value;
            ref = want.value;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
