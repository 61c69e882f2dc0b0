/**
 * @module Straightforward float64 GEMM, C[m×n] = α·op(A)·op(B) + β·C (row-major; A stored k×m when transA, B stored
 * n×k when transB). The oracle for the blocked kernel in gemm.ts and the path for tiny products; i-k-j order for the
 * common no-transpose case so the inner loop is contiguous.
 */
import type { F64 } from '../ops.js';

export function gemmReference(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: F64,
  B: F64,
  beta: number,
  C: F64,
): void {
  const mn = m * n;
  if (beta === 0) C.fill(0, 0, mn);
  else if (beta !== 1) for (let i = 0; i < mn; i++) C[i] *= beta;
  if (alpha === 0 || k === 0) return;
  if (!transB) {
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const a = alpha * (transA ? A[p * m + i] : A[i * k + p]);
        if (a === 0) continue;
        const bp = p * n;
        for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      if (transA) for (let p = 0; p < k; p++) s += A[p * m + i] * B[bj + p];
      else for (let p = 0; p < k; p++) s += A[i * k + p] * B[bj + p];
      C[ci + j] += alpha * s;
    }
  }
}
