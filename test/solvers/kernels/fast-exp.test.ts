/**
 * fast-exp.ts: ulp distance to Math.exp over a dense sweep of [−746, 0] (and the positive range), the special values
 * and the subnormal/underflow edge; the branch-free row routine against the scalar exp, the WebAssembly SIMD rows against
 * the JS rows (bit-identical weights); rbf / rbfMeanGrad against plain Math.exp references.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { EXP_TABLE, expRowScaled, expRowsScaled, fastExp, usesWasmExp } from '../../../solvers/kernels/cpu/fast-exp.js';
import { rbf, rbfMeanGrad } from '../../../solvers/kernels/cpu/rbf.js';

const pair = new Float64Array(2);
const bits = new BigInt64Array(pair.buffer);
/** Distance in representable doubles (for two non-negative doubles: ulps, or units of 2^-1074 among subnormals). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Number.POSITIVE_INFINITY;
  pair[0] = a;
  pair[1] = b;
  const d = bits[0] - bits[1];
  return Number(d < 0n ? -d : d);
}

function maxUlpOnGrid(lo: number, hi: number, points: number): { max: number; at: number } {
  let max = 0;
  let at = lo;
  for (let i = 0; i <= points; i++) {
    const x = lo + ((hi - lo) * i) / points;
    const u = ulps(fastExp(x), Math.exp(x));
    if (u > max) {
      max = u;
      at = x;
    }
  }
  return { max, at };
}

describe('fastExp accuracy', () => {
  it('≤ 2 ulp from Math.exp on a dense sweep of [−746, 0]', () => {
    const r = maxUlpOnGrid(-746, 0, 2_000_000);
    expect(r.max, `at x = ${r.at}`).toBeLessThanOrEqual(2);
  });

  it('≤ 2 units of 2^-1074 over the subnormal range and the underflow edge', () => {
    const r = maxUlpOnGrid(-745.3, -708, 500_000);
    expect(r.max, `at x = ${r.at}`).toBeLessThanOrEqual(2);
    expect(Math.exp(-720)).toBeLessThan(2 ** -1022); // the sweep does reach subnormal results
  });

  it('≤ 2 ulp near 0 and on the positive range', () => {
    expect(maxUlpOnGrid(-1e-3, 0, 200_000).max).toBeLessThanOrEqual(2);
    expect(maxUlpOnGrid(0, 709.78, 500_000).max).toBeLessThanOrEqual(2);
  });

  it('special values', () => {
    expect(fastExp(0)).toBe(1);
    expect(fastExp(-0)).toBe(1);
    for (const x of [-5e-324, -1e-300, -1e-17, -(2 ** -53), -(2 ** -30), -1e-10]) expect(ulps(fastExp(x), Math.exp(x))).toBeLessThanOrEqual(1);
    expect(fastExp(-745.1332191019411)).toBe(5e-324); // just above ln(2^-1075): rounds up to the smallest subnormal
    for (const x of [-745.1332191019412, -745.14, -745.2, -745.3, -746, -800, -1e308, Number.NEGATIVE_INFINITY]) expect(fastExp(x)).toBe(0);
    expect(fastExp(Number.NaN)).toBeNaN();
    expect(fastExp(709.79)).toBe(Number.POSITIVE_INFINITY);
    expect(fastExp(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(ulps(fastExp(709.78), Math.exp(709.78))).toBeLessThanOrEqual(2);
    expect(fastExp(-Math.LN2)).toBe(0.5);
    expect(fastExp(-708.3964185322641)).toBeGreaterThanOrEqual(2 ** -1022 * (1 - 2 ** -52)); // ln(2^-1022)
  });

  it('the 2^(j/256) table: exact at j = 0, 128 and increasing', () => {
    expect(EXP_TABLE[0]).toBe(1);
    expect(EXP_TABLE[128]).toBe(Math.SQRT2);
    for (let j = 1; j < 256; j++) expect(EXP_TABLE[j]).toBeGreaterThan(EXP_TABLE[j - 1]);
    expect(EXP_TABLE[255]).toBeLessThan(2);
  });

  it('property: any double in [−800, 0] is within 2 ulp (subnormals: 2 units of 2^-1074)', () => {
    fc.assert(
      fc.property(fc.double({ min: -800, max: 0, noNaN: true }), (x) => ulps(fastExp(x), Math.exp(x)) <= 2),
      { numRuns: 20_000 },
    );
  });
});

describe('expRowScaled', () => {
  it('property: bit-identical to a[i]·fastExp(g·max(xn[i] + yn − 2S[i], 0)) with the sequential row sum, offset respected', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 60, noNaN: true }),
        fc.double({ min: 1e-3, max: 400, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        (rows, yn, l2, off) => {
          const n = rows.length;
          const S = new Float64Array(off + n + 2).fill(7);
          const xn = new Float64Array(n);
          const a = new Float64Array(n);
          for (let i = 0; i < n; i++) [S[off + i], xn[i], a[i]] = rows[i];
          const g = -1 / (2 * l2);
          const want = new Float64Array(n);
          let sum = 0;
          for (let i = 0; i < n; i++) {
            const d2 = xn[i] + yn - 2 * S[off + i];
            want[i] = a[i] * fastExp(g * Math.max(d2, 0));
            sum += want[i];
            // and close to Math.exp
            if (Math.abs(want[i] - a[i] * Math.exp(g * Math.max(d2, 0))) > 4.5e-16 * Math.abs(want[i])) return false;
          }
          const got = expRowScaled(S, off, n, xn, yn, a, g);
          for (let i = 0; i < off; i++) if (S[i] !== 7) return false;
          if (S[off + n] !== 7 || S[off + n + 1] !== 7) return false;
          for (let i = 0; i < n; i++) if (!Object.is(S[off + i], want[i])) return false;
          return Object.is(got, sum);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps NaN, sends huge distances to 0', () => {
    const S = new Float64Array([0, -1e300, 0]);
    const xn = new Float64Array([0, 0, 1e308]);
    const a = new Float64Array([1, 1, 1]);
    expect(expRowScaled(S, 0, 3, xn, 0, a, -0.5)).toBe(1);
    expect(Array.from(S)).toEqual([1, 0, 0]);
    const T = new Float64Array([0, 1]);
    expect(expRowScaled(T, 0, 2, new Float64Array(2), 0, new Float64Array([1, 1]), Number.NaN)).toBeNaN();
  });
});

describe('expRowsScaled (WebAssembly SIMD rows)', () => {
  it('runs in wasm on this host (Node 20 has SIMD)', () => {
    expect(usesWasmExp()).toBe(true);
  });

  for (const [n, rows, off] of [
    [500, 64, 0],
    [37, 5, 3],
    [1, 1, 0],
    [64, 3, 11],
  ]) {
    it(`n=${n}, ${rows} rows from ${off}: weights bit-identical to the JS rows, sums to round-off, rest of S untouched`, () => {
      const rng = createRng(n + rows);
      const S0 = rng.fillNormal(new Float64Array(off + rows * n + 4)).map((v) => 3 * v);
      const xn = rng.fillNormal(new Float64Array(n)).map((v) => 20 + v);
      const a = rng.fillNormal(new Float64Array(n));
      const yn = rng.fillNormal(new Float64Array(rows)).map((v) => 20 + v);
      if (n > 3) {
        S0[off + 1] = -1e6; // underflow → weight 0
        S0[off + 2] = 0.5 * (xn[2] + yn[0]); // r² = 0
        S0[off + 3] = 0.5 * (xn[3] + yn[0]) - 710; // r² = 1420, exp argument −710: subnormal weight
      }
      const g = -0.5;
      const Sj = S0.slice();
      const Sw = S0.slice();
      const sj = new Float64Array(rows);
      const sw = new Float64Array(rows);
      expRowsScaled(Sj, off, rows, n, xn, yn, a, g, sj, true);
      expRowsScaled(Sw, off, rows, n, xn, yn, a, g, sw);
      for (let k = 0; k < Sj.length; k++) if (!Object.is(Sj[k], Sw[k])) expect.fail(`S[${k}]: ${Sw[k]} ≠ ${Sj[k]}`);
      for (let k = 0; k < off; k++) expect(Sw[k]).toBe(S0[k]);
      for (let k = off + rows * n; k < Sw.length; k++) expect(Sw[k]).toBe(S0[k]);
      for (let r = 0; r < rows; r++) {
        expect(sj[r]).toBe(expRowScaled(S0.slice(), off + r * n, n, xn, yn[r], a, g));
        let abs = 0;
        for (let i = 0; i < n; i++) abs += Math.abs(Sj[off + r * n + i]);
        expect(Math.abs(sw[r] - sj[r])).toBeLessThanOrEqual(2 * n * Number.EPSILON * abs); // two lanes vs one running sum
      }
      if (n > 3) {
        expect(Math.abs(Sw[off + 1])).toBe(0);
        expect(Sw[off + 2]).toBe(a[2]);
        expect(Math.abs(Sw[off + 3])).toBeLessThan(2 ** -1022);
        expect(Math.abs(Sw[off + 3])).toBeGreaterThan(0);
      }
    });
  }

  it('NaN g gives NaN weights in both', () => {
    const S = new Float64Array([1, 2, 3]);
    const sums = new Float64Array(1);
    expRowsScaled(S, 0, 1, 3, new Float64Array(3), new Float64Array(1), new Float64Array([1, 1, 1]), Number.NaN, sums);
    expect(Array.from(S).every(Number.isNaN)).toBe(true);
    expect(sums[0]).toBeNaN();
  });
});

function relErr(got: Float64Array, want: Float64Array): number {
  let scale = 0;
  let err = 0;
  for (let k = 0; k < want.length; k++) {
    scale = Math.max(scale, Math.abs(want[k]));
    err = Math.max(err, Math.abs(got[k] - want[k]));
  }
  return err / scale;
}

describe('rbf kernels with fastExp vs Math.exp references', () => {
  it('rbf: every entry within 1e-14 relative', () => {
    const rng = createRng(11);
    const [n, m, d, l, s2] = [37, 53, 6, 1.7, 2.3];
    const X = rng.fillNormal(new Float64Array(n * d));
    const Y = rng.fillNormal(new Float64Array(m * d));
    const K = new Float64Array(n * m);
    rbf(n, m, d, X, Y, l, s2, K);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < m; j++) {
        let r2 = 0;
        for (let c = 0; c < d; c++) r2 += (X[i * d + c] - Y[j * d + c]) ** 2;
        const want = s2 * Math.exp(-r2 / (2 * l * l));
        expect(Math.abs(K[i * m + j] - want)).toBeLessThanOrEqual(1e-14 * want);
      }
  });

  it('rbfMeanGrad, direct path (n < 64): within 1e-14 of the Math.exp definition', () => {
    const rng = createRng(12);
    const [n, m, d, l, s2] = [40, 9, 3, 0.8, 1.4];
    const X = rng.fillNormal(new Float64Array(n * d));
    const Y = rng.fillNormal(new Float64Array(m * d));
    const a = rng.fillNormal(new Float64Array(n));
    const G = new Float64Array(m * d);
    rbfMeanGrad(n, m, d, X, Y, a, l, s2, G);
    const want = new Float64Array(m * d);
    for (let j = 0; j < m; j++)
      for (let i = 0; i < n; i++) {
        let r2 = 0;
        for (let c = 0; c < d; c++) r2 += (X[i * d + c] - Y[j * d + c]) ** 2;
        const w = (a[i] * s2 * Math.exp(-r2 / (2 * l * l))) / (l * l);
        for (let c = 0; c < d; c++) want[j * d + c] += w * (X[i * d + c] - Y[j * d + c]);
      }
    expect(relErr(G, want)).toBeLessThan(1e-14);
  });

  for (const [n, m, d, l] of [
    [500, 130, 24, 6.25],
    [200, 70, 10, 1.5],
  ]) {
    it(`rbfMeanGrad (fused path) n=${n} m=${m} d=${d}: within 1e-14 of the same expansion with Math.exp`, () => {
      const rng = createRng(n + d);
      const X = rng.fillNormal(new Float64Array(n * d));
      const Y = rng.fillNormal(new Float64Array(m * d));
      Y.set(X.subarray(0, d), 0); // a walker on a data point (r² clamped at 0)
      const a = rng.fillNormal(new Float64Array(n));
      const s2 = 1.7;
      const G = new Float64Array(m * d);
      rbfMeanGrad(n, m, d, X, Y, a, l, s2, G);
      // ∇m(y_j) = Σ_i w_ji X_i − (Σ_i w_ji) y_j, w_ji = α_i (s2/ℓ²) exp(−max(|X_i|² + |y_j|² − 2 y_j·X_i, 0)/(2ℓ²))
      const want = new Float64Array(m * d);
      const g = -1 / (2 * l * l);
      for (let j = 0; j < m; j++) {
        let yn = 0;
        for (let c = 0; c < d; c++) yn += Y[j * d + c] ** 2;
        let rs = 0;
        for (let i = 0; i < n; i++) {
          let xn = 0;
          let dot = 0;
          for (let c = 0; c < d; c++) {
            xn += X[i * d + c] ** 2;
            dot += Y[j * d + c] * X[i * d + c];
          }
          const r2 = xn + yn - 2 * dot;
          const w = a[i] * (s2 / (l * l)) * Math.exp(g * Math.max(r2, 0));
          rs += w;
          for (let c = 0; c < d; c++) want[j * d + c] += w * X[i * d + c];
        }
        for (let c = 0; c < d; c++) want[j * d + c] -= rs * Y[j * d + c];
      }
      expect(relErr(G, want)).toBeLessThan(1e-14);
    });
  }
});
