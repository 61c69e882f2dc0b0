/**
 * @module CSR sparse matrix–vector products in float64: y = α·S·x + β·y (row dot products) and y = α·Sᵀ·x + β·y
 * (scatter of each row scaled by x_i). β = 0 overwrites y without reading it.
 */
import type { Csr, F64 } from '../ops.js';

export function spmv(trans: boolean, S: Csr, alpha: number, x: F64, beta: number, y: F64): void {
  const { rows, cols, indptr, indices, values } = S;
  if (!trans) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const end = indptr[i + 1];
      for (let p = indptr[i]; p < end; p++) s += values[p] * x[indices[p]];
      y[i] = beta === 0 ? alpha * s : alpha * s + beta * y[i];
    }
    return;
  }
  if (beta === 0) y.fill(0, 0, cols);
  else if (beta !== 1) for (let j = 0; j < cols; j++) y[j] *= beta;
  for (let i = 0; i < rows; i++) {
    const c = alpha * x[i];
    if (c === 0) continue;
    const end = indptr[i + 1];
    for (let p = indptr[i]; p < end; p++) y[indices[p]] += c * values[p];
  }
}
