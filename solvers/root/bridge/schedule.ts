/**
 * @module Brownian-bridge schedule of BBDM as released with ROOT (specs/root.md §1.5–1.6, Decisions D6/D11):
 * T = 1000, m_t = linspace(0.001, 0.999, 1000)[t], δ_t = 2(m_t − m_t²)·max_var; forward marginal
 * x_t = (1 − m_t)x_high + m_t x_low + √δ_t ε; skip list s_k = ⌊999(S − 2 − k)/(S − 2)⌋ (exact integers), then 1, 0;
 * sampler coefficients s² = (δ_t − δ_n(1 − m_t)²/(1 − m_n)²)·δ_n/δ_t and c = √((δ_n − s²)/δ_t).
 */
export const BRIDGE_STEPS = 1000;
const M_MIN = 0.001;
const M_MAX = 0.999;
const MAX_VAR = 1;

/** m_t for t = 0..999 (NumPy linspace: start + t·step, last entry exactly the stop value). */
export function bridgeM(t: number): number {
  if (t === BRIDGE_STEPS - 1) return M_MAX;
  return M_MIN + t * ((M_MAX - M_MIN) / (BRIDGE_STEPS - 1));
}

/** δ_t = 2(m_t − m_t²)·max_var. */
export function bridgeVariance(t: number): number {
  const m = bridgeM(t);
  return 2 * (m - m * m) * MAX_VAR;
}

export interface Schedule {
  m: Float64Array;
  variance: Float64Array;
  sqrtVariance: Float64Array;
}

export function makeSchedule(): Schedule {
  const m = new Float64Array(BRIDGE_STEPS);
  const variance = new Float64Array(BRIDGE_STEPS);
  const sqrtVariance = new Float64Array(BRIDGE_STEPS);
  for (let t = 0; t < BRIDGE_STEPS; t++) {
    m[t] = bridgeM(t);
    variance[t] = bridgeVariance(t);
    sqrtVariance[t] = Math.sqrt(variance[t]);
  }
  return { m, variance, sqrtVariance };
}

/** The skip list of S entries: ⌊999·(S−2−k)/(S−2)⌋ for k = 0..S−3 (integer arithmetic), then 1, 0. */
export function skipList(S: number): Int32Array {
  const out = new Int32Array(S);
  const top = BRIDGE_STEPS - 1;
  for (let k = 0; k <= S - 3; k++) out[k] = Math.floor((top * (S - 2 - k)) / (S - 2));
  out[S - 2] = 1;
  out[S - 1] = 0;
  return out;
}

/** Sampler coefficients for a step t → n: the noise variance s² and the coefficient c of the residual term. */
export function stepCoefficients(t: number, n: number): { s2: number; c: number } {
  const dt = bridgeVariance(t);
  const dn = bridgeVariance(n);
  const mt = bridgeM(t);
  const mn = bridgeM(n);
  const r = (1 - mt) / (1 - mn);
  let s2 = (dt - dn * r * r) * (dn / dt);
  if (t === n) s2 = 0;
  return { s2, c: Math.sqrt(Math.max(0, dn - s2) / dt) };
}

/** Forward marginal q(x_t | x_high, x_low) for one row: writes x_t into out and returns nothing. */
export function qSample(d: number, m: number, sqrtVar: number, xHigh: Float64Array, xLow: Float64Array, eps: Float64Array, out: Float64Array): void {
  for (let j = 0; j < d; j++) out[j] = (1 - m) * xHigh[j] + m * xLow[j] + sqrtVar * eps[j];
}
