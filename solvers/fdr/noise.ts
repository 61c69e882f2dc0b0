/**
 * @module Noise-variance estimators of specs/fdr.md §1.9, all on [0,1]-scaled y: `nn-difference` (per sample,
 * MAD of y_i − y_nn(i) over normalised X, /2), `second-difference` (per cell, MAD of the discrete second
 * differences along every axis, /6) and `wavelet-mad` (reference, per cell: one-level Haar detail coefficients of
 * the even-cropped grid in all 2^d − 1 orientations, (MAD/0.6745)²).
 */
import type { Gridded } from './gridding.js';

export function median(a: Float64Array): number {
  const s = a.slice().sort();
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Median absolute deviation about the median. */
export function mad(a: Float64Array): number {
  const m = median(a);
  const dev = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) dev[i] = Math.abs(a[i] - m);
  return median(dev);
}

/** Per-sample σ² from nearest-neighbour differences (samples problems). */
export function nnDifferenceVariance(g: Gridded): number {
  const s = g.samples;
  if (!s) throw new Error('nn-difference needs samples');
  const D = new Float64Array(s.n);
  const q = new Float64Array(g.d);
  for (let i = 0; i < s.n; i++) {
    for (let j = 0; j < g.d; j++) q[j] = s.xn[i * g.d + j];
    const k = s.index.nearest(q, i);
    D[i] = s.y01[i] - s.y01[k];
  }
  const sd = 1.4826 * mad(D);
  return (sd * sd) / 2;
}

/** Per-cell σ² from second differences over interior cells of every axis. */
export function secondDifferenceVariance(f: Float64Array, shape: number[]): number {
  const d = shape.length;
  const N = f.length;
  const st = new Array<number>(d);
  let s = 1;
  for (let j = d - 1; j >= 0; j--) {
    st[j] = s;
    s *= shape[j];
  }
  const vals: number[] = [];
  for (let x = 0; x < N; x++) {
    for (let j = 0; j < d; j++) {
      const i = Math.floor(x / st[j]) % shape[j];
      if (i > 0 && i < shape[j] - 1) vals.push(f[x - st[j]] - 2 * f[x] + f[x + st[j]]);
    }
  }
  if (vals.length === 0) throw new Error('second-difference needs at least 3 cells along some axis');
  const sd = 1.4826 * mad(Float64Array.from(vals));
  return (sd * sd) / 6;
}

/** Per-cell σ² from one-level Haar (db1) detail coefficients, grid cropped to even size per axis. */
export function waveletMadVariance(f: Float64Array, shape: number[]): number {
  const d = shape.length;
  const st = new Array<number>(d);
  let s = 1;
  for (let j = d - 1; j >= 0; j--) {
    st[j] = s;
    s *= shape[j];
  }
  const half = shape.map((n) => Math.floor(n / 2));
  const blocks = half.reduce((a, b) => a * b, 1);
  const corners = 1 << d;
  const norm = 2 ** (d / 2);
  const vals = new Float64Array(blocks * (corners - 1));
  let w = 0;
  const bi = new Array<number>(d);
  for (let b = 0; b < blocks; b++) {
    let rem = b;
    for (let j = d - 1; j >= 0; j--) {
      bi[j] = rem % half[j];
      rem = Math.floor(rem / half[j]);
    }
    for (let mask = 1; mask < corners; mask++) {
      let acc = 0;
      for (let c = 0; c < corners; c++) {
        let x = 0;
        let sign = 1;
        for (let j = 0; j < d; j++) {
          const bit = (c >> j) & 1;
          x += (2 * bi[j] + bit) * st[j];
          if (bit && (mask >> j) & 1) sign = -sign;
        }
        acc += sign * f[x];
      }
      vals[w++] = acc / norm;
    }
  }
  const sd = mad(vals) / 0.6745;
  return sd * sd;
}
