/**
 * @module Gridding (specs/fdr.md §1.7): scattered samples in 1–3 dimensions are normalised (per-axis to [0,1], or
 * isotropic by the largest range), binned into exactly n_j cells per axis (D8), averaged per cell (count and mean X
 * kept), empty cells filled with the y of the nearest sample (D7), then f is scaled to [0,1] by the raw y range.
 * Grid problems are taken as given (count 1 per cell). Also fixes the spacing h_j of §1.2 (D6).
 */
import { fdrGridShape, type FdrOptions, type FdrProblem } from '../../shared/spec/fdr.js';
import type { FdrVariant } from './lifted.js';
import { BucketIndex } from './nearest.js';

export interface Gridded {
  shape: number[];
  N: number;
  d: number;
  /** Cell values scaled to [0,1]: (mean − yMin)/yRange. */
  f: Float64Array;
  counts: Int32Array;
  /** Location per cell (N·d, X units): mean X of its samples, the cell centre when empty. */
  cellX: Float64Array;
  lower: number[];
  upper: number[];
  /** Spacing per axis used by the lifted operators. */
  h: number[];
  yMin: number;
  yRange: number;
  /** Samples only: normalised coordinates (n·d), y scaled to [0,1], and the cell of each sample. */
  samples?: { n: number; xn: Float64Array; y01: Float64Array; cell: Int32Array; ext: number[]; index: BucketIndex };
}

function strides(shape: number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    st[j] = s;
    s *= shape[j];
  }
  return st;
}

export function spacing(shape: number[], variant: FdrVariant, normalize: FdrOptions['normalize'], isSamples: boolean): number[] {
  if (variant === 'reference') return shape.map(() => 1 / shape[0]);
  if (normalize === 'isotropic' && isSamples) {
    const nmax = Math.max(...shape);
    return shape.map(() => 1 / nmax);
  }
  return shape.map((n) => 1 / n);
}

export function gridProblem(problem: FdrProblem, options: Pick<FdrOptions, 'resolution' | 'normalize' | 'variant'>): Gridded {
  if (problem.kind === 'grid') {
    const shape = problem.values.shape.slice();
    const d = shape.length;
    const N = shape.reduce((a, b) => a * b, 1);
    const st = strides(shape);
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const v of problem.values.data) {
      if (v < yMin) yMin = v;
      if (v > yMax) yMax = v;
    }
    const yRange = yMax - yMin;
    const f = new Float64Array(N);
    for (let x = 0; x < N; x++) f[x] = yRange > 0 ? (problem.values.data[x] - yMin) / yRange : 0;
    const cellX = new Float64Array(N * d);
    for (let x = 0; x < N; x++) for (let j = 0; j < d; j++) cellX[x * d + j] = (Math.floor(x / st[j]) % shape[j]) + 0.5;
    return {
      shape,
      N,
      d,
      f,
      counts: new Int32Array(N).fill(1),
      cellX,
      lower: shape.map(() => 0),
      upper: shape.slice(),
      h: spacing(shape, options.variant, options.normalize, false),
      yMin,
      yRange,
    };
  }
  const [n, d] = problem.X.shape;
  const X = problem.X.data;
  const y = problem.y;
  const min = new Array<number>(d).fill(Infinity);
  const max = new Array<number>(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = X[i * d + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  const ranges = min.map((m, j) => max[j] - m);
  const rmax = Math.max(...ranges);
  const shape = fdrGridShape(problem, options, ranges);
  const N = shape.reduce((a, b) => a * b, 1);
  const st = strides(shape);
  const iso = options.normalize === 'isotropic';
  // normalised coordinates and cell widths in them
  const ext = iso ? ranges.map((r) => r / rmax) : ranges.map(() => 1);
  // isotropic: common h = 1/base with base = cells along the longest axis (n_j = ⌈ext_j·base⌉)
  const width = shape.map((s) => 1 / s);
  if (iso) width.fill(1 / shape[ranges.indexOf(rmax)]);
  const xn = new Float64Array(n * d);
  const cell = new Int32Array(n);
  const counts = new Int32Array(N);
  const sumY = new Float64Array(N);
  const sumX = new Float64Array(N * d);
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < d; j++) {
      const t = iso ? (X[i * d + j] - min[j]) / rmax : (X[i * d + j] - min[j]) / ranges[j];
      xn[i * d + j] = t;
      let k = Math.floor(t / width[j]);
      if (k > shape[j] - 1) k = shape[j] - 1;
      if (k < 0) k = 0;
      c += k * st[j];
    }
    cell[i] = c;
    counts[c]++;
    sumY[c] += y[i];
    for (let j = 0; j < d; j++) sumX[c * d + j] += X[i * d + j];
    if (y[i] < yMin) yMin = y[i];
    if (y[i] > yMax) yMax = y[i];
  }
  const yRange = yMax - yMin;
  const lower = min.slice();
  const upper = min.map((m, j) => (iso ? m + shape[j] * width[j] * rmax : max[j]));
  const index = new BucketIndex(xn, n, d, ext);
  const f = new Float64Array(N);
  const cellX = new Float64Array(N * d);
  const q = new Float64Array(d);
  const y01 = new Float64Array(n);
  for (let i = 0; i < n; i++) y01[i] = yRange > 0 ? (y[i] - yMin) / yRange : 0;
  for (let x = 0; x < N; x++) {
    if (counts[x] > 0) {
      f[x] = sumY[x] / counts[x];
      for (let j = 0; j < d; j++) cellX[x * d + j] = sumX[x * d + j] / counts[x];
      continue;
    }
    for (let j = 0; j < d; j++) {
      const i = Math.floor(x / st[j]) % shape[j];
      const centre = (i + 0.5) * width[j];
      q[j] = options.variant === 'reference' ? (i - 0.5) * width[j] : centre;
      cellX[x * d + j] = lower[j] + ((i + 0.5) * (upper[j] - lower[j])) / shape[j];
    }
    const nearest = index.nearest(q);
    f[x] = y[nearest];
  }
  for (let x = 0; x < N; x++) f[x] = yRange > 0 ? (f[x] - yMin) / yRange : 0;
  return {
    shape,
    N,
    d,
    f,
    counts,
    cellX,
    lower,
    upper,
    h: spacing(shape, options.variant, options.normalize, true),
    yMin,
    yRange,
    samples: { n, xn, y01, cell, ext, index },
  };
}
