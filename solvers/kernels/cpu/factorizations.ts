/**
 * @module Dense float64 factorisations: in-place lower Cholesky A = L·Lᵀ (right-looking by rows, reads and writes
 * only the lower triangle; fails on a pivot ≤ 0 or NaN) and triangular solves L·X = B, Lᵀ·X = B for B[n×nrhs]
 * in place (row-oriented so the inner loops run along contiguous rows of B).
 */
import type { F64 } from '../ops.js';
import { gemm } from './gemm.js';

/** Matrices from this order up are factorised by blocks, with the trailing updates in GEMM. */
const BLOCKED_FROM = 256;
const NB = 64;

export function cholesky(n: number, A: F64): boolean {
  if (n >= BLOCKED_FROM) return choleskyBlocked(n, A);
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

/**
 * Right-looking blocked Cholesky (Golub & Van Loan Alg. 4.2.x): factor the NB×NB diagonal block, solve the panel
 * below it against L_KKᵀ, then subtract P·Pᵀ from the trailing lower triangle in row blocks through GEMM (the only
 * O(n³) part). Scratch: the panel (n×NB) and one row block of the product (NB×n). Lower triangle only.
 */
function choleskyBlocked(n: number, A: F64): boolean {
  const P = new Float64Array(n * NB);
  const C = new Float64Array(NB * n);
  for (let k0 = 0; k0 < n; k0 += NB) {
    const k1 = Math.min(n, k0 + NB);
    const bk = k1 - k0;
    // 1. Diagonal block (already updated by the previous trailing updates).
    for (let j = k0; j < k1; j++) {
      const rj = j * n;
      for (let k = k0; k < j; k++) {
        const rk = k * n;
        let s = A[rj + k];
        for (let p = k0; p < k; p++) s -= A[rj + p] * A[rk + p];
        A[rj + k] = s / A[rk + k];
      }
      let d = A[rj + j];
      for (let p = k0; p < j; p++) d -= A[rj + p] * A[rj + p];
      if (!(d > 0)) return false;
      A[rj + j] = Math.sqrt(d);
    }
    if (k1 === n) break;
    // 2. Panel: L[r, K] = A[r, K]·L_KK⁻ᵀ for r ≥ k1, copied contiguously into P.
    const rows = n - k1;
    for (let r = k1; r < n; r++) {
      const rr = r * n;
      const pr = (r - k1) * bk;
      for (let kk = 0; kk < bk; kk++) {
        const rk = (k0 + kk) * n;
        let s = A[rr + k0 + kk];
        for (let p = 0; p < kk; p++) s -= P[pr + p] * A[rk + k0 + p];
        const v = s / A[rk + k0 + kk];
        P[pr + kk] = v;
        A[rr + k0 + kk] = v;
      }
    }
    // 3. Trailing update A[R, R] −= P·Pᵀ, lower triangle, by row blocks of NB.
    for (let i0 = 0; i0 < rows; i0 += NB) {
      const bi = Math.min(NB, rows - i0);
      const cols = i0 + bi;
      gemm(false, true, bi, cols, bk, 1, P.subarray(i0 * bk, (i0 + bi) * bk), P, 0, C);
      for (let ii = 0; ii < bi; ii++) {
        const r = k1 + i0 + ii;
        const rr = r * n + k1;
        const cr = ii * cols;
        const last = i0 + ii; // columns up to the diagonal
        for (let jj = 0; jj <= last; jj++) A[rr + jj] -= C[cr + jj];
      }
    }
  }
  return true;
}
