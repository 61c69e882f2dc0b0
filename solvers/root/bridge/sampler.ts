/**
 * @module BBDM skip sampler with classifier-free guidance (specs/root.md §1.6, Decisions D1/D11): from x = x_T, for
 * t = s_i: r̂ = (1 + w)·f(x, t, cond) − w·f(x, t, 0, 0), x̂0 = x − r̂; at t = 0 return x̂0; else with n = s_{i+1}
 * x ← (1 − m_n)x̂0 + m_n x_T + c·(x − (1 − m_t)x̂0 − m_t x_T) + η·√s²·z (the code's formula, η scales only the noise;
 * no clipping). The conditional slots are filled by the caller (D1 swap for `reference`).
 */
import type { Rng } from '../../core/rng.js';
import { bridgeM, skipList, stepCoefficients } from './schedule.js';

/** A denoiser call: writes f(x, t, yHigh_i, yLow_i) for Q rows of x[Q×d] into out[Q×d]. */
export type Denoiser = (Q: number, x: Float64Array, t: number, yHigh: Float64Array, yLow: Float64Array, out: Float64Array) => void;

export interface SamplerOptions {
  steps: number;
  eta: number;
  guidance: number;
  rng: Rng;
  /** Checked between steps; when true the sampler stops and returns undefined. */
  aborted?: () => boolean;
  onStep?: (i: number, t: number) => void;
  /** Awaited between steps (event-loop yields, see pause.ts). */
  pause?: () => Promise<void>;
}

/**
 * Translates Q rows of xT[Q×d] with conditions (yHigh, yLow); resolves to x̂0 of the final step (a new array), or
 * undefined when aborted.
 */
export async function sampleBridge(
  Q: number,
  d: number,
  xT: Float64Array,
  yHigh: Float64Array,
  yLow: Float64Array,
  f: Denoiser,
  opts: SamplerOptions,
): Promise<Float64Array | undefined> {
  const list = skipList(opts.steps);
  const n = Q * d;
  const x = Float64Array.from(xT.subarray(0, n));
  const x0 = new Float64Array(n);
  const rc = new Float64Array(n);
  const rn = opts.guidance !== 0 ? new Float64Array(n) : undefined;
  const zeros = new Float64Array(Q);
  const w = opts.guidance;
  for (let i = 0; i < list.length; i++) {
    if (opts.pause) await opts.pause();
    if (opts.aborted?.()) return undefined;
    const t = list[i];
    opts.onStep?.(i, t);
    f(Q, x, t, yHigh, yLow, rc);
    if (rn) {
      f(Q, x, t, zeros, zeros, rn);
      for (let k = 0; k < n; k++) x0[k] = x[k] - ((1 + w) * rc[k] - w * rn[k]);
    } else {
      for (let k = 0; k < n; k++) x0[k] = x[k] - rc[k];
    }
    if (t === 0 || i === list.length - 1) return x0;
    const next = list[i + 1];
    const mt = bridgeM(t);
    const mn = bridgeM(next);
    const { s2, c } = stepCoefficients(t, next);
    const noise = opts.eta * Math.sqrt(s2);
    for (let k = 0; k < n; k++) {
      const mean = (1 - mn) * x0[k] + mn * xT[k] + c * (x[k] - (1 - mt) * x0[k] - mt * xT[k]);
      x[k] = noise > 0 ? mean + noise * opts.rng.normal() : mean;
    }
  }
  return x0;
}
