/**
 * @module Prepared offline data (specs/root.md §1.2, D12): the seeded row shuffle, z-scored encoded designs X̃ and
 * scores ŷ, the stable top-k order (y descending, ties by position after the shuffle), and the GP training rows of
 * an epoch (all rows, or a fresh seeded subset of gpRows rows without replacement).
 */
import type { Rng } from '../core/rng.js';
import type { Dataset } from './dataset.js';
import { type ColumnStats, columnStats, scalarStats, zscore } from './normalise.js';

export interface Offline {
  n: number;
  d: number;
  /** perm[i] = row of the user's data at shuffled position i. */
  perm: Int32Array;
  /** z-scored encoded designs in shuffled order [n×d]. */
  Z: Float64Array;
  /** normalised scores in shuffled order. */
  yz: Float64Array;
  xStats: ColumnStats;
  yStats: { mean: number; std: number };
  /** Shuffled positions sorted by y descending, ties by position. */
  order: Int32Array;
  maxYz: number;
}

export function prepareOffline(ds: Dataset, shuffleRng: Rng): Offline {
  const { n, d } = ds;
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  shuffleRng.shuffle(perm);
  const raw = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    raw.set(ds.encoded.subarray(perm[i] * d, (perm[i] + 1) * d), i * d);
    y[i] = ds.y[perm[i]];
  }
  const xStats = columnStats(n, d, raw);
  const Z = zscore(n, d, raw, xStats, raw);
  const yStats = scalarStats(y);
  const yz = new Float64Array(n);
  let maxYz = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    yz[i] = (y[i] - yStats.mean) / yStats.std;
    if (yz[i] > maxYz) maxYz = yz[i];
  }
  const order = stableTopOrder(yz);
  return { n, d, perm, Z, yz, xStats, yStats, order, maxYz };
}

/** Indices sorted by value descending, ties by index ascending. */
export function stableTopOrder(v: Float64Array): Int32Array {
  const idx = Array.from({ length: v.length }, (_, i) => i);
  idx.sort((a, b) => (v[b] !== v[a] ? v[b] - v[a] : a - b));
  return Int32Array.from(idx);
}

export interface GpRows {
  n: number;
  X: Float64Array;
  y: Float64Array;
}

/** GP rows of an epoch: all rows when gpRows ≥ n, else the first gpRows of a seeded partial shuffle. */
export function gpRowsFor(off: Offline, gpRows: number, rng: () => Rng): GpRows {
  if (gpRows >= off.n) return { n: off.n, X: off.Z, y: off.yz };
  const r = rng();
  const idx = new Int32Array(off.n);
  for (let i = 0; i < off.n; i++) idx[i] = i;
  for (let i = 0; i < gpRows; i++) {
    const j = i + r.int(off.n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  const d = off.d;
  const X = new Float64Array(gpRows * d);
  const y = new Float64Array(gpRows);
  for (let i = 0; i < gpRows; i++) {
    X.set(off.Z.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
    y[i] = off.yz[idx[i]];
  }
  return { n: gpRows, X, y };
}
