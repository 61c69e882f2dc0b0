/**
 * @module z-scoring of designs and scores (specs/root.md §1.2): per-dimension offline mean and population standard
 * deviation (std 0 → 1, so a constant column stays constant); scores use the same rule (constant y is rejected at the
 * schema). `unzscore` is the exact inverse map used to de-normalise candidates.
 */

export interface ColumnStats {
  mean: Float64Array;
  std: Float64Array;
}

/** Column means and population stds of X[n×d]; std 0 → 1. */
export function columnStats(n: number, d: number, X: Float64Array): ColumnStats {
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += X[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const r = X[i * d + j] - mean[j];
      std[j] += r * r;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = s > 0 ? s : 1;
  }
  return { mean, std };
}

/** out = (X − mean)/std row-wise (out may alias X). */
export function zscore(n: number, d: number, X: Float64Array, stats: ColumnStats, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (X[i * d + j] - stats.mean[j]) / stats.std[j];
  return out;
}

/** out = Z·std + mean row-wise (out may alias Z). */
export function unzscore(n: number, d: number, Z: Float64Array, stats: ColumnStats, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = Z[i * d + j] * stats.std[j] + stats.mean[j];
  return out;
}

/** Mean and population std of a vector (std 0 → 1). */
export function scalarStats(y: ArrayLike<number>): { mean: number; std: number } {
  const n = y.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += y[i];
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - m) * (y[i] - m);
  const s = Math.sqrt(v / n);
  return { mean: m, std: s > 0 ? s : 1 };
}

/** NumPy's default ("linear") percentile q ∈ [0, 100] of values. */
export function percentileLinear(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  const pos = (q / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

/** Percentile with "higher" interpolation (Design-Bench, §1.7): sorted ascending, index ⌈q·(Q − 1)⌉, q ∈ [0, 1]. */
export function percentileHigher(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  return s[Math.ceil(q * (s.length - 1) - 1e-12)];
}
