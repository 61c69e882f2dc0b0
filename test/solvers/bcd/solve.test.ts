/** Verification cases V1–V5 of specs/bcd.md §6 (closed forms and KKT certificates) through the solve loop. */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../solvers/bcd/problems/index.js';
import { solveModel } from '../../../solvers/bcd/solve.js';
import { createRng } from '../../../solvers/core/rng.js';
import type { BcdProblem } from '../../../shared/index.js';
import { denseSolve, gaussian, normalEquations, opts, vec } from './fixtures.js';

const env = () => ({ rng: createRng(0), now: () => performance.now() });

async function run(problem: BcdProblem, o: Parameters<typeof opts>[1]) {
  const built = buildModel(problem);
  const out = await solveModel(built.model, opts(problem.kind, o), env(), { traceObjective: true });
  return { built, out, x: built.model.x };
}

function nonIncreasing(trace: Float64Array, n: number): boolean {
  for (let k = 1; k <= n; k++) if (trace[k] > trace[k - 1] + 1e-12 * Math.abs(trace[k - 1])) return false;
  return true;
}

describe('V1 least squares = normal equations', () => {
  const m = 60;
  const n = 20;
  const A = gaussian(m, n, 11);
  const y = vec(m, 12);
  const { G, r } = normalEquations(m, n, A, y);
  const xls = denseSolve(n, G, r);
  const problem: BcdProblem = { kind: 'least-squares', A: { shape: [m, n], data: A }, b: y };
  const err = (x: Float64Array) => Math.sqrt(x.reduce((s, v, i) => s + (v - xls[i]) ** 2, 0));

  it('fixed-order + cyclic + matrix, 400 iterations', async () => {
    const { x, out } = await run(problem, { blocks: 'fixed-order', rule: 'cyclic', update: 'matrix', blockSize: 5, maxIterations: 400 });
    expect(err(x)).toBeLessThan(1e-10);
    expect(out.stats.monotonicityViolations).toBe(0);
  });
  for (const rule of ['gs', 'gsl', 'gsd', 'gsq'] as const) {
    it(`fixed-sorted + ${rule} + gradient, 3000 iterations, monotone`, async () => {
      const { x, out } = await run(problem, { blocks: 'fixed-sorted', rule, update: 'gradient', blockSize: 5, maxIterations: 3000 });
      expect(err(x)).toBeLessThan(1e-10);
      expect(nonIncreasing(out.trace as Float64Array, out.iterations)).toBe(true);
    });
  }
  it('default options (variable, gsd, matrix) converge with the relative tolerance', async () => {
    const built = buildModel(problem);
    const o = opts('least-squares', { tolerance: 1e-10, maxIterations: 10000 });
    const out = await solveModel(built.model, o, env());
    expect(out.stop).toBe('converged');
    expect(out.optimality).toBeLessThanOrEqual(1e-10 * out.optimalityInitial);
    expect(err(built.model.x)).toBeLessThan(1e-8);
  });
});

describe('V2 separable quadratic', () => {
  const n = 30;
  const rng = createRng(5);
  const d = Array.from({ length: n }, () => 0.5 + 4.5 * rng.next());
  const c = vec(n, 6);
  const diagQ = (vals: number[]): BcdProblem => ({
    kind: 'quadratic',
    Q: { shape: [n, n], indptr: Array.from({ length: n + 1 }, (_, i) => i), indices: Array.from({ length: n }, (_, i) => i), values: vals },
    c,
  });
  it('one cyclic matrix pass (6 iterations) gives x = c/d', async () => {
    const { x } = await run(diagQ(d), { blocks: 'fixed-order', rule: 'cyclic', update: 'matrix', blockSize: 5, maxIterations: 6 });
    for (let i = 0; i < n; i++) expect(Math.abs(x[i] - c[i] / d[i])).toBeLessThanOrEqual(1e-14 * Math.abs(c[i] / d[i]) + 1e-300);
  });
  it('Q = 2I with gs + gradient is exact after n/τ iterations', async () => {
    const { x } = await run(diagQ(new Array(n).fill(2)), { blocks: 'fixed-order', rule: 'gs', update: 'gradient', blockSize: 5, maxIterations: 6 });
    for (let i = 0; i < n; i++) expect(Math.abs(x[i] - c[i] / 2)).toBeLessThanOrEqual(1e-14 * Math.abs(c[i]));
  });
});

/** Orthonormal X (80×40) by modified Gram–Schmidt. */
function orthonormal(m: number, n: number, seed: number): number[] {
  const Q = Float64Array.from(gaussian(m, n, seed));
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += Q[i * n + j] * Q[i * n + k];
      for (let i = 0; i < m; i++) Q[i * n + j] -= s * Q[i * n + k];
    }
    let nn = 0;
    for (let i = 0; i < m; i++) nn += Q[i * n + j] ** 2;
    nn = Math.sqrt(nn);
    for (let i = 0; i < m; i++) Q[i * n + j] /= nn;
  }
  return Array.from(Q);
}

describe('V3 orthonormal lasso: x* = S(Xᵀy, λ)', () => {
  const m = 80;
  const n = 40;
  const X = orthonormal(m, n, 21);
  const y = vec(m, 22);
  const lam = 0.3;
  const xty = new Float64Array(n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) xty[j] += X[i * n + j] * y[i];
  const xs = Array.from(xty, (v) => Math.sign(v) * Math.max(Math.abs(v) - lam, 0));
  const problem: BcdProblem = { kind: 'lasso', A: { shape: [m, n], data: X }, b: y, lambda: lam, nonnegative: false };
  for (const [blocks, update] of [
    ['variable', 'gradient'],
    ['variable', 'newton'],
    ['fixed-sorted', 'gradient'],
  ] as const) {
    it(`GS-q ${blocks} ${update}: exact within 40 iterations, identification ≤ 10`, async () => {
      const { x, out } = await run(problem, { blocks, rule: 'gsq', update, blockSize: 5, maxIterations: 40 });
      let e = 0;
      for (let i = 0; i < n; i++) e = Math.max(e, Math.abs(x[i] - xs[i]));
      expect(e).toBeLessThanOrEqual(1e-12);
      expect(out.activeSetIdentifiedAt).toBeLessThanOrEqual(10);
    });
  }
});

describe('V4 general lasso certified by KKT', () => {
  it('PN-VB τ = 10 GS-q, 300 iterations: kkt ≤ 1e−9·λ, F monotone', async () => {
    const m = 100;
    const n = 50;
    const A = gaussian(m, n, 31);
    const r = createRng(32);
    const w = Array.from({ length: 5 }, () => r.normal());
    const y = Array.from({ length: m }, (_, i) => {
      let s = 0;
      for (let j = 0; j < 5; j++) s += A[i * n + j] * w[j];
      return s + 0.1 * r.normal();
    });
    let lmax = 0;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[i * n + j] * y[i];
      lmax = Math.max(lmax, Math.abs(s));
    }
    const lam = 0.2 * lmax;
    const problem: BcdProblem = { kind: 'lasso', A: { shape: [m, n], data: A }, b: y, lambda: lam, nonnegative: false };
    const { built, out } = await run(problem, { blocks: 'variable', rule: 'gsq', update: 'newton', blockSize: 10, maxIterations: 300 });
    const { kktResidual } = await import('../../../solvers/bcd/problems/model.js');
    built.model.refreshGradient();
    expect(kktResidual(built.model)).toBeLessThanOrEqual(1e-9 * lam);
    expect(nonIncreasing(out.trace as Float64Array, out.iterations)).toBe(true);
  });
  it('nonnegative lasso: PG, PN and two-metric keep x ≥ 0 and reach the same KKT point', async () => {
    const m = 40;
    const n = 30;
    const A = gaussian(m, n, 41);
    const y = vec(m, 42);
    const problem: BcdProblem = { kind: 'lasso', A: { shape: [m, n], data: A }, b: y, lambda: 1, nonnegative: true };
    const { kktResidual } = await import('../../../solvers/bcd/problems/model.js');
    for (const update of ['gradient', 'newton', 'two-metric'] as const) {
      const { built, out } = await run(problem, { blocks: 'variable', rule: 'gsq', update, blockSize: 5, maxIterations: 2000 });
      expect(Math.min(...built.model.x)).toBeGreaterThanOrEqual(0);
      built.model.refreshGradient();
      expect(kktResidual(built.model)).toBeLessThan(1e-8);
      expect(out.stats.monotonicityViolations).toBe(0);
    }
  });
});

describe('logistic kinds', () => {
  const m = 80;
  const n = 12;
  const A = gaussian(m, n, 51);
  const r = createRng(52);
  const y = Array.from({ length: m }, () => (r.next() < 0.5 ? -1 : 1));
  it('every update reaches a stationary point of ridge logistic monotonically', async () => {
    const problem: BcdProblem = { kind: 'logistic', A: { shape: [m, n], data: A }, y, lambda2: 0.5 };
    for (const update of ['gradient', 'matrix', 'newton', 'exact'] as const) {
      const { out } = await run(problem, { blocks: 'variable', rule: 'gsd', update, blockSize: 4, maxIterations: 600 });
      expect(out.optimality).toBeLessThan(1e-8);
      expect(out.stats.monotonicityViolations).toBe(0);
    }
  });
  it('l1-logistic: PN with line search satisfies the KKT conditions', async () => {
    const problem: BcdProblem = { kind: 'l1-logistic', A: { shape: [m, n], data: A }, y, lambda: 2 };
    const { built, out } = await run(problem, { blockSize: 4, maxIterations: 600 });
    const { kktResidual } = await import('../../../solvers/bcd/problems/model.js');
    built.model.refreshGradient();
    expect(kktResidual(built.model)).toBeLessThan(1e-8);
    expect(out.stats.monotonicityViolations).toBe(0);
  });
  it('multinomial: greedy matrix updates decrease f and shrink the gradient', async () => {
    const labels = Array.from({ length: m }, () => r.int(3));
    const problem: BcdProblem = { kind: 'multinomial-logistic', A: { shape: [m, n], data: A }, labels, classes: 3 };
    for (const update of ['gradient', 'matrix', 'newton'] as const) {
      const { out } = await run(problem, { blocks: 'variable', rule: 'gsd', update, blockSize: 6, maxIterations: 1500 });
      expect(out.stats.monotonicityViolations).toBe(0);
      expect(out.optimality).toBeLessThan(1e-3 * out.optimalityInitial);
    }
  });
});
