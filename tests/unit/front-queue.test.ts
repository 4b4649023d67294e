/** FrontQueue against a plain array that never forgets: same items at the same absolute indices. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrontQueue } from '../../extension/panel/lib/front-queue';

describe('FrontQueue', () => {
  it('keeps absolute indices across drops and compactions, and frees what it drops', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat(40)), { maxLength: 300 }), (ops) => {
        const q = new FrontQueue<{ n: number }>();
        const all: { n: number }[] = [];
        let first = 0;
        for (const [push, count] of ops) {
          for (let k = 0; k < count; k++) {
            if (push) {
              const item = { n: all.length };
              expect(q.push(item)).toBe(all.length);
              all.push(item);
            } else if (first < all.length) expect(q.shift()).toBe(all[first++]);
            else expect(q.shift()).toBeUndefined();
          }
          expect([q.first, q.end, q.length]).toEqual([first, all.length, all.length - first]);
          expect(q.at(first - 1)).toBeUndefined();
          expect(q.at(all.length)).toBeUndefined();
          for (let i = first; i < all.length; i++) expect(q.at(i)).toBe(all[i]);
          expect(q.toArray()).toEqual(all.slice(first));
          // Dropped slots are cleared at once, and never more than the kept ones (plus a few).
          expect(q.dead).toBeLessThanOrEqual(Math.max(16, q.length));
          const slots = (q as unknown as { list: unknown[] }).list;
          expect(slots.slice(0, q.dead).every((x) => x === undefined)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
