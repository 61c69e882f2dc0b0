/**
 * @module Baselines of the `root` solver (specs/root.md §2.3–2.4): `gradient-ascent` = the paper's "GA on GP", plain
 * steps x ← x + η∇g(x) from the top-Q offline rows on one GP with the base hyper-parameters; `random` = Q distinct
 * uniform token sequences (all C^L when C^L ≤ Q) or uniform points in the per-dimension [min, max] of the offline X.
 */
import type { Rng } from '../core/rng.js';
import type { Dataset } from './dataset.js';
import type { GpMean } from './gp.js';

/** Runs `steps` ascent steps on rows x[Q×d] in place; resolves to the steps done (fewer when aborted). */
export async function gradientAscent(
  gp: GpMean,
  Q: number,
  x: Float64Array,
  steps: number,
  eta: number,
  aborted: () => boolean,
  onStep?: (s: number) => void,
  pause?: () => Promise<void>,
): Promise<number> {
  const d = gp.d;
  const G = new Float64Array(Q * d);
  for (let s = 0; s < steps; s++) {
    if (pause) await pause();
    if (aborted()) return s;
    gp.gradient(Q, x, G);
    for (let k = 0; k < Q * d; k++) x[k] += eta * G[k];
    onStep?.(s + 1);
  }
  return steps;
}

/** Random designs in user units [Q'×width]; Q' = min(Q, C^L) for categorical data. */
export function randomDesigns(ds: Dataset, Q: number, rng: Rng): { count: number; designs: Float64Array } {
  const w = ds.width;
  if (ds.kind === 'categorical') {
    const total = ds.C ** w;
    if (total <= Q) {
      const designs = new Float64Array(total * w);
      for (let i = 0; i < total; i++) {
        let r = i;
        for (let p = w - 1; p >= 0; p--) {
          designs[i * w + p] = r % ds.C;
          r = Math.floor(r / ds.C);
        }
      }
      return { count: total, designs };
    }
    const designs = new Float64Array(Q * w);
    const seen = new Set<string>();
    let i = 0;
    const row = new Array<number>(w);
    while (i < Q) {
      for (let p = 0; p < w; p++) row[p] = rng.int(ds.C);
      const key = row.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      for (let p = 0; p < w; p++) designs[i * w + p] = row[p];
      i++;
    }
    return { count: Q, designs };
  }
  const lo = new Float64Array(w).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(w).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < ds.n; i++) {
    for (let j = 0; j < w; j++) {
      const v = ds.X[i * w + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const designs = new Float64Array(Q * w);
  for (let i = 0; i < Q; i++) for (let j = 0; j < w; j++) designs[i * w + j] = lo[j] + (hi[j] - lo[j]) * rng.next();
  return { count: Q, designs };
}
