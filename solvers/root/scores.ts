/**
 * @module Benchmark scoring (specs/root.md §1.7, D14): normalised score (y − y_min)/(y_max − y_min), percentiles with
 * "higher" interpolation (index ⌈q(Q − 1)⌉ of the ascending sort), mean, and the share of candidates whose raw true
 * score is strictly above the offline best.
 */
import { percentileHigher } from './normalise.js';

export interface ScoreStats {
  p100: number;
  p80: number;
  p50: number;
  mean: number;
  fractionAboveOfflineBest: number;
}

export function normalisedScores(raw: Float64Array, yMin: number, yMax: number): Float64Array {
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i] - yMin) / (yMax - yMin);
  return out;
}

export function scoreStats(raw: Float64Array, yMin: number, yMax: number, offlineBest: number): ScoreStats {
  const z = normalisedScores(raw, yMin, yMax);
  let s = 0;
  let above = 0;
  for (let i = 0; i < raw.length; i++) {
    s += z[i];
    if (raw[i] > offlineBest) above++;
  }
  return {
    p100: percentileHigher(z, 1),
    p80: percentileHigher(z, 0.8),
    p50: percentileHigher(z, 0.5),
    mean: s / raw.length,
    fractionAboveOfflineBest: above / raw.length,
  };
}

/** Random-128 baseline on TF-Bind-8 (measured, specs/root.md §4). */
export const TFBIND8_RANDOM128 = { p100: 0.947, p100Std: 0.037, p50: 0.442, p50Std: 0.024, seeds: 8 } as const;
