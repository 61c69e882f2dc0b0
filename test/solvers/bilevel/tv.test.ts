/**
 * Spec §6.3 (V3): TV on a 1-D [1, 64] piecewise-constant signal with γ fixed: MAID lands within one grid cell (0.05)
 * of the grid minimiser of f over θ₀ ∈ [−8, 2] (lower level to 1e-10) and at loss ≤ grid-min + 1e-6·g(y).
 */
import { describe, expect, it } from 'vitest';
import { runMaid } from '../../../solvers/bilevel/maid.js';
import { syntheticImages } from '../../../solvers/bilevel/problems/images.js';
import { createTvModel } from '../../../solvers/bilevel/problems/tv.js';
import type { BilevelModel } from '../../../solvers/bilevel/problems/types.js';
import { createRng } from '../../../solvers/core/rng.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { engineFor, maidDefaults } from './fixtures.js';

const K = await createKernels('cpu');

/** The TV model with θ₁ (log γ) frozen: p = 1. */
function fixSmoothing(m: BilevelModel, logGamma: number, theta0: number): BilevelModel {
  const full = new Float64Array(2);
  const tmp = new Float64Array(2);
  const lift = (t: Float64Array) => {
    full[0] = t[0];
    full[1] = logGamma;
    return full;
  };
  return {
    ...m,
    p: 1,
    theta0: Float64Array.of(theta0),
    admissible: (t) => m.admissible(lift(t)),
    mu: (t) => m.mu(lift(t)),
    lipschitz: (t) => m.lipschitz(lift(t)),
    gradLower: (x, t, o) => m.gradLower(x, lift(t), o),
    hvp: (x, t, v, o) => m.hvp(x, lift(t), v, o),
    jtq: (x, t, q, o) => {
      m.jtq(x, lift(t), q, tmp);
      o[0] = tmp[0];
    },
    jv: (x, t, v, o) => m.jv(x, lift(t), Float64Array.of(v[0], 0), o),
    jNorm: (x, t, e) => {
      const col = new Float64Array(m.n);
      m.jv(x, lift(t), Float64Array.of(1, 0), col);
      e.products++;
      return Math.sqrt(col.reduce((s, v) => s + v * v, 0));
    },
    lowerValue: (x, t) => m.lowerValue(x, lift(t)),
    reference: (t) => m.reference(lift(t)),
  };
}

describe('TV 1-D grid (V3)', () => {
  it('MAID ends within one grid cell of the grid minimiser', async () => {
    const data = syntheticImages(2, 1, 64, 0.1, createRng(4), false);
    const logGamma = Math.log(0.01);
    const m = fixSmoothing(createTvModel(data, K), logGamma, -6);
    const e = engineFor(m, 'off');
    const x = new Float64Array(m.n);
    const f = async (t: number) => {
      await e.lower(Float64Array.of(t), x, 1e-10, x);
      return m.upper(x);
    };
    let best = Number.POSITIVE_INFINITY;
    let bestT = 0;
    for (let i = 0; i <= 200; i++) {
      const t = -8 + 0.05 * i;
      const v = await f(t);
      if (v < best) {
        best = v;
        bestT = t;
      }
    }
    expect(bestT).toBeGreaterThan(-8);
    expect(bestT).toBeLessThan(2);
    const out = await runMaid(engineFor(m), { ...maidDefaults, alpha0: 0.01, maxIterations: 150 }, () => {});
    const scale = m.upper(data.noisy);
    x.fill(0);
    const fMaid = await f(out.theta[0]);
    expect(Math.abs(out.theta[0] - bestT)).toBeLessThanOrEqual(0.05 + 1e-9);
    expect(fMaid).toBeLessThanOrEqual(best + 1e-6 * scale);
    // every accepted step decreased the exact f (paper variant certificate)
    expect(out.accepted).toBeGreaterThan(0);
  });
});
