/**
 * @module Test fixtures for the bilevel solver: small well-conditioned quadratic instances (spec §6.1: n = 50,
 * dx = p = 5, A2 = Q·diag(1..3)·R plus noise), the scalar ridge problem (§6.2), synthetic TV batches (§4.2).
 */
import { createRng } from '../../../solvers/core/rng.js';
import { Engine } from '../../../solvers/bilevel/engine.js';
import type { MaidSettings } from '../../../solvers/bilevel/maid.js';
import type { BilevelModel } from '../../../solvers/bilevel/problems/types.js';
import type { QuadraticData } from '../../../solvers/bilevel/problems/quadratic.js';

/** Orthonormal columns (n×k) by Gram–Schmidt of a random Gaussian matrix. */
function orthonormal(n: number, k: number, rng: ReturnType<typeof createRng>): Float64Array {
  const Q = new Float64Array(n * k);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) Q[i * k + j] = rng.normal();
    for (let l = 0; l < j; l++) {
      let d = 0;
      for (let i = 0; i < n; i++) d += Q[i * k + j] * Q[i * k + l];
      for (let i = 0; i < n; i++) Q[i * k + j] -= d * Q[i * k + l];
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += Q[i * k + j] ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < n; i++) Q[i * k + j] /= s;
  }
  return Q;
}

export function smallQuadratic(seed: number, n = 50, dx = 5, p = 5): QuadraticData {
  const rng = createRng(seed);
  const U = orthonormal(n, dx, rng);
  const V = orthonormal(dx, dx, rng);
  const A2 = new Float64Array(n * dx);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dx; j++) {
      let s = 0;
      for (let l = 0; l < dx; l++) s += U[i * dx + l] * (1 + (2 * l) / Math.max(dx - 1, 1)) * V[l * dx + j];
      A2[i * dx + j] = s + 0.01 * rng.normal();
    }
  }
  const A1 = new Float64Array(n * dx).map(() => rng.normal() / Math.sqrt(n));
  const A3 = new Float64Array(n * p).map(() => rng.normal() / Math.sqrt(n));
  const b1 = new Float64Array(n).map(() => rng.normal());
  const b2 = new Float64Array(n).map(() => rng.normal());
  return { A1, b1, A2, A3, b2, n1: n, n2: n, dx, p };
}

/** Quadratic of spec §4.3 (U(0,1) matrices, n rows, dx = p = d), with x₀ = x₂ as in the reference. */
export function sectionQuadratic(seed: number, n = 1000, d = 10): QuadraticData {
  const rng = createRng(seed);
  const u = (len: number) => new Float64Array(len).map(() => rng.next());
  const A1 = u(n * d);
  const A2 = u(n * d);
  const A3 = u(n * d);
  const x1 = u(d);
  const x2 = u(d);
  const te = u(d);
  const b1 = new Float64Array(n);
  const b2 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < d; j++) {
      s1 += A1[i * d + j] * x1[j];
      s2 += A2[i * d + j] * x2[j] + A3[i * d + j] * te[j];
    }
    b1[i] = s1 + 0.01 * rng.normal();
    b2[i] = s2 + 0.01 * rng.normal();
  }
  return { A1, b1, A2, A3, b2, n1: n, n2: n, dx: d, p: d, x0: x2 };
}

export function toSpecMatrix(rows: number, cols: number, a: Float64Array) {
  return { shape: [rows, cols] as [number, number], data: Array.from(a) };
}

export function quadraticSpec(d: QuadraticData, options: Record<string, unknown> = {}) {
  return {
    solver: 'bilevel' as const,
    problem: {
      kind: 'quadratic' as const,
      A1: toSpecMatrix(d.n1, d.dx, d.A1),
      b1: Array.from(d.b1),
      A2: toSpecMatrix(d.n2, d.dx, d.A2),
      A3: toSpecMatrix(d.n2, d.p, d.A3),
      b2: Array.from(d.b2),
      ...(d.x0 ? { x0: Array.from(d.x0) } : {}),
    },
    options,
  };
}

export function engineFor(m: BilevelModel, bound: 'estimated' | 'off' = 'estimated', seed = 0): Engine {
  return new Engine(
    m,
    { variant: 'paper', lowerSolver: 'fista', bound, lowerMaxIterations: 100000, cgMaxIterations: 10000, budget: 1e9, deadline: Number.POSITIVE_INFINITY },
    createRng(seed),
    new AbortController().signal,
    () => 0,
  );
}

export const maidDefaults: MaidSettings = {
  method: 'maid',
  variant: 'paper',
  eps0: 0.1,
  delta0: 0.1,
  alpha0: 0.01,
  rho: 0.5,
  rhoBar: 10 / 9,
  nu: 0.5,
  nuBar: 1.05,
  eta: 1e-4,
  lambda: 1e-8,
  maxIterations: 40,
  tolerance: 0,
  referenceValue: 'fresh',
  maxBacktracks: 10,
  maxAttempts: 3,
  epsMin: 1e-12,
  descentTest: true,
};

