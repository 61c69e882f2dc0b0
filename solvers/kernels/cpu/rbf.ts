/**
 * @module Squared-exponential (RBF) kernel blocks in float64: K[i,j] = s2·exp(−|X_i − Y_j|²/(2ℓ²)) and the gradient
 * of the GP mean m(y) = Σ_i α_i k(X_i, y): ∇m(y_j) = Σ_i α_i k(X_i, y_j)·(X_i − y_j)/ℓ².
 */
import type { F64 } from '../ops.js';

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
      K[ki + j] = s2 * Math.exp(g * r2);
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
      const w = (alpha[i] * s2 * Math.exp(g * r2)) / l2;
      for (let c = 0; c < d; c++) G[yj + c] += w * (X[xi + c] - Y[yj + c]);
    }
  }
}
