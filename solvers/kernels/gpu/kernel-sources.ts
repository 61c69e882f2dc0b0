/**
 * @module gpu.js kernel bodies (float32) for the heavy ops, one thread per output element, written gather-style in
 * the gpu.js JavaScript subset (no closures; `this.thread`; Math.*). Index maps follow ops.ts and the float64
 * reference in ../cpu/ exactly; strides are passed as arguments so one kernel serves every transpose/axis case.
 * Outputs: 2-D [x = column, y = row] for matrix results, 1-D elsewhere. Integer quotients of 1-D indices are
 * corrected by their remainder, since f32 division on GPUs is not correctly rounded.
 */
/* biome-ignore-all lint/complexity/useArrowFunction: gpu.js parses `function` sources and needs `this` */
import type { IKernelFunctionThis, KernelFunction } from 'gpu.js';

type T = IKernelFunctionThis;
type Arr = Float64Array | Float32Array | Int32Array;

/** C0[i,j] = Σ_p A[i·sai + p·sap]·B[p·sbp + j·sbj] (strides encode op(A), op(B)); output [n, m]. */
function gemmBody(this: T, A: Arr, B: Arr, k: number, sai: number, sap: number, sbp: number, sbj: number): number {
  const i = this.thread.y;
  const j = this.thread.x;
  let s = 0;
  for (let p = 0; p < k; p++) s += A[i * sai + p * sap] * B[p * sbp + j * sbj];
  return s;
}

/** y0[i] = Σ_j A[i·sai + j·saj]·x[j] over len terms; output [rows]. */
function gemvBody(this: T, A: Arr, x: Arr, len: number, sai: number, saj: number): number {
  const i = this.thread.x;
  let s = 0;
  for (let j = 0; j < len; j++) s += A[i * sai + j * saj] * x[j];
  return s;
}

/** y0[i] = Σ_{p ∈ row i} values[p]·x[indices[p]]; output [rows]. An integer trip count (WGSL has no f32 ++). */
function spmvBody(this: T, indptr: Arr, indices: Arr, values: Arr, x: Arr): number {
  const i = this.thread.x;
  const start = indptr[i];
  const cnt = indptr[i + 1] - start;
  let s = 0;
  for (let q = 0; q < cnt; q++) s += values[start + q] * x[indices[start + q]];
  return s;
}

/**
 * Forward differences for a grid of up to 3 axes padded to (n0, n1, n2) with strides (s0, s1, s2 = 1); output
 * [d·N], slot k·N + idx is axis k at cell idx (1-D, so large grids dispatch past the 65 535-workgroup limit).
 * Zero at the last index of each axis.
 */
function gradBody(this: T, u: Arr, N: number, n0: number, n1: number, n2: number, s0: number, s1: number): number {
  const x = this.thread.x;
  // Integer quotients from f32 division, corrected by the remainder: WGSL's f32 division is not correctly
  // rounded (41/41 may give 0.99999994), so a bare floor(a/b) can be one short.
  let k = Math.floor(x / N);
  if (x - k * N < 0) k -= 1;
  if (x - k * N >= N) k += 1;
  const idx = x - k * N;
  let i0 = Math.floor(idx / s0);
  if (idx - i0 * s0 < 0) i0 -= 1;
  if (idx - i0 * s0 >= s0) i0 += 1;
  const rest = idx - i0 * s0;
  let i1 = Math.floor(rest / s1);
  if (rest - i1 * s1 < 0) i1 -= 1;
  if (rest - i1 * s1 >= s1) i1 += 1;
  const i2 = rest - i1 * s1;
  let r = 0.0;
  if (k < 0.5) {
    if (i0 < n0 - 1) {
      r = u[idx + s0] - u[idx];
    }
  } else if (k < 1.5) {
    if (i1 < n1 - 1) {
      r = u[idx + s1] - u[idx];
    }
  } else {
    if (i2 < n2 - 1) {
      r = u[idx + 1] - u[idx];
    }
  }
  return r;
}

/** Negative adjoint of gradBody: Σ_k p̃_k[i] − p̃_k[i − e_k]; p holds d blocks of N; output [N]. */
function divBody(this: T, p: Arr, d: number, N: number, n0: number, n1: number, n2: number, s0: number, s1: number): number {
  const idx = this.thread.x;
  let i0 = Math.floor(idx / s0);
  if (idx - i0 * s0 < 0) i0 -= 1;
  if (idx - i0 * s0 >= s0) i0 += 1;
  const rest = idx - i0 * s0;
  let i1 = Math.floor(rest / s1);
  if (rest - i1 * s1 < 0) i1 -= 1;
  if (rest - i1 * s1 >= s1) i1 += 1;
  const i2 = rest - i1 * s1;
  let r = 0.0;
  if (i0 < n0 - 1) {
    r += p[idx];
  }
  if (i0 > 0) {
    r -= p[idx - s0];
  }
  if (d > 1) {
    if (i1 < n1 - 1) {
      r += p[N + idx];
    }
    if (i1 > 0) {
      r -= p[N + idx - s1];
    }
  }
  if (d > 2) {
    if (i2 < n2 - 1) {
      r += p[2 * N + idx];
    }
    if (i2 > 0) {
      r -= p[2 * N + idx - 1];
    }
  }
  return r;
}

/** Zero-padded correlation; sgn = +1: Σ K[a,b]·img[i+a−r, j+b−r]; sgn = −1: the adjoint. Output [w, h]. */
function convBody(this: T, img: Arr, K: Arr, h: number, w: number, ks: number, sgn: number): number {
  const i = this.thread.y;
  const j = this.thread.x;
  const r = (ks - 1) / 2;
  let s = 0;
  for (let a = 0; a < ks; a++) {
    const ii = i + sgn * (a - r);
    if (ii >= 0 && ii < h) {
      for (let b = 0; b < ks; b++) {
        const jj = j + sgn * (b - r);
        if (jj >= 0 && jj < w) s += K[a * ks + b] * img[ii * w + jj];
      }
    }
  }
  return s;
}

/** Ball projection, one thread per component: v·min(1, r/|v|); output [n·dim]. */
function ballBody(this: T, v: Arr, dim: number, r: number): number {
  const x = this.thread.x;
  let i = Math.floor(x / dim);
  if (x - i * dim < 0) i -= 1;
  if (x - i * dim >= dim) i += 1;
  let s = 0;
  for (let c = 0; c < dim; c++) s += v[i * dim + c] * v[i * dim + c];
  let f = 1;
  if (s > r * r) f = r / Math.sqrt(s);
  return v[x] * f;
}

/**
 * Parabola projection onto {t ≥ a|x|² − b_i} (FDR §1.3, scaled as in ../cpu/projections.ts), one thread per
 * output slot of an interleaved [x_0..x_{dim−1}, t] record; output [n·(dim+1)].
 */
function parabolaBody(this: T, X: Arr, t: Arr, b: Arr, dim: number, a: number): number {
  const slot = this.thread.x;
  const w1 = dim + 1;
  let i = Math.floor(slot / w1);
  if (slot - i * w1 < 0) i -= 1;
  if (slot - i * w1 >= w1) i += 1;
  const c = slot - i * w1;
  let s = 0;
  for (let q = 0; q < dim; q++) s += X[i * dim + q] * X[i * dim + q];
  const ti = t[i];
  const bi = b[i];
  let res = 0;
  if (ti >= a * s - bi) {
    if (c < dim) res = X[i * dim + c];
    else res = ti;
  } else {
    const inv = 4 * a;
    const kappa = 1 / inv;
    const cs = bi * inv;
    const nx = Math.sqrt(s) * inv;
    const yc = ti * inv + cs;
    const aa = nx / 2;
    const bb = (2 / 3) * (1 - yc / 2);
    let D = aa * aa + bb * bb * bb;
    if (bb < 0) {
      const nb0 = Math.sqrt(-bb) * -bb;
      D = (aa - nb0) * (aa + nb0);
    }
    let rr = 0;
    if (D >= 0) {
      // biome-ignore lint/style/useExponentiationOperator: the gpu.js subset has Math.pow, not ** (and no cbrt)
      const w = Math.pow(aa + Math.sqrt(D), 1 / 3);
      if (w > 0) rr = w - bb / w;
    } else {
      const snb = Math.sqrt(-bb);
      let arg = aa / (snb * -bb);
      if (arg > 1) arg = 1;
      if (arg < -1) arg = -1;
      rr = 2 * snb * Math.cos(Math.acos(arg) / 3);
    }
    if (c < dim) {
      if (nx > 0) res = (X[i * dim + c] * 2 * rr * kappa) / Math.sqrt(s);
    } else {
      res = kappa * (rr * rr - cs);
      if (nx <= 0) res = -bi;
    }
  }
  return res;
}

/** K[i,j] = s2·exp(g·|X_i − Y_j|²), g = −1/(2ℓ²); output [m, n]. */
function rbfBody(this: T, X: Arr, Y: Arr, d: number, g: number, s2: number): number {
  const i = this.thread.y;
  const j = this.thread.x;
  let r2 = 0;
  for (let c = 0; c < d; c++) {
    const df = X[i * d + c] - Y[j * d + c];
    r2 += df * df;
  }
  return s2 * Math.exp(g * r2);
}

/** G[j,c] = Σ_i α_i·s2·exp(g·|X_i − Y_j|²)·(X_ic − Y_jc)/ℓ²; output [d, m]. */
function rbfGradBody(this: T, X: Arr, Y: Arr, alpha: Arr, n: number, d: number, g: number, s2l2: number): number {
  const j = this.thread.y;
  const c = this.thread.x;
  let s = 0;
  for (let i = 0; i < n; i++) {
    let r2 = 0;
    for (let q = 0; q < d; q++) {
      const df = X[i * d + q] - Y[j * d + q];
      r2 += df * df;
    }
    s += alpha[i] * Math.exp(g * r2) * (X[i * d + c] - Y[j * d + c]);
  }
  return s * s2l2;
}

const SOURCES = {
  gemm: gemmBody,
  gemv: gemvBody,
  spmv: spmvBody,
  grad: gradBody,
  div: divBody,
  conv: convBody,
  ball: ballBody,
  parabola: parabolaBody,
  rbf: rbfBody,
  rbfGrad: rbfGradBody,
} as const;

export type KernelName = keyof typeof SOURCES;

/** The bodies typed for gpu.js's createKernel (its KernelFunction type knows only gpu.js's own argument types). */
export const KERNEL_SOURCES = SOURCES as unknown as Record<KernelName, KernelFunction>;
