/**
 * @module Grid stencils in float64 (FDR spec §1.2, unit spacing; callers scale by 1/h): forward differences with a
 * Neumann boundary (0 at the last index of each axis) and the divergence that is exactly their negative adjoint,
 * div_k p[i] = p̃_k[i] − p̃_k[i − e_k] with p̃_k = p_k zeroed at the last index and p̃[−1] = 0. Each axis is walked as
 * (outer, n_k, inner) blocks so the innermost loop is contiguous.
 */
import type { F64 } from '../ops.js';

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function grad(shape: readonly number[], u: F64, out: F64): void {
  const d = shape.length;
  const N = sizeOf(shape);
  let inner = N;
  for (let k = 0; k < d; k++) {
    const nk = shape[k];
    inner /= nk;
    const outer = N / (nk * inner);
    const off = k * N;
    for (let o = 0; o < outer; o++) {
      const base0 = o * nk * inner;
      for (let i = 0; i < nk - 1; i++) {
        const b = base0 + i * inner;
        for (let j = 0; j < inner; j++) out[off + b + j] = u[b + inner + j] - u[b + j];
      }
      const last = base0 + (nk - 1) * inner;
      out.fill(0, off + last, off + last + inner);
    }
  }
}

export function div(shape: readonly number[], p: F64, out: F64): void {
  const d = shape.length;
  const N = sizeOf(shape);
  out.fill(0, 0, N);
  let inner = N;
  for (let k = 0; k < d; k++) {
    const nk = shape[k];
    inner /= nk;
    if (nk < 2) continue;
    const outer = N / (nk * inner);
    const off = k * N;
    for (let o = 0; o < outer; o++) {
      const base0 = o * nk * inner;
      for (let j = 0; j < inner; j++) out[base0 + j] += p[off + base0 + j];
      for (let i = 1; i < nk - 1; i++) {
        const b = base0 + i * inner;
        for (let j = 0; j < inner; j++) out[b + j] += p[off + b + j] - p[off + b - inner + j];
      }
      const last = base0 + (nk - 1) * inner;
      for (let j = 0; j < inner; j++) out[last + j] -= p[off + last - inner + j];
    }
  }
}

/**
 * Zero-padded 2-D correlation: out[i,j] = Σ_{a,b} K[a,b]·img[i+a−r, j+b−r] (flip = false), or the adjoint,
 * correlation with the flipped kernel: out[i,j] = Σ_{a,b} K[a,b]·img[i−a+r, j−b+r] (flip = true).
 */
function correlate(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64, flip: boolean): void {
  const r = (ksize - 1) >> 1;
  out.fill(0, 0, h * w);
  for (let a = 0; a < ksize; a++) {
    const da = flip ? r - a : a - r;
    const i0 = Math.max(0, -da);
    const i1 = Math.min(h, h - da);
    for (let b = 0; b < ksize; b++) {
      const db = flip ? r - b : b - r;
      const kv = kernel[a * ksize + b];
      if (kv === 0) continue;
      const j0 = Math.max(0, -db);
      const j1 = Math.min(w, w - db);
      for (let i = i0; i < i1; i++) {
        const o = i * w;
        const s = (i + da) * w + db;
        for (let j = j0; j < j1; j++) out[o + j] += kv * img[s + j];
      }
    }
  }
}

export function conv2d(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64): void {
  correlate(h, w, img, ksize, kernel, out, false);
}

export function conv2dAdjoint(h: number, w: number, img: F64, ksize: number, kernel: F64, out: F64): void {
  correlate(h, w, img, ksize, kernel, out, true);
}
