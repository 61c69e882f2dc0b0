/**
 * @module Grid stencils in float64 (FDR spec §1.2, unit spacing; callers scale by 1/h): forward differences with a
 * Neumann boundary (0 at the last index of each axis) and the divergence that is exactly their negative adjoint,
 * div_k p[i] = p̃_k[i] − p̃_k[i − e_k] with p̃_k = p_k zeroed at the last index and p̃[−1] = 0. A grid of 1–3 axes
 * is walked once as rows of its last axis (all axes' terms per row while the rows are in cache); conv2d runs output
 * row by output row for the same reason. On 2-D grids the bulk rows (and the 3×3 conv interior) go through the wasm
 * SIMD kernels of wasm-stencils.ts, which evaluate the same expressions in the same order (bit-identical).
 */
import type { F64 } from '../ops.js';
import { conv3Wasm, divWasm2, gradWasm2 } from './wasm-stencils.js';

/** Front-padded (n0, n1, n2) view of a 1–3-axis shape, and N. */
function dims(shape: readonly number[]): [number, number, number, number] {
  const d = shape.length;
  const n2 = shape[d - 1];
  const n1 = d >= 2 ? shape[d - 2] : 1;
  const n0 = d >= 3 ? shape[0] : 1;
  return [n0, n1, n2, n0 * n1 * n2];
}

export function grad(shape: readonly number[], u: F64, out: F64): void {
  const [n0, n1, n2, N] = dims(shape);
  if (N === 0) return;
  // 2-D: rows 0..n1−2 through the wasm SIMD kernel when it applies, the last row (Neumann) here.
  const done = shape.length === 2 && gradWasm2(n1, n2, u, out) ? n1 - 1 : 0;
  gradRows(shape, u, out, done, n0 * n1);
}

export function div(shape: readonly number[], p: F64, out: F64): void {
  const [n0, n1, n2, N] = dims(shape);
  if (N === 0) return;
  // 2-D: interior rows 1..n1−2 through the wasm SIMD kernel when it applies, the first and last rows here.
  if (shape.length === 2 && divWasm2(n1, n2, p, out)) {
    divRows(shape, p, out, 0, 1);
    divRows(shape, p, out, n1 - 1, n1);
    return;
  }
  divRows(shape, p, out, 0, n0 * n1);
}

/** The scalar grad on grid rows lo..hi−1 (a row is one line of the last axis, numbered i0·n1 + i1). */
export function gradRows(shape: readonly number[], u: F64, out: F64, lo: number, hi: number): void {
  const d = shape.length;
  const [n0, n1, n2, N] = dims(shape);
  const s1 = n2;
  const s0 = n1 * n2;
  const o2 = (d - 1) * N; // last axis block
  const o1 = (d - 2) * N; // middle axis block (d ≥ 2)
  for (let row = lo; row < hi; row++) {
    const i0 = (row / n1) | 0;
    const i1 = row - i0 * n1;
    {
      const base = i0 * s0 + i1 * s1;
      const e = base + n2 - 1;
      if (d === 2 && i1 < n1 - 1) {
        // interior row of a 2-D grid: both axes in one pass
        for (let j = base; j < e; j++) {
          const c = u[j];
          out[o2 + j] = u[j + 1] - c;
          out[j] = u[j + s1] - c;
        }
        out[o2 + e] = 0;
        out[e] = u[e + s1] - u[e];
        continue;
      }
      if (d === 3 && i1 < n1 - 1 && i0 < n0 - 1) {
        for (let j = base; j < e; j++) {
          const c = u[j];
          out[o2 + j] = u[j + 1] - c;
          out[o1 + j] = u[j + s1] - c;
          out[j] = u[j + s0] - c;
        }
        out[o2 + e] = 0;
        out[o1 + e] = u[e + s1] - u[e];
        out[e] = u[e + s0] - u[e];
        continue;
      }
      for (let j = base; j < e; j++) out[o2 + j] = u[j + 1] - u[j];
      out[o2 + e] = 0;
      if (d >= 2) {
        if (i1 < n1 - 1) for (let j = base; j <= e; j++) out[o1 + j] = u[j + s1] - u[j];
        else out.fill(0, o1 + base, o1 + e + 1);
      }
      if (d === 3) {
        if (i0 < n0 - 1) for (let j = base; j <= e; j++) out[j] = u[j + s0] - u[j];
        else out.fill(0, base, e + 1);
      }
    }
  }
}

/** The scalar div on grid rows lo..hi−1. */
export function divRows(shape: readonly number[], p: F64, out: F64, lo: number, hi: number): void {
  const d = shape.length;
  const [n0, n1, n2, N] = dims(shape);
  const s1 = n2;
  const s0 = n1 * n2;
  const o2 = (d - 1) * N;
  const o1 = (d - 2) * N;
  for (let row = lo; row < hi; row++) {
    const i0 = (row / n1) | 0;
    const i1 = row - i0 * n1;
    {
      const base = i0 * s0 + i1 * s1;
      const e = base + n2 - 1;
      if (d === 2 && n2 > 1 && i1 > 0 && i1 < n1 - 1) {
        // interior row of a 2-D grid: both axes in one pass
        out[base] = p[o2 + base] + p[base] - p[base - s1];
        for (let j = base + 1; j < e; j++) out[j] = p[o2 + j] - p[o2 + j - 1] + p[j] - p[j - s1];
        out[e] = -p[o2 + e - 1] + p[e] - p[e - s1];
        continue;
      }
      if (d === 3 && n2 > 1 && i1 > 0 && i1 < n1 - 1 && i0 > 0 && i0 < n0 - 1) {
        out[base] = p[o2 + base] + p[o1 + base] - p[o1 + base - s1] + p[base] - p[base - s0];
        for (let j = base + 1; j < e; j++) out[j] = p[o2 + j] - p[o2 + j - 1] + (p[o1 + j] - p[o1 + j - s1]) + (p[j] - p[j - s0]);
        out[e] = -p[o2 + e - 1] + p[o1 + e] - p[o1 + e - s1] + p[e] - p[e - s0];
        continue;
      }
      // last axis: p̃[j] − p̃[j−1]
      if (n2 === 1) out[base] = 0;
      else {
        out[base] = p[o2 + base];
        for (let j = base + 1; j < e; j++) out[j] = p[o2 + j] - p[o2 + j - 1];
        out[e] = -p[o2 + e - 1];
      }
      if (d >= 2 && n1 > 1) {
        if (i1 === 0) for (let j = base; j <= e; j++) out[j] += p[o1 + j];
        else if (i1 < n1 - 1) for (let j = base; j <= e; j++) out[j] += p[o1 + j] - p[o1 + j - s1];
        else for (let j = base; j <= e; j++) out[j] -= p[o1 + j - s1];
      }
      if (d === 3 && n0 > 1) {
        if (i0 === 0) for (let j = base; j <= e; j++) out[j] += p[j];
        else if (i0 < n0 - 1) for (let j = base; j <= e; j++) out[j] += p[j] - p[j - s0];
        else for (let j = base; j <= e; j++) out[j] -= p[j - s0];
      }
    }
  }
}

/**
 * Zero-padded 2-D correlation: out[i,j] = Σ_{a,b} K[a,b]·img[i+a−r, j+b−r] (flip = false), or the adjoint,
 * correlation with the flipped kernel: out[i,j] = Σ_{a,b} K[a,b]·img[i−a+r, j−b+r] (flip = true).
 */
function correlate(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64, flip: boolean): void {
  if (ksize === 3 && h >= 3 && w >= 3) {
    correlate3(h, w, img, kernel, out, flip);
    return;
  }
  correlateRows(h, w, img, ksize, kernel, out, flip, 0, h);
}

/** Output rows i0..i1 by row passes: for each kernel tap, one contiguous multiply–add over the output row. */
function correlateRows(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64, flip: boolean, i0: number, i1: number): void {
  const r = (ksize - 1) >> 1;
  for (let i = i0; i < i1; i++) {
    const o = i * w;
    out.fill(0, o, o + w);
    for (let a = 0; a < ksize; a++) {
      const ii = i + (flip ? r - a : a - r);
      if (ii < 0 || ii >= h) continue;
      const srcRow = ii * w;
      for (let b = 0; b < ksize; b++) {
        const db = flip ? r - b : b - r;
        const kv = kernel[a * ksize + b];
        if (kv === 0) continue;
        const j0 = Math.max(0, -db);
        const j1 = Math.min(w, w - db);
        const s = srcRow + db;
        for (let j = j0; j < j1; j++) out[o + j] += kv * img[s + j];
      }
    }
  }
}

/** 3×3 taps held in registers: interior outputs take 9 loads and one store; border rows and columns go general. */
function correlate3(h: number, w: number, img: F64, kernel: F64, out: F64, flip: boolean): void {
  // Tap (a, b) multiplies img[i + a − 1, j + b − 1]; the adjoint uses the kernel rotated by 180°.
  const k = (a: number, b: number) => (flip ? kernel[(2 - a) * 3 + (2 - b)] : kernel[a * 3 + b]);
  const k00 = k(0, 0);
  const k01 = k(0, 1);
  const k02 = k(0, 2);
  const k10 = k(1, 0);
  const k11 = k(1, 1);
  const k12 = k(1, 2);
  const k20 = k(2, 0);
  const k21 = k(2, 1);
  const k22 = k(2, 2);
  correlateRows(h, w, img, 3, kernel, out, flip, 0, 1);
  correlateRows(h, w, img, 3, kernel, out, flip, h - 1, h);
  // Interior columns of the interior rows through wasm SIMD when it applies (same sums, same order); edges here.
  const interiorDone = conv3Wasm(h, w, img, out, k00, k01, k02, k10, k11, k12, k20, k21, k22);
  for (let i = 1; i < h - 1; i++) {
    const o = i * w;
    const up = o - w;
    const dn = o + w;
    out[o] = k01 * img[up] + k02 * img[up + 1] + k11 * img[o] + k12 * img[o + 1] + k21 * img[dn] + k22 * img[dn + 1];
    if (!interiorDone) for (let j = 1; j < w - 1; j++) {
      out[o + j] =
        k00 * img[up + j - 1] +
        k01 * img[up + j] +
        k02 * img[up + j + 1] +
        k10 * img[o + j - 1] +
        k11 * img[o + j] +
        k12 * img[o + j + 1] +
        k20 * img[dn + j - 1] +
        k21 * img[dn + j] +
        k22 * img[dn + j + 1];
    }
    const e = w - 1;
    out[o + e] = k00 * img[up + e - 1] + k01 * img[up + e] + k10 * img[o + e - 1] + k11 * img[o + e] + k20 * img[dn + e - 1] + k21 * img[dn + e];
  }
}

export function conv2d(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64): void {
  correlate(h, w, img, ksize, kernel, out, false);
}

export function conv2dAdjoint(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64): void {
  correlate(h, w, img, ksize, kernel, out, true);
}
