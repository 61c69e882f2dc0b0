import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLogits, encodeTokens, hotValue } from '../../../solvers/root/codec.js';

describe('categorical codec (V1)', () => {
  it('encodes A, C, G, T to the Design-Bench logits', () => {
    const out = encodeTokens(4, 1, 4, [0, 1, 2, 3], new Float64Array(12));
    const l7 = Math.log(7);
    expect(Array.from(out.subarray(0, 3))).toEqual([-l7, -l7, -l7]);
    expect(Array.from(out.subarray(3, 6))).toEqual([l7, 0, 0]);
    expect(Array.from(out.subarray(6, 9))).toEqual([0, l7, 0]);
    expect(Array.from(out.subarray(9, 12))).toEqual([0, 0, l7]);
    expect(out[0]).toBeCloseTo(-1.9459101, 7);
  });

  it('matches ln p − ln p0 of the soft one-hot for any C', () => {
    for (const C of [2, 3, 4, 7, 20, 64]) {
      const enc = encodeTokens(C, 1, C, Array.from({ length: C }, (_, k) => k), new Float64Array(C * (C - 1)));
      for (let tok = 0; tok < C; tok++) {
        const p = Array.from({ length: C }, (_, k) => 0.6 * (k === tok ? 1 : 0) + 0.4 / C);
        for (let k = 1; k < C; k++) expect(enc[tok * (C - 1) + k - 1]).toBeCloseTo(Math.log(p[k]) - Math.log(p[0]), 12);
      }
      expect(hotValue(C)).toBeCloseTo(Math.log((0.6 + 0.4 / C) / (0.4 / C)), 12);
    }
  });

  it('round-trips all 65,536 8-mers', () => {
    const n = 65536;
    const toks = new Int32Array(n * 8);
    for (let i = 0; i < n; i++) for (let p = 0; p < 8; p++) toks[i * 8 + p] = (i >> (2 * (7 - p))) & 3;
    const dec = decodeLogits(n, 8, 4, encodeTokens(n, 8, 4, toks, new Float64Array(n * 24)), new Int32Array(n * 8));
    let bad = 0;
    for (let i = 0; i < toks.length; i++) if (dec[i] !== toks[i]) bad++;
    expect(bad).toBe(0);
  });

  it('decodes any real vector as argmax over [0, v1, …] with the first maximum winning', () => {
    expect(Array.from(decodeLogits(1, 3, 3, [-1, -2, 0, 0, 2, 2], new Int32Array(3)))).toEqual([0, 0, 1]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }), (v) => {
        const [tok] = decodeLogits(1, 1, 4, v, new Int32Array(1));
        const full = [0, ...v];
        expect(tok).toBe(full.indexOf(Math.max(...full)));
      }),
    );
  });

  it('property: decode(encode(s)) = s and decode(encode(s) + noise) = s for |noise| < a_C/2', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }).chain((C) =>
          fc.tuple(
            fc.constant(C),
            fc.integer({ min: 1, max: 6 }).chain((L) => fc.array(fc.integer({ min: 0, max: C - 1 }), { minLength: L, maxLength: L })),
            fc.array(fc.double({ min: -0.999, max: 0.999, noNaN: true }), { minLength: 6 * 11, maxLength: 6 * 11 }),
          ),
        ),
        ([C, s, noise]) => {
          const L = s.length;
          const enc = encodeTokens(1, L, C, s, new Float64Array(L * (C - 1)));
          expect(Array.from(decodeLogits(1, L, C, enc, new Int32Array(L)))).toEqual(s);
          const a = hotValue(C);
          for (let k = 0; k < enc.length; k++) enc[k] += (noise[k] * a) / 2;
          expect(Array.from(decodeLogits(1, L, C, enc, new Int32Array(L)))).toEqual(s);
        },
      ),
    );
  });
});
