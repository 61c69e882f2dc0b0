/**
 * @module Per-element projections in float64. Ball: v ← v·min(1, r/|v|) per vector (FDR §1.3, `corrected`).
 * Parabola (FDR §1.3, Pock et al. 2009): Euclidean projection of (x0, t0) onto {t ≥ a·|x|² − b}. The spec's closed
 * form is for a = 1/4; a general a > 0 maps to it by the uniform scaling (x, t) = κ·(x', t'), κ = 1/(4a), which
 * preserves Euclidean projections: project (x0/κ, t0/κ) onto {t' ≥ |x'|²/4 − b/κ}, then scale back by κ.
 */
import type { F64 } from '../ops.js';

export function projectBall(n: number, dim: number, r: number, v: F64): void {
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let s = 0;
    for (let c = 0; c < dim; c++) s += v[o + c] * v[o + c];
    if (s > r * r) {
      const f = r / Math.sqrt(s);
      for (let c = 0; c < dim; c++) v[o + c] *= f;
    }
  }
}

/**
 * For an infeasible point (x0, y0) and the parabola {y ≥ |x|²/4 − c}: given |x0| and y' = y0 + c, returns r ≥ 0
 * with the projection x = 2r·x0/|x0| (the spec's cubic, solved by Cardano or the trigonometric form).
 */
function parabolaRoot(normX0: number, yc: number): number {
  // Spec §1.3: y' = y0 + c, a = |x0|/2, b = (2/3)(1 − y'/2), D = a² + b³.
  const a = normX0 / 2;
  const b = (2 / 3) * (1 - yc / 2);
  let D: number;
  if (b < 0) {
    const nb = Math.sqrt(-b) * -b; // (−b)^{3/2}
    D = (a - nb) * (a + nb);
  } else D = a * a + b * b * b;
  if (D >= 0) {
    const w = Math.cbrt(a + Math.sqrt(D));
    return w === 0 ? 0 : w - b / w;
  }
  const nb = -b; // > 0 here since D < 0 needs b < 0
  const snb = Math.sqrt(nb);
  let arg = a / (snb * nb);
  if (arg > 1) arg = 1;
  else if (arg < -1) arg = -1;
  return 2 * snb * Math.cos(Math.acos(arg) / 3);
}

export function projectParabola(n: number, dim: number, a: number, x: F64, t: F64, b: F64): void {
  const kappa = 1 / (4 * a);
  const inv = 4 * a;
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let s = 0;
    for (let c = 0; c < dim; c++) s += x[o + c] * x[o + c];
    if (t[i] >= a * s - b[i]) continue;
    // Scaled problem: x' = x/κ, t' = t/κ, c' = b/κ, parabola t' ≥ |x'|²/4 − c'.
    const cs = b[i] * inv;
    const nx = Math.sqrt(s) * inv;
    const yc = t[i] * inv + cs;
    const r = parabolaRoot(nx, yc);
    if (nx === 0) {
      for (let c = 0; c < dim; c++) x[o + c] = 0;
      t[i] = -cs * kappa;
      continue;
    }
    // x' = 2r·x0'/|x0'| ⇒ x = κ·x' = 2rκ·x0/|x0|; t = κ(|x'|²/4 − c') = κ(r² − c').
    const f = (2 * r * kappa) / Math.sqrt(s);
    for (let c = 0; c < dim; c++) x[o + c] *= f;
    t[i] = kappa * (r * r - cs);
  }
}
