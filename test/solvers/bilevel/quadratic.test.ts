/**
 * Spec §6.1–§6.2 (V1, V2): on the quadratic kind z → ∇f as ε, δ → 0; ω never under-estimates ‖z − ∇f‖ over
 * 12 seeds × 4 ε × 3 δ; MAID reaches a relative gap < 1e-3; the scalar ridge lands within 1e-4 of θ* and its IFT
 * hypergradient matches f′ to 1e-10.
 */
import { describe, expect, it } from 'vitest';
import { runMaid } from '../../../solvers/bilevel/maid.js';
import { createQuadraticModel, quadraticClosedForm } from '../../../solvers/bilevel/problems/quadratic.js';
import type { BilevelModel } from '../../../solvers/bilevel/problems/types.js';
import { createRng } from '../../../solvers/core/rng.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { extremeEigenvalues } from '../../../solvers/bilevel/sym-eig.js';
import { engineFor, maidDefaults, smallQuadratic } from './fixtures.js';

const K = await createKernels('cpu');
const nrm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

describe('quadratic closed form (V1)', () => {
  it('z → ∇f at ε = δ = 1e-12 (relative 1e-8)', async () => {
    const d = smallQuadratic(1);
    const cf = quadraticClosedForm(d, K);
    const m = cf.model;
    const theta = createRng(2).fillNormal(new Float64Array(5));
    const e = engineFor(m);
    const x = new Float64Array(5);
    await e.lower(theta, x, 1e-12, x);
    const z = new Float64Array(5);
    await e.hypergradient(x, theta, 1e-12, 1e-12, new Float64Array(5), z, new Float64Array(5));
    const g = cf.grad(theta);
    expect(nrm(z.map((v, i) => v - g[i])) / nrm(g)).toBeLessThan(1e-8);
  });

  it('ω ≥ ‖z − ∇f‖ on 144 configurations (12 seeds × ε × δ)', async () => {
    let worst = Number.POSITIVE_INFINITY;
    for (let seed = 0; seed < 12; seed++) {
      const d = smallQuadratic(100 + seed);
      const cf = quadraticClosedForm(d, K);
      const m = cf.model;
      const theta = createRng(seed).fillNormal(new Float64Array(5));
      const g = cf.grad(theta);
      for (const eps of [1e-1, 1e-2, 1e-3, 1e-4]) {
        for (const delta of [1e-1, 1e-2, 1e-3]) {
          const e = engineFor(m, 'estimated', seed);
          const x = new Float64Array(5);
          await e.lower(theta, x, eps, x);
          const z = new Float64Array(5);
          const hg = await e.hypergradient(x, theta, eps, delta, new Float64Array(5), z, new Float64Array(5));
          const err = nrm(z.map((v, i) => v - g[i]));
          expect(hg.omega).toBeGreaterThanOrEqual(err);
          worst = Math.min(worst, hg.omega / Math.max(err, 1e-300));
        }
      }
    }
    expect(worst).toBeGreaterThanOrEqual(1);
  });

  it('MAID (α₀ = 1/L_f, ρ̄ = 1.5, ν̄ = 1.1, η = 0.5, λ = 0.1, 40 its) reaches relative gap < 1e-3', async () => {
    const d = smallQuadratic(7);
    const cf = quadraticClosedForm(d, K);
    const ts = cf.thetaStar();
    const fStar = cf.f(ts);
    // L_f = λ_max(MᵀM): estimate from the Hessian of f by differences of the exact gradient (f is quadratic in θ).
    const Hf = new Float64Array(25);
    const g0 = cf.grad(new Float64Array(5));
    for (let j = 0; j < 5; j++) {
      const e = new Float64Array(5);
      e[j] = 1;
      const gj = cf.grad(e);
      for (let i = 0; i < 5; i++) Hf[i * 5 + j] = gj[i] - g0[i];
    }
    for (let i = 0; i < 5; i++) for (let j = 0; j < i; j++) Hf[i * 5 + j] = Hf[j * 5 + i] = 0.5 * (Hf[i * 5 + j] + Hf[j * 5 + i]);
    const Lf = extremeEigenvalues(5, Hf).max;
    const m = createQuadraticModel({ ...d, theta0: new Float64Array(5).fill(1) }, K);
    const out = await runMaid(engineFor(m), { ...maidDefaults, alpha0: 1 / Lf, rhoBar: 1.5, nuBar: 1.1, eta: 0.5, lambda: 0.1, maxIterations: 40, eps0: 0.1, delta0: 0.1 }, () => {});
    const f = cf.f(out.theta);
    expect((f - fStar) / Math.max(Math.abs(fStar), 1)).toBeLessThan(1e-3);
  });
});

/** Scalar ridge (§6.2): h = ½‖x − y‖² + ½e^θ‖x‖², g = ½‖x − x_true‖². */
function ridgeModel(y: Float64Array, xt: Float64Array, theta0: number): BilevelModel {
  const n = y.length;
  const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
  return {
    n,
    p: 1,
    theta0: Float64Array.of(theta0),
    x0: new Float64Array(n),
    linearLower: false,
    admissible: (t) => Math.abs(t[0]) < 700,
    mu: (t) => 1 + Math.exp(t[0]),
    lipschitz: (t) => 1 + Math.exp(t[0]),
    lipschitzUpper: 1,
    gradLower: (x, t, out) => {
      for (let i = 0; i < n; i++) out[i] = x[i] - y[i] + Math.exp(t[0]) * x[i];
    },
    hvp: (_x, t, v, out) => {
      for (let i = 0; i < n; i++) out[i] = (1 + Math.exp(t[0])) * v[i];
    },
    jtq: (x, t, q, out) => {
      out[0] = Math.exp(t[0]) * dot(x, q);
    },
    jv: (x, t, v, out) => {
      for (let i = 0; i < n; i++) out[i] = Math.exp(t[0]) * x[i] * v[0];
    },
    jNorm: (x, t) => Math.exp(t[0]) * Math.sqrt(dot(x, x)),
    lowerValue: (x, t) => 0.5 * x.reduce((s, v, i) => s + (v - y[i]) ** 2 + Math.exp(t[0]) * v * v, 0),
    upper: (x) => 0.5 * x.reduce((s, v, i) => s + (v - xt[i]) ** 2, 0),
    gradUpper: (x, out) => {
      let s = 0;
      for (let i = 0; i < n; i++) {
        out[i] = x[i] - xt[i];
        s += out[i] ** 2;
      }
      return 0.5 * s;
    },
    reference: (t) => ({ L: 1 + Math.exp(t[0]), mu: 1 + Math.exp(t[0]), lipschitzUpper: 1, stopFactor: 1 }),
  };
}

describe('scalar ridge (V2)', () => {
  const rng = createRng(21);
  const xt = rng.fillNormal(new Float64Array(20));
  const y = xt.map((v) => v + 0.5 * rng.normal());
  const yy = y.reduce((s, v) => s + v * v, 0);
  const sStar = y.reduce((s, v, i) => s + v * xt[i], 0) / yy;
  const thetaStar = Math.log(1 / sStar - 1);
  const fPrime = (t: number) => {
    const et = Math.exp(t);
    const xh = y.map((v) => v / (1 + et));
    return (-et / (1 + et) ** 2) * xh.reduce((s, v, i) => s + (v - xt[i]) * y[i], 0);
  };

  it('θ* is well defined (s* ∈ (0, 1))', () => {
    expect(sStar).toBeGreaterThan(0);
    expect(sStar).toBeLessThan(1);
  });

  it('IFT hypergradient matches f′ to 1e-10 relative', async () => {
    const m = ridgeModel(y, xt, 0.3);
    const e = engineFor(m);
    const x = new Float64Array(20);
    const th = Float64Array.of(0.3);
    await e.lower(th, x, 1e-14, x);
    const z = new Float64Array(1);
    await e.hypergradient(x, th, 1e-14, 1e-14, new Float64Array(20), z, new Float64Array(20));
    expect(Math.abs(z[0] - fPrime(0.3)) / Math.abs(fPrime(0.3))).toBeLessThan(1e-10);
  });

  it('MAID ends within 1e-4 of θ*', async () => {
    const m = ridgeModel(y, xt, 2);
    const out = await runMaid(engineFor(m), { ...maidDefaults, alpha0: 0.1, maxIterations: 200 }, () => {});
    expect(Math.abs(out.theta[0] - thetaStar)).toBeLessThan(1e-4);
  });
});
