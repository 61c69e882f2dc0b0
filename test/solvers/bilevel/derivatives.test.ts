/**
 * Closed-form derivatives of every problem kind (spec §1.8, §6.3) against central finite differences:
 * ∇ₓh vs h, H v vs ∇ₓh, Jᵀq vs ∇ₓh in θ, ⟨Jv, q⟩ = ⟨v, Jᵀq⟩, ∇g vs g, and the IFT hypergradient vs f(θ).
 * The FoE check of ∇ₓh against h also tests the adjoint of the reflect-padded correlation.
 */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../../solvers/bilevel/engine.js';
import { createFoeModel, foeTheta0 } from '../../../solvers/bilevel/problems/foe.js';
import { syntheticImages } from '../../../solvers/bilevel/problems/images.js';
import { createMultinomialModel, syntheticClasses } from '../../../solvers/bilevel/problems/multinomial.js';
import { createQuadraticModel } from '../../../solvers/bilevel/problems/quadratic.js';
import { createTvModel } from '../../../solvers/bilevel/problems/tv.js';
import type { BilevelModel } from '../../../solvers/bilevel/problems/types.js';
import { createRng } from '../../../solvers/core/rng.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { smallQuadratic } from './fixtures.js';

const K = await createKernels('cpu');
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);

function checkModel(m: BilevelModel, x: Float64Array, theta: Float64Array, seed: number, tol = 1e-6): void {
  const rng = createRng(seed);
  const n = m.n;
  const p = m.p;
  const v = rng.fillNormal(new Float64Array(n));
  const q = rng.fillNormal(new Float64Array(n));
  const e = rng.fillNormal(new Float64Array(p));
  const s = 1e-5;
  const xp = x.map((xi, i) => xi + s * v[i]);
  const xm = x.map((xi, i) => xi - s * v[i]);
  const g = new Float64Array(n);
  m.gradLower(x, theta, g);
  // ∇ₓh vs h
  const fd = (m.lowerValue(xp, theta) - m.lowerValue(xm, theta)) / (2 * s);
  expect(rel(dot(g, v), fd)).toBeLessThan(tol);
  // H v vs ∇ₓh
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  m.gradLower(xp, theta, gp);
  m.gradLower(xm, theta, gm);
  const Hv = new Float64Array(n);
  m.hvp(x, theta, v, Hv);
  const fdH = gp.map((a, i) => (a - gm[i]) / (2 * s));
  expect(rel(dot(Hv, q), dot(fdH, q))).toBeLessThan(tol);
  // H symmetric
  const Hq = new Float64Array(n);
  m.hvp(x, theta, q, Hq);
  expect(rel(dot(Hv, q), dot(Hq, v))).toBeLessThan(1e-10);
  // Jᵀq vs ∂θ ∇ₓh
  const tp = theta.map((t, i) => t + s * e[i]);
  const tm = theta.map((t, i) => t - s * e[i]);
  m.gradLower(x, tp, gp);
  m.gradLower(x, tm, gm);
  const Jtq = new Float64Array(p);
  m.jtq(x, theta, q, Jtq);
  const fdJ = dot(q, gp.map((a, i) => (a - gm[i]) / (2 * s)));
  expect(rel(dot(Jtq, e), fdJ)).toBeLessThan(tol);
  // J v is the transpose of Jᵀ q
  const Jv = new Float64Array(n);
  m.jv(x, theta, e, Jv);
  expect(rel(dot(Jv, q), dot(Jtq, e))).toBeLessThan(1e-10);
  // ‖J‖ bounds |⟨Jv, q⟩| / (‖v‖‖q‖) (FoE uses a padded power estimate)
  const jn = m.jNorm(x, theta, { products: 0 });
  expect(Math.abs(dot(Jv, q))).toBeLessThanOrEqual(jn * Math.sqrt(dot(e, e) * dot(q, q)) * (1 + 1e-9));
  // ∇g vs g
  const gu = new Float64Array(n);
  m.gradUpper(x, gu);
  expect(rel(dot(gu, v), (m.upper(xp) - m.upper(xm)) / (2 * s))).toBeLessThan(tol);
}

/** z at ε = δ tiny vs central differences of f(θ) = g(x̂(θ)) along random directions. */
async function checkHypergradient(m: BilevelModel, theta: Float64Array, seed: number, dirs: number, tol: number, h = 1e-4): Promise<void> {
  const rng = createRng(seed);
  const engine = new Engine(
    m,
    { variant: 'paper', lowerSolver: 'fista', bound: 'off', lowerMaxIterations: 200000, cgMaxIterations: 100000, budget: Number.POSITIVE_INFINITY, deadline: Number.POSITIVE_INFINITY },
    rng,
    new AbortController().signal,
    () => 0,
  );
  const solve = async (t: Float64Array) => {
    const x = Float64Array.from(m.x0);
    await engine.lower(t, x, 1e-11, x);
    return x;
  };
  const x = await solve(theta);
  const z = new Float64Array(m.p);
  await engine.hypergradient(x, theta, 1e-12, 1e-13, new Float64Array(m.n), z, new Float64Array(m.n));
  for (let d = 0; d < dirs; d++) {
    const e = rng.fillNormal(new Float64Array(m.p));
    const fp = m.upper(await solve(theta.map((t, i) => t + h * e[i])));
    const fm = m.upper(await solve(theta.map((t, i) => t - h * e[i])));
    expect(rel(dot(z, e), (fp - fm) / (2 * h))).toBeLessThan(tol);
  }
}

describe('closed-form derivatives vs finite differences', () => {
  it('quadratic', async () => {
    const m = createQuadraticModel(smallQuadratic(3), K);
    const rng = createRng(1);
    checkModel(m, rng.fillNormal(new Float64Array(m.n)), rng.fillNormal(new Float64Array(m.p)), 2);
    await checkHypergradient(m, rng.fillNormal(new Float64Array(m.p)), 3, 3, 1e-6);
  });

  it('TV, 1-D [1,64] and 2-D 16×16', async () => {
    for (const [h, w] of [[1, 64], [16, 16]]) {
      const data = syntheticImages(2, h, w, 0.1, createRng(h + w), false);
      const m = createTvModel(data, K);
      const theta = Float64Array.of(-3, -3);
      checkModel(m, data.noisy, theta, 5);
      await checkHypergradient(m, theta, 6, 2, 1e-4);
    }
  });

  it('FoE, 3 filters 5×5 on 12×12 (reflect-padded correlation and its adjoint)', async () => {
    const data = syntheticImages(2, 12, 12, 0.1, createRng(9), true);
    const theta = foeTheta0(3, 5, createRng(10));
    theta[0] = -1; // larger regulariser and smoothings so the checks see the filter terms at moderate κ
    theta.fill(-1, 4, 7);
    const m = createFoeModel(data, 3, 5, K, theta);
    expect(m.p).toBe(1 + 6 + 75);
    checkModel(m, data.noisy, theta, 11, 2e-5);
    await checkHypergradient(m, theta, 12, 2, 1e-4);
  });

  it('multinomial logistic (m = 30, d = 5, k = 4)', async () => {
    const rng = createRng(13);
    const sets = syntheticClasses(rng, { train: 30, validation: 20, test: 10 }, 5, 4, 4);
    const m = createMultinomialModel(sets.train, sets.validation, 5, 4, K, new Float64Array(20).fill(-1));
    const x = rng.fillNormal(new Float64Array(20));
    checkModel(m, x, rng.fillNormal(new Float64Array(20), -1, 0.5), 14);
    await checkHypergradient(m, m.theta0, 15, 3, 1e-4);
  });
});
