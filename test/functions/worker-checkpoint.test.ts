import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../functions/worker/checkpoint-codec.js';

describe('checkpoint codec', () => {
  it('property: meta and typed arrays round-trip exactly', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.double(), { maxLength: 50 }),
        fc.array(fc.float({ noNaN: true }), { maxLength: 7 }),
        fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 9 }),
        (meta, a, b, c) => {
          const arrays = { a: Float64Array.from(a), b: Float32Array.from(b), c: Int32Array.from(c) };
          const back = decodeCheckpoint(encodeCheckpoint(meta, arrays));
          expect(JSON.stringify(back.meta)).toBe(JSON.stringify(meta));
          expect(Array.from(back.arrays.a)).toEqual(Array.from(arrays.a));
          expect(back.arrays.b).toBeInstanceOf(Float32Array);
          expect(Array.from(back.arrays.b)).toEqual(Array.from(arrays.b));
          expect(Array.from(back.arrays.c)).toEqual(c);
        },
      ),
    );
  });

  it('rejects truncated or foreign bytes', () => {
    const bytes = encodeCheckpoint({ it: 3 }, { v: new Float64Array(100) });
    expect(() => decodeCheckpoint(bytes.slice(0, bytes.length - 8))).toThrow(/truncated/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('{"it":3}'))).toThrow(/not a checkpoint/);
  });
});
