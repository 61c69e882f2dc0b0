/**
 * @module Resolution of presets and `auto` options (specs/root.md "Options", Decisions D2–D4): ℓ0, σ²0, η, gpRows,
 * guidance, clipped counts. `lengthscale: auto` = median of the non-zero pairwise Euclidean distances among
 * min(n, 2000) rows drawn without replacement (seeded) from the z-scored encoded X; 1 if all are 0; at least 0.5.
 */
import { SolverError, type RootOptions } from '../../shared/index.js';
import type { Rng } from '../core/rng.js';
import type { Dataset } from './dataset.js';

/** W_TUNED of the guidance protocol (D2): provisional 0 until the protocol's table is committed. */
export const W_TUNED = 0;
export const REFERENCE_GUIDANCE = -1.5;
export const GP_ROWS_AUTO = 15000;
/** Rows of the base GP (`predicted`, GA's surrogate) on the CPU backend: a 2,000-row Cholesky takes seconds there. */
export const BASE_GP_ROWS_CPU = 2000;
export const LENGTHSCALE_SAMPLE = 2000;

export interface ResolvedOptions extends Omit<RootOptions, 'lengthscale' | 'stepSize' | 'outputscale' | 'gpRows' | 'guidance'> {
  lengthscale: number;
  stepSize: number;
  outputscale: number;
  gpRows: number;
  guidance: number;
  /** Whether the GP rows are a fresh subset every epoch (gpRows < n). */
  gpSubset: boolean;
  /** Rows of the base GP (`predicted`, GA surrogate): gpRows, capped on the CPU backend (set by the solve loop). */
  baseGpRows?: number;
}

/** Median heuristic on z-scored rows Z[n×d]. */
export function medianLengthscale(n: number, d: number, Z: Float64Array, rng: Rng): number {
  const m = Math.min(n, LENGTHSCALE_SAMPLE);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (m < n) {
    for (let i = 0; i < m; i++) {
      const j = i + rng.int(n - i);
      const t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
  }
  const dist = new Float64Array((m * (m - 1)) / 2);
  let k = 0;
  for (let a = 0; a < m; a++) {
    const ra = idx[a] * d;
    for (let b = a + 1; b < m; b++) {
      const rb = idx[b] * d;
      let s = 0;
      for (let j = 0; j < d; j++) {
        const df = Z[ra + j] - Z[rb + j];
        s += df * df;
      }
      if (s > 0) dist[k++] = Math.sqrt(s);
    }
  }
  if (k === 0) return 1;
  const s = dist.subarray(0, k).sort();
  const med = k % 2 === 1 ? s[(k - 1) / 2] : 0.5 * (s[k / 2 - 1] + s[k / 2]);
  return Math.max(med, 0.5);
}

export function resolveOptions(o: RootOptions, ds: Dataset, Z: Float64Array, lengthscaleRng: () => Rng): ResolvedOptions {
  const preset = ds.benchmark?.preset;
  let lengthscale: number;
  if (typeof o.lengthscale === 'number') lengthscale = o.lengthscale;
  else if (o.lengthscale === undefined && preset) lengthscale = preset.lengthscale;
  else lengthscale = medianLengthscale(ds.n, ds.d, Z, lengthscaleRng());
  const outputscale = o.outputscale ?? preset?.outputscale ?? 1.0;
  let stepSize: number;
  if (typeof o.stepSize === 'number') stepSize = o.stepSize;
  else if (o.stepSize === undefined && preset) stepSize = preset.stepSize;
  else stepSize = 0.001 * lengthscale * lengthscale;
  if (o.perturbation >= Math.min(lengthscale, outputscale)) {
    throw new SolverError(`perturbation ${o.perturbation} must be below min(lengthscale, outputscale) = ${Math.min(lengthscale, outputscale)}`);
  }
  const gpRows = Math.min(ds.n, o.gpRows === 'auto' ? GP_ROWS_AUTO : o.gpRows);
  const guidance = o.guidance ?? (o.variant === 'reference' ? REFERENCE_GUIDANCE : W_TUNED);
  const clip = o.method !== 'random';
  return {
    ...o,
    lengthscale,
    outputscale,
    stepSize,
    gpRows,
    gpSubset: gpRows < ds.n,
    guidance,
    candidates: clip ? Math.min(o.candidates, ds.n) : o.candidates,
    startPoints: Math.min(o.startPoints, ds.n),
    poolSize: Math.min(ds.n, Math.max(o.poolSize, o.startPoints)),
  };
}
