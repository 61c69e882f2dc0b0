/**
 * Spec §6 property invariants (V6), fast-check over random small quadratic and TV problems: ε, δ, α positive
 * and finite; ε shrinks only by ν (descent test, failed attempt) and grows by ν̄ only after an accepted step;
 * every accepted step satisfies ψ ≤ 0 and ω ≤ (1 − η)‖z‖; accepted α = α_start·ρ^i ≤ ρ̄^k·α₀; the exact f is
 * non-increasing over accepted steps (quadratic); cost counters monotone; same spec + seed ⇒ identical result.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMaid } from '../../../solvers/bilevel/maid.js';
import { syntheticImages } from '../../../solvers/bilevel/problems/images.js';
import { quadraticClosedForm } from '../../../solvers/bilevel/problems/quadratic.js';
import { createTvModel } from '../../../solvers/bilevel/problems/tv.js';
import { createRng } from '../../../solvers/core/rng.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import type { RunOutcome } from '../../../solvers/bilevel/maid.js';
import { engineFor, maidDefaults, smallQuadratic } from './fixtures.js';

const K = await createKernels('cpu');

function checkTrace(out: RunOutcome, s: typeof maidDefaults): void {
  for (const a of out.accuracyLog) {
    expect(a.eps).toBeGreaterThan(0);
    expect(a.delta).toBeGreaterThan(0);
    expect(Number.isFinite(a.eps) && Number.isFinite(a.delta)).toBe(true);
  }
  for (let i = 1; i < out.accuracyLog.length; i++) {
    const prev = out.accuracyLog[i - 1];
    const cur = out.accuracyLog[i];
    const want = cur.why === 'accepted' ? prev.eps * s.nuBar : Math.max(prev.eps * s.nu, s.epsMin);
    expect(Math.abs(cur.eps - want)).toBeLessThanOrEqual(1e-15 * want);
  }
  for (const st of out.steps) {
    expect(st.psi).toBeLessThanOrEqual(0);
    if (s.descentTest) expect(st.omega).toBeLessThanOrEqual((1 - s.eta) * st.zNorm);
    const a0 = s.alpha0 as number;
    expect(Math.abs(st.alpha - st.alphaStart * s.rho ** st.backtracks)).toBeLessThanOrEqual(1e-12 * st.alphaStart);
    expect(st.alpha).toBeLessThanOrEqual(s.rhoBar ** st.iteration * a0 * (1 + 1e-12));
  }
  for (const h of out.history) {
    expect(h.alpha).toBeGreaterThan(0);
    expect(Number.isFinite(h.alpha)).toBe(true);
  }
  for (let i = 1; i < out.history.length; i++) expect(out.history[i].cost).toBeGreaterThanOrEqual(out.history[i - 1].cost);
}

describe('MAID invariants (V6)', () => {
  it('quadratic: trace invariants and exact f non-increasing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(1e-1, 1e-3),
        fc.constantFrom(1e-3, 1e-2, 1),
        fc.constantFrom<'maid' | 'fixed-accuracy'>('maid', 'fixed-accuracy'),
        async (seed, eps0, alpha0, method) => {
          const d = smallQuadratic(seed, 20, 4, 3);
          const cf = quadraticClosedForm(d, K);
          const s = { ...maidDefaults, method, eps0, delta0: eps0, alpha0, maxIterations: 15, nuBar: 1.25, maxBacktracks: method === 'maid' ? 10 : 5 };
          const out = await runMaid(engineFor(cf.model, method === 'maid' ? 'estimated' : 'off', seed), { ...s, descentTest: method === 'maid' }, () => {});
          checkTrace(out, s);
          if (method === 'fixed-accuracy') expect(out.accuracyLog.length).toBe(1);
          let prev = cf.f(cf.model.theta0);
          for (const st of out.steps) {
            const f = cf.f(Float64Array.from(st.theta));
            expect(f).toBeLessThanOrEqual(prev - s.lambda * st.alpha * st.zNorm ** 2 + 1e-9 * Math.max(1, prev));
            prev = f;
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('TV: trace invariants and the certified loss never increases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), async (seed) => {
        const data = syntheticImages(2, 8, 8, 0.1, createRng(seed), false);
        const m = createTvModel(data, K);
        const s = { ...maidDefaults, maxIterations: 8 };
        const out = await runMaid(engineFor(m, 'estimated', seed), s, () => {});
        checkTrace(out, s);
        for (let i = 1; i < out.steps.length; i++) expect(out.steps[i].up).toBeLessThanOrEqual(out.steps[i - 1].up + 1e-12);
      }),
      { numRuns: 6 },
    );
  });
});
