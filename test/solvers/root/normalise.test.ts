import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { columnStats, percentileHigher, percentileLinear, unzscore, zscore } from '../../../solvers/root/normalise.js';
import { scoreStats } from '../../../solvers/root/scores.js';

describe('z-scoring (V10)', () => {
  it('round-trips and keeps std-0 columns constant', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 5 }), fc.integer(), (n, d, seed) => {
        const X = new Float64Array(n * d);
        for (let i = 0; i < X.length; i++) X[i] = (i % d === 0 ? 3.5 : Math.sin(seed + i * 1.7) * 10);
        const st = columnStats(n, d, X);
        const Z = zscore(n, d, X, st, new Float64Array(n * d));
        const back = unzscore(n, d, Z, st, new Float64Array(n * d));
        for (let i = 0; i < X.length; i++) expect(back[i]).toBeCloseTo(X[i], 9);
        expect(st.std[0]).toBe(1);
        for (let i = 0; i < n; i++) expect(Z[i * d]).toBe(0);
      }),
    );
  });
});

describe('percentiles and normalised scores (V11)', () => {
  it('"higher" interpolation on 1..128 gives p100 128, p80 103, p50 65', () => {
    const s = Float64Array.from({ length: 128 }, (_, i) => 128 - i);
    expect(percentileHigher(s, 1)).toBe(128);
    expect(percentileHigher(s, 0.8)).toBe(103);
    expect(percentileHigher(s, 0.5)).toBe(65);
  });
  it('NumPy linear percentile', () => {
    expect(percentileLinear([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentileLinear([0, 10], 40)).toBeCloseTo(4, 12);
  });
  it('normalised y_min is 0, y_max is 1; fraction counts strictly above', () => {
    const st = scoreStats(Float64Array.from([2, 5, 3]), 2, 5, 3);
    expect(st.p100).toBe(1);
    expect(percentileHigher([0, 1], 0)).toBe(0);
    expect(st.mean).toBeCloseTo((0 + 1 + 1 / 3) / 3, 12);
    expect(st.fractionAboveOfflineBest).toBeCloseTo(1 / 3, 12);
  });
});
