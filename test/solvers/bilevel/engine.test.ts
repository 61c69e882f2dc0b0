/**
 * Spec §6.4–§6.5 (V4, V5): ω arithmetic (monotone in ε and δ, the quadratic form when L_J = L_H⁻¹ = 0, zero at
 * ε = δ = 0); the certificate ‖x − x̂‖ ≤ ‖∇ₓh(x)‖/μ on random SPD quadratics (equality when isotropic); the point
 * returned by the lower solver (FISTA and GD) is within ε of x̂; CG meets its absolute residual.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { omegaBound } from '../../../solvers/bilevel/engine.js';
import { createQuadraticModel, quadraticClosedForm } from '../../../solvers/bilevel/problems/quadratic.js';
import { createRng } from '../../../solvers/core/rng.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { engineFor, smallQuadratic } from './fixtures.js';

const K = await createKernels('cpu');
const nrm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
const pos = fc.double({ min: 1e-6, max: 1e3, noNaN: true });
const nonneg = fc.double({ min: 0, max: 1e3, noNaN: true });

describe('ω arithmetic (V4)', () => {
  it('is monotone non-decreasing in ε and δ', () => {
    fc.assert(
      fc.property(pos, pos, pos, nonneg, nonneg, nonneg, nonneg, nonneg, pos, pos, (mu, Lg, jNorm, LJ, LHinv, gNorm, e1, d1, de, dd) => {
        const base = { mu, Lg, jNorm, LJ, LHinv, gNorm };
        const a = omegaBound({ ...base, eps: e1, delta: d1 });
        expect(omegaBound({ ...base, eps: e1 + de, delta: d1 })).toBeGreaterThanOrEqual(a);
        expect(omegaBound({ ...base, eps: e1, delta: d1 + dd })).toBeGreaterThanOrEqual(a);
      }),
    );
  });

  it('equals (L_g‖J‖ε + ‖J‖δ)/μ when L_J = L_H⁻¹ = 0, and 0 at ε = δ = 0', () => {
    fc.assert(
      fc.property(pos, pos, pos, nonneg, nonneg, nonneg, (mu, Lg, jNorm, gNorm, eps, delta) => {
        const w = omegaBound({ mu, Lg, jNorm, LJ: 0, LHinv: 0, gNorm, eps, delta });
        const want = (Lg * jNorm * eps + jNorm * delta) / mu;
        expect(Math.abs(w - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, want));
        expect(omegaBound({ mu, Lg, jNorm, LJ: 1, LHinv: 1, gNorm, eps: 0, delta: 0 })).toBe(0);
      }),
    );
  });
});

describe('certificate (V5)', () => {
  it('‖x − x̂‖ ≤ ‖∇ₓh(x)‖/μ on random SPD quadratics, with equality when isotropic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.boolean(), (seed, iso) => {
        const d = smallQuadratic(seed, 12, 4, 3);
        if (iso) {
          d.A2 = new Float64Array(12 * 4);
          for (let i = 0; i < 4; i++) d.A2[i * 4 + i] = 1.7;
        }
        const cf = quadraticClosedForm(d, K);
        const m = cf.model;
        const rng = createRng(seed);
        const theta = rng.fillNormal(new Float64Array(3));
        const xh = cf.xhat(theta);
        const x = rng.fillNormal(new Float64Array(4));
        const g = new Float64Array(4);
        m.gradLower(x, theta, g);
        const dist = nrm(x.map((v, i) => v - xh[i]));
        const bound = nrm(g) / m.mu(theta);
        expect(dist).toBeLessThanOrEqual(bound * (1 + 1e-10));
        if (iso) expect(Math.abs(dist - bound)).toBeLessThanOrEqual(1e-10 * bound);
      }),
      { numRuns: 60 },
    );
  });

  it('the lower solver (FISTA and GD) returns a point within ε of x̂', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), fc.constantFrom(1e-1, 1e-3, 1e-6, 1e-9), fc.constantFrom('fista' as const, 'gd' as const), async (seed, eps, solver) => {
        const d = smallQuadratic(seed, 30, 6, 2);
        const cf = quadraticClosedForm(d, K);
        const theta = createRng(seed + 1).fillNormal(new Float64Array(2));
        const xh = cf.xhat(theta);
        const e = engineFor(cf.model);
        (e.opts as { lowerSolver: string }).lowerSolver = solver;
        const x = new Float64Array(6);
        const r = await e.lower(theta, x, eps, x);
        expect(r.certified).toBe(true);
        expect(nrm(x.map((v, i) => v - xh[i]))).toBeLessThanOrEqual(eps);
        expect(e.cost.lowerIterations).toBe(r.iterations);
      }),
      { numRuns: 40 },
    );
  });

  it('CG reaches ‖Hq − b‖ < δ and FISTA needs fewer gradients than GD on an ill-conditioned problem', async () => {
    const d = smallQuadratic(5, 40, 8, 2);
    for (let i = 0; i < 40; i++) d.A2[i * 8] *= 6;
    const m = createQuadraticModel(d, K);
    const e = engineFor(m);
    const b = createRng(3).fillNormal(new Float64Array(8));
    const q = new Float64Array(8);
    await e.cg(new Float64Array(8), new Float64Array(2), b, 1e-9, q);
    const Hq = new Float64Array(8);
    m.hvp(q, new Float64Array(2), q, Hq);
    expect(nrm(Hq.map((v, i) => v - b[i]))).toBeLessThan(1e-9);
    const run = async (solver: 'fista' | 'gd') => {
      const en = engineFor(m);
      (en.opts as { lowerSolver: string }).lowerSolver = solver;
      const x = new Float64Array(8);
      return (await en.lower(new Float64Array(2), x, 1e-8, x)).iterations;
    };
    expect(await run('fista')).toBeLessThan(await run('gd'));
  });
});
