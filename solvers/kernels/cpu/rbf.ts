/**
 * @module Squared-exponential (RBF) kernel blocks in float64: K[i,j] = s2·exp(−|X_i − Y_j|²/(2ℓ²)) and the gradient
 * of the GP mean m(y) = Σ_i α_i k(X_i, y): ∇m(y_j) = Σ_i α_i k(X_i, y_j)·(X_i − y_j)/ℓ².
 * Large gradients go through GEMM: with W[j,i] = α_i k(X_i, y_j)/ℓ², ∇m(y_j) = (W·X)_j − (Σ_i W[j,i])·y_j, and
 * |X_i − y_j|² = |X_i|² + |y_j|² − 2·(Y·Xᵀ)[j,i] (clamped at 0), in blocks of rows of Y so the scratch stays small.
 * exp is fast-exp.ts (≤ ~1 ulp, no Math.exp in these loops): it dominated the walk (specs/root.md §8).
 * rbfMeanGrad runs the fused wasm kernel (rbf-grad-fused.ts: same operations as the GEMM path, one pass over X, no S/W
 * matrices) for d ≤ 64 where wasm SIMD exists; the GEMM path (d ≥ 4) and the direct loops stay for the rest.
 */
import type { F64 } from '../ops.js';
import { expRowsScaled, fastExp } from './fast-exp.js';
import { gemm } from './gemm.js';
import { rbfMeanGradFused } from './rbf-grad-fused.js';

/** Rows of Y per block of the GEMM path (scratch: BLOCK·n doubles). */
const BLOCK = 64;
let scratch: Float64Array = new Float64Array(0);
let norms: Float64Array = new Float64Array(0);
let weights: Float64Array = new Float64Array(0);

function grow(a: Float64Array, n: number): Float64Array {
  return a.length >= n ? a : new Float64Array(Math.max(n, a.length * 2));
}

export function rbf(n: number, m: number, d: number, X: F64, Y: F64, lengthscale: number, s2: number, K: F64): void {
  const g = -1 / (2 * lengthscale * lengthscale);
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    const ki = i * m;
    for (let j = 0; j < m; j++) {
      const yj = j * d;
      let r2 = 0;
      for (let c = 0; c < d; c++) {
        const df = X[xi + c] - Y[yj + c];
        r2 += df * df;
      }
      K[ki + j] = s2 * fastExp(g * r2);
    }
  }
}

export function rbfMeanGrad(
  n: number,
  m: number,
  d: number,
  X: F64,
  Y: F64,
  alpha: F64,
  lengthscale: number,
  s2: number,
  G: F64,
): void {
  if (rbfMeanGradFused(n, m, d, X, Y, alpha, lengthscale, s2, G)) return;
  if (d >= 4 && n >= 64 && m >= 8) rbfMeanGradGemm(n, m, d, X, Y, alpha, lengthscale, s2, G);
  else rbfMeanGradDirect(n, m, d, X, Y, alpha, lengthscale, s2, G);
}

/** The direct loops (r² from differences, scalar fast-exp). */
export function rbfMeanGradDirect(n: number, m: number, d: number, X: F64, Y: F64, alpha: F64, lengthscale: number, s2: number, G: F64): void {
  const l2 = lengthscale * lengthscale;
  const g = -1 / (2 * l2);
  G.fill(0, 0, m * d);
  for (let j = 0; j < m; j++) {
    const yj = j * d;
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      let r2 = 0;
      for (let c = 0; c < d; c++) {
        const df = X[xi + c] - Y[yj + c];
        r2 += df * df;
      }
      const w = (alpha[i] * s2 * fastExp(g * r2)) / l2;
      for (let c = 0; c < d; c++) G[yj + c] += w * (X[xi + c] - Y[yj + c]);
    }
  }
}

/** The GEMM path: per block of 64 walkers S = Y·Xᵀ, weight rows (expRowsScaled), W·X − rowSum·y (any n, m, d). */
export function rbfMeanGradGemm(n: number, m: number, d: number, X: F64, Y: F64, alpha: F64, lengthscale: number, s2: number, G: F64): void {
  const l2 = lengthscale * lengthscale;
  const g = -1 / (2 * l2);
  const coef = s2 / l2;
  scratch = grow(scratch, BLOCK * n);
  norms = grow(norms, n + 2 * BLOCK);
  weights = grow(weights, n);
  const S = scratch;
  const xn = norms;
  const yns = norms.subarray(n, n + BLOCK);
  const rowSums = norms.subarray(n + BLOCK, n + 2 * BLOCK);
  const a = weights;
  for (let i = 0; i < n; i++) a[i] = alpha[i] * coef;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let c = 0; c < d; c++) s += X[i * d + c] * X[i * d + c];
    xn[i] = s;
  }
  for (let j0 = 0; j0 < m; j0 += BLOCK) {
    const b = Math.min(BLOCK, m - j0);
    const Yb = Y.subarray(j0 * d, (j0 + b) * d);
    gemm(false, true, b, n, d, 1, Yb, X, 0, S); // S[jj,i] = y_j·X_i
    for (let jj = 0; jj < b; jj++) {
      const yo = jj * d;
      let yn = 0;
      for (let c = 0; c < d; c++) yn += Yb[yo + c] * Yb[yo + c];
      yns[jj] = yn;
    }
    expRowsScaled(S, 0, b, n, xn, yns, a, g, rowSums); // S[jj,i] = α_i·coef·exp(g·r²), row sums
    const Gb = G.subarray(j0 * d, (j0 + b) * d);
    gemm(false, false, b, d, n, 1, S, X, 0, Gb); // (W·X)_j
    for (let jj = 0; jj < b; jj++) {
      const rs = rowSums[jj];
      for (let c = 0; c < d; c++) Gb[jj * d + c] -= rs * Yb[jj * d + c];
    }
  }
}
