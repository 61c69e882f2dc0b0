/**
 * @module Brute-force float64 oracles for the kernel contract: each op written from its definition in ops.ts with
 * index arithmetic only (no blocking, no shared code with solvers/kernels), slow and obviously right.
 */
import type { Activation, Csr } from '../../../solvers/kernels/ops.js';

export function gemmOracle(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, A: Float64Array, B: Float64Array, beta: number, C: Float64Array): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? A[p * m + i] : A[i * k + p]) * (tB ? B[j * k + p] : B[p * n + j]);
      out[i * n + j] = alpha * s + (beta === 0 ? 0 : beta * C[i * n + j]);
    }
  return out;
}

export function csrToDense(S: Csr): Float64Array {
  const D = new Float64Array(S.rows * S.cols);
  for (let i = 0; i < S.rows; i++) for (let p = S.indptr[i]; p < S.indptr[i + 1]; p++) D[i * S.cols + S.indices[p]] += S.values[p];
  return D;
}

/** Multi-index helpers for grids (row-major, last axis fastest). */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) s[k] = s[k + 1] * shape[k + 1];
  return s;
}

export function gradOracle(shape: readonly number[], u: Float64Array): Float64Array {
  const N = shape.reduce((a, b) => a * b, 1);
  const st = strides(shape);
  const out = new Float64Array(shape.length * N);
  for (let idx = 0; idx < N; idx++)
    for (let k = 0; k < shape.length; k++) {
      const ik = Math.floor(idx / st[k]) % shape[k];
      out[k * N + idx] = ik < shape[k] - 1 ? u[idx + st[k]] - u[idx] : 0;
    }
  return out;
}

export function convOracle(h: number, w: number, img: Float64Array, ks: number, K: Float64Array, flip: boolean): Float64Array {
  const r = (ks - 1) / 2;
  const out = new Float64Array(h * w);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let a = 0; a < ks; a++)
        for (let b = 0; b < ks; b++) {
          const ii = flip ? i - a + r : i + a - r;
          const jj = flip ? j - b + r : j + b - r;
          if (ii >= 0 && ii < h && jj >= 0 && jj < w) s += K[a * ks + b] * img[ii * w + jj];
        }
      out[i * w + j] = s;
    }
  return out;
}

export function actOracle(act: Activation, z: number): number {
  if (act === 'relu') return Math.max(0, z);
  if (act === 'silu') return z / (1 + Math.exp(-z));
  if (act === 'tanh') return Math.tanh(z);
  return z;
}

/**
 * Parabola projection by brute force: minimise |x − x0|² + (a|x|² − b − t0)² over points on the boundary. The
 * minimiser is x = ρ·x0/|x0| with ρ ≥ 0, so a 1-D search (golden section on a bracket, then Newton polish).
 */
export function parabolaOracle(x0: Float64Array, t0: number, a: number, b: number): { x: Float64Array; t: number } {
  let s = 0;
  for (const v of x0) s += v * v;
  if (t0 >= a * s - b) return { x: Float64Array.from(x0), t: t0 };
  const n0 = Math.sqrt(s);
  const f = (rho: number) => (rho - n0) ** 2 + (a * rho * rho - b - t0) ** 2;
  let lo = 0;
  const hi0 = n0 + 1; // the minimiser lies in [0, |x0|] for a point below the parabola
  let hi = hi0;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let it = 0; it < 200; it++) {
    const c = hi - g * (hi - lo);
    const d = lo + g * (hi - lo);
    if (f(c) < f(d)) hi = d;
    else lo = c;
  }
  let rho = (lo + hi) / 2;
  for (let it = 0; it < 4; it++) {
    const q = a * rho * rho - b - t0;
    const d1 = 2 * (rho - n0) + 4 * a * rho * q;
    const d2 = 2 + 4 * a * (3 * a * rho * rho - b - t0);
    if (d2 > 0) rho = Math.max(0, rho - d1 / d2);
  }
  const x = new Float64Array(x0.length);
  if (n0 > 0) for (let c = 0; c < x0.length; c++) x[c] = (rho * x0[c]) / n0;
  return { x, t: a * rho * rho - b };
}
