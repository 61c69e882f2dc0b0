import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeUlid, invertId, isJobId, ulidFactory, ulidTimeMs, keys } from '../../shared/index.js';

describe('job ids', () => {
  it('property: ULIDs sort by time and the inverted form sorts the other way', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 0, max: 2 ** 47 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (t1, t2, r) => {
        const a = encodeUlid(t1, r);
        const b = encodeUlid(t2, r);
        expect(isJobId(a)).toBe(true);
        expect(ulidTimeMs(a)).toBe(t1);
        if (t1 < t2) {
          expect(a < b).toBe(true);
          expect(invertId(a) > invertId(b)).toBe(true);
        }
        expect(invertId(invertId(a))).toBe(a);
      }),
    );
  });

  it('the factory is monotonic within one millisecond', () => {
    let t = 1000;
    const make = ulidFactory(() => t, (n) => new Uint8Array(n).fill(7));
    const ids = Array.from({ length: 50 }, (_, i) => {
      if (i % 10 === 0) t++;
      return make();
    });
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
  });

  it('index keys round-trip to job ids', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), (t, r) => {
        const id = encodeUlid(t, r);
        expect(keys.jobIdFromIndexKey('tenant1', keys.jobIndexKey('tenant1', id))).toBe(id);
      }),
    );
  });
});
