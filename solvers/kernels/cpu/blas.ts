/**
 * @module Float64 BLAS-1/2 reference kernels on row-major typed arrays: gemv (y = α·op(A)·x + β·y), axpy, axpby,
 * scale, and the reductions dot, sum, nrm2 (scaled, overflow-safe), normInf, argmax. Loop orders walk memory
 * contiguously (the transposed gemv accumulates rows of A into y). β = 0 overwrites y without reading it (BLAS).
 */
import type { F64 } from '../ops.js';

export function gemv(trans: boolean, m: number, n: number, alpha: number, A: F64, x: F64, beta: number, y: F64): void {
  if (!trans) {
    for (let i = 0; i < m; i++) {
      const row = i * n;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < n; j += 2) {
        s0 += A[row + j] * x[j];
        s1 += A[row + j + 1] * x[j + 1];
      }
      if (j < n) s0 += A[row + j] * x[j];
      const s = alpha * (s0 + s1);
      y[i] = beta === 0 ? s : s + beta * y[i];
    }
    return;
  }
  // y (length n) = alpha·Aᵀx + beta·y: scale y once, then add alpha·x_i·(row i of A).
  if (beta === 0) y.fill(0, 0, n);
  else if (beta !== 1) for (let j = 0; j < n; j++) y[j] *= beta;
  for (let i = 0; i < m; i++) {
    const c = alpha * x[i];
    if (c === 0) continue;
    const row = i * n;
    for (let j = 0; j < n; j++) y[j] += c * A[row + j];
  }
}

export function axpy(n: number, alpha: number, x: F64, y: F64): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

export function axpby(n: number, a: number, x: F64, b: number, y: F64, out: F64): void {
  for (let i = 0; i < n; i++) out[i] = a * x[i] + b * y[i];
}

export function scale(n: number, alpha: number, x: F64): void {
  if (alpha === 0) {
    x.fill(0, 0, n);
    return;
  }
  for (let i = 0; i < n; i++) x[i] *= alpha;
}

export function dot(n: number, x: F64, y: F64): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
    s2 += x[i + 2] * y[i + 2];
    s3 += x[i + 3] * y[i + 3];
  }
  for (; i < n; i++) s0 += x[i] * y[i];
  return s0 + s1 + (s2 + s3);
}

export function sum(n: number, x: F64): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
    s3 += x[i + 3];
  }
  for (; i < n; i++) s0 += x[i];
  return s0 + s1 + (s2 + s3);
}

/** Euclidean norm; rescales by max |x_i| only when the plain sum of squares would overflow or underflow. */
export function nrm2(n: number, x: F64): number {
  const s = dot(n, x, x);
  if (s > 1e-290 && s < 1e290) return Math.sqrt(s);
  const mx = normInf(n, x);
  if (mx === 0 || !Number.isFinite(mx)) return mx;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] / mx;
    t += v * v;
  }
  return mx * Math.sqrt(t);
}

export function normInf(n: number, x: F64): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(x[i]);
    if (a > m) m = a;
  }
  return m;
}

export function argmax(n: number, x: F64): number {
  if (n <= 0) return -1;
  let best = 0;
  let bv = x[0];
  for (let i = 1; i < n; i++) {
    if (x[i] > bv) {
      bv = x[i];
      best = i;
    }
  }
  return best;
}
