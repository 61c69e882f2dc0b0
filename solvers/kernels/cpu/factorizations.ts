/**
 * @module Dense float64 factorisations: in-place lower Cholesky A = L·Lᵀ (right-looking by rows, reads and writes
 * only the lower triangle; fails on a pivot ≤ 0 or NaN) and triangular solves L·X = B, Lᵀ·X = B for B[n×nrhs]
 * in place (row-oriented so the inner loops run along contiguous rows of B).
 */
import type { F64 } from '../ops.js';

export function cholesky(n: number, A: F64): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    // L[j,k] for k < j: (A[j,k] − Σ_{p<k} L[j,p] L[k,p]) / L[k,k] (row j against earlier rows: contiguous dots).
    for (let k = 0; k < j; k++) {
      const rk = k * n;
      let s = A[rj + k];
      for (let p = 0; p < k; p++) s -= A[rj + p] * A[rk + p];
      A[rj + k] = s / A[rk + k];
    }
    let d = A[rj + j];
    for (let p = 0; p < j; p++) d -= A[rj + p] * A[rj + p];
    if (!(d > 0)) return false;
    A[rj + j] = Math.sqrt(d);
  }
  return true;
}

export function trsm(trans: boolean, n: number, nrhs: number, L: F64, B: F64): void {
  if (!trans) {
    // Forward: X_i = (B_i − Σ_{p<i} L[i,p] X_p) / L[i,i].
    for (let i = 0; i < n; i++) {
      const bi = i * nrhs;
      const li = i * n;
      for (let p = 0; p < i; p++) {
        const l = L[li + p];
        if (l === 0) continue;
        const bp = p * nrhs;
        for (let c = 0; c < nrhs; c++) B[bi + c] -= l * B[bp + c];
      }
      const inv = 1 / L[li + i];
      for (let c = 0; c < nrhs; c++) B[bi + c] *= inv;
    }
    return;
  }
  // Backward with Lᵀ: X_i = (B_i − Σ_{p>i} L[p,i] X_p) / L[i,i]; after X_i is final, subtract it from earlier rows.
  for (let i = n - 1; i >= 0; i--) {
    const bi = i * nrhs;
    const li = i * n;
    const inv = 1 / L[li + i];
    for (let c = 0; c < nrhs; c++) B[bi + c] *= inv;
    for (let p = 0; p < i; p++) {
      const l = L[li + p]; // L[i,p] = Lᵀ[p,i]
      if (l === 0) continue;
      const bp = p * nrhs;
      for (let c = 0; c < nrhs; c++) B[bp + c] -= l * B[bi + c];
    }
  }
}
