/** rbfMeanGrad (fused wasm path) and its GEMM fallback equal the direct definition to round-off, across block edges. */
import { describe, expect, it } from 'vitest';
import { rbfMeanGrad, rbfMeanGradGemm } from '../../../solvers/kernels/cpu/rbf.js';
import { createRng } from '../../../solvers/core/rng.js';

function direct(n: number, m: number, d: number, X: Float64Array, Y: Float64Array, a: Float64Array, l: number, s2: number): Float64Array {
  const G = new Float64Array(m * d);
  for (let j = 0; j < m; j++)
    for (let i = 0; i < n; i++) {
      let r2 = 0;
      for (let c = 0; c < d; c++) r2 += (X[i * d + c] - Y[j * d + c]) ** 2;
      const w = (a[i] * s2 * Math.exp(-r2 / (2 * l * l))) / (l * l);
      for (let c = 0; c < d; c++) G[j * d + c] += w * (X[i * d + c] - Y[j * d + c]);
    }
  return G;
}

describe('rbfMeanGrad: fused path and GEMM fallback', () => {
  for (const [path, fn] of [['fused', rbfMeanGrad], ['GEMM', rbfMeanGradGemm]] as const)
  for (const [n, m, d, l] of [[200, 70, 24, 2.5], [64, 129, 4, 0.9], [300, 8, 8, 6.25]]) {
    it(`${path}: n=${n} m=${m} d=${d} ℓ=${l}`, () => {
      const rng = createRng(n + m + d);
      const X = rng.fillNormal(new Float64Array(n * d));
      const Y = rng.fillNormal(new Float64Array(m * d));
      // include walkers sitting exactly on data points (r² = 0 must not go negative)
      Y.set(X.subarray(0, d), 0);
      const a = rng.fillNormal(new Float64Array(n));
      const G = new Float64Array(m * d).fill(Number.NaN);
      fn(n, m, d, X, Y, a, l, 1.7, G);
      const want = direct(n, m, d, X, Y, a, l, 1.7);
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      for (let k = 0; k < m * d; k++) expect(Math.abs(G[k] - want[k])).toBeLessThan(1e-12 * scale);
    });
  }
});
