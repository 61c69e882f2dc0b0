import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bridgeM, bridgeVariance, qSample, skipList, stepCoefficients } from '../../../../solvers/root/bridge/schedule.js';

describe('bridge schedule (V6, V7)', () => {
  it('m and δ at the ends and the maximum', () => {
    expect(bridgeM(0)).toBe(0.001);
    expect(bridgeM(999)).toBe(0.999);
    expect(bridgeVariance(0)).toBeCloseTo(0.001998, 15);
    expect(bridgeVariance(999)).toBeCloseTo(0.001998, 15);
    expect(bridgeM(499)).toBeCloseTo(0.4995005, 7);
    expect(bridgeM(500)).toBeCloseTo(0.5004995, 7);
    let max = 0;
    let at: number[] = [];
    for (let t = 0; t < 1000; t++) {
      const v = bridgeVariance(t);
      if (v > max + 1e-15) {
        max = v;
        at = [t];
      } else if (Math.abs(v - max) <= 1e-15) at.push(t);
    }
    expect(max).toBeCloseTo(0.4999995, 8);
    expect(at).toEqual([499, 500]);
  });

  it('skip list for 200 steps', () => {
    const s = Array.from(skipList(200));
    expect(s.length).toBe(200);
    expect(new Set(s).size).toBe(200);
    expect(s.slice(0, 6)).toEqual([999, 993, 988, 983, 978, 973]);
    expect(s.slice(-6)).toEqual([20, 15, 10, 5, 1, 0]);
    const gaps = new Set(s.slice(1).map((v, i) => s[i] - v));
    for (const g of gaps) expect([1, 4, 5, 6]).toContain(g);
    expect(s[154]).toBe(222);
    expect(s[176]).toBe(111);
  });

  it('sampler coefficients of Acceptance A', () => {
    const cases: [number, number, number, number][] = [
      [999, 993, 0.0119161, 0.994],
      [504, 499, 0.0098911, 0.990099],
      [10, 5, 0.0054495, 0.5454959],
      [5, 1, 0.0026649, 0.3334446],
      [1, 0, 0.0009995, 0.5002504],
    ];
    for (const [t, n, s2, c] of cases) {
      const r = stepCoefficients(t, n);
      expect(r.s2).toBeCloseTo(s2, 7);
      expect(r.c).toBeCloseTo(c, 6);
    }
  });

  it('property: δ ≥ 0, δ(m) = δ(1 − m), 0 ≤ s² ≤ δ_n on consecutive skip pairs', () => {
    for (let t = 0; t < 1000; t++) {
      expect(bridgeVariance(t)).toBeGreaterThanOrEqual(0);
      expect(bridgeVariance(t)).toBeCloseTo(bridgeVariance(999 - t), 12);
    }
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1000 }), (S) => {
        const s = skipList(S);
        expect(s[0]).toBe(S === 2 ? 1 : 999);
        let bad = 0;
        for (let i = 0; i + 1 < S; i++) {
          const { s2 } = stepCoefficients(s[i], s[i + 1]);
          if (s2 < -1e-15 || s2 > bridgeVariance(s[i + 1]) + 1e-15) bad++;
        }
        expect(bad).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('q_sample endpoints and linearity of the mean', () => {
    const xh = Float64Array.from([1, -2]);
    const xl = Float64Array.from([5, 3]);
    const e = Float64Array.from([0.5, -1]);
    const out = new Float64Array(2);
    const sq = Math.sqrt(0.001998);
    qSample(2, bridgeM(0), Math.sqrt(bridgeVariance(0)), xh, xl, e, out);
    for (let j = 0; j < 2; j++) expect(out[j]).toBeCloseTo(0.999 * xh[j] + 0.001 * xl[j] + sq * e[j], 12);
    qSample(2, bridgeM(999), Math.sqrt(bridgeVariance(999)), xh, xl, e, out);
    for (let j = 0; j < 2; j++) expect(out[j]).toBeCloseTo(0.001 * xh[j] + 0.999 * xl[j] + sq * e[j], 12);
    const zero = new Float64Array(2);
    qSample(2, bridgeM(300), 0, xh, xl, zero, out);
    for (let j = 0; j < 2; j++) expect(out[j]).toBeCloseTo(xh[j] + bridgeM(300) * (xl[j] - xh[j]), 12);
  });
});
