/**
 * @module Low/high pairs by gradient walks on one synthetic function (specs/root.md §1.4, PAPER Eq. 12–14):
 * copies x⁺ = x⁻ = x0 of the start rows take M fixed steps x⁺ ← x⁺ + η∇g(x⁺), x⁻ ← x⁻ − η∇g(x⁻) (both in one
 * gradient call); labels y± = g(x±); a pair is kept iff y⁺ − y⁻ > threshold. Kept pairs stay in start order.
 */
import type { GpMean } from './gp.js';

export interface PairSet {
  count: number;
  d: number;
  xHigh: Float64Array;
  xLow: Float64Array;
  yHigh: Float64Array;
  yLow: Float64Array;
}

export interface WalkBuffers {
  walkers: Float64Array;
  grads: Float64Array;
  labels: Float64Array;
}

export function walkBuffers(maxStarts: number, d: number): WalkBuffers {
  return { walkers: new Float64Array(2 * maxStarts * d), grads: new Float64Array(2 * maxStarts * d), labels: new Float64Array(2 * maxStarts) };
}

/**
 * Walks P start rows (indices `starts` into X[·×d]) up and down g for `steps` steps of size `eta`; returns the kept
 * pairs, or undefined when `aborted()` became true between steps; `pause` is awaited between steps.
 */
export async function walkPairs(
  gp: GpMean,
  X: Float64Array,
  starts: ArrayLike<number>,
  P: number,
  steps: number,
  eta: number,
  threshold: number,
  buf: WalkBuffers,
  aborted: () => boolean,
  pause?: () => Promise<void>,
): Promise<PairSet | undefined> {
  const d = gp.d;
  const W = buf.walkers.subarray(0, 2 * P * d);
  const G = buf.grads.subarray(0, 2 * P * d);
  for (let p = 0; p < P; p++) {
    const src = starts[p] * d;
    for (let j = 0; j < d; j++) {
      W[p * d + j] = X[src + j];
      W[(P + p) * d + j] = X[src + j];
    }
  }
  const half = P * d;
  for (let s = 0; s < steps; s++) {
    if (pause) await pause();
    if (aborted()) return undefined;
    gp.gradient(2 * P, W, G);
    for (let k = 0; k < half; k++) {
      W[k] += eta * G[k];
      W[half + k] -= eta * G[half + k];
    }
  }
  const labels = buf.labels.subarray(0, 2 * P);
  gp.predict(2 * P, W, labels);
  let count = 0;
  for (let p = 0; p < P; p++) if (labels[p] - labels[P + p] > threshold) count++;
  const out: PairSet = { count, d, xHigh: new Float64Array(count * d), xLow: new Float64Array(count * d), yHigh: new Float64Array(count), yLow: new Float64Array(count) };
  let c = 0;
  for (let p = 0; p < P; p++) {
    if (!(labels[p] - labels[P + p] > threshold)) continue;
    out.xHigh.set(W.subarray(p * d, (p + 1) * d), c * d);
    out.xLow.set(W.subarray((P + p) * d, (P + p + 1) * d), c * d);
    out.yHigh[c] = labels[p];
    out.yLow[c] = labels[P + p];
    c++;
  }
  return out;
}
