/**
 * @module Quadratic bilevel problem (specs/bilevel.md §1.8a): h = ½‖A2x + A3θ − b2‖², g = ½‖A1x − b1‖².
 * ∇ₓh = A2ᵀ(A2x + A3θ − b2), H = A2ᵀA2, J = A2ᵀA3; μ, L_h, L_g, ‖J‖ exact from small eigenproblems, and
 * L_J = L_H⁻¹ = 0. `quadraticClosedForm` gives x̂(θ), ∇f(θ), f(θ) and θ* = (MᵀM)⁻¹Mᵀd for the tests and the bench.
 */
import type { Kernels, F64 } from '../../kernels/ops.js';
import { extremeEigenvalues } from '../sym-eig.js';
import type { BilevelModel } from './types.js';

export interface QuadraticData {
  A1: F64;
  b1: F64;
  A2: F64;
  A3: F64;
  b2: F64;
  n1: number;
  n2: number;
  dx: number;
  p: number;
  x0?: F64;
  theta0?: F64;
}

export function createQuadraticModel(d: QuadraticData, k: Kernels): BilevelModel & { H: F64; J: F64 } {
  const { A1, b1, A2, A3, b2, n1, n2, dx, p } = d;
  const H = new Float64Array(dx * dx);
  k.gemm(true, false, dx, dx, n2, 1, A2, A2, 0, H);
  const J = new Float64Array(dx * p);
  k.gemm(true, false, dx, p, n2, 1, A2, A3, 0, J);
  const A2tb2 = new Float64Array(dx);
  k.gemv(true, n2, dx, 1, A2, b2, 0, A2tb2);
  const G = new Float64Array(dx * dx);
  k.gemm(true, false, dx, dx, n1, 1, A1, A1, 0, G);
  const eh = extremeEigenvalues(dx, H);
  const eg = extremeEigenvalues(dx, G);
  const JtJ = new Float64Array(p * p);
  k.gemm(true, false, p, p, dx, 1, J, J, 0, JtJ);
  const jNorm = Math.sqrt(extremeEigenvalues(p, JtJ).max);
  const r1 = new Float64Array(n1);
  const theta0 = d.theta0 ?? new Float64Array(p).fill(1);
  const x0 = d.x0 ?? new Float64Array(dx);
  return {
    n: dx,
    p,
    theta0,
    x0,
    H,
    J,
    linearLower: true,
    admissible: (theta) => theta.every(Number.isFinite),
    mu: () => eh.min,
    lipschitz: () => eh.max,
    lipschitzUpper: eg.max,
    gradLower(x, theta, out) {
      // H x + J θ − A2ᵀ b2
      k.gemv(false, dx, dx, 1, H, x, 0, out);
      k.gemv(false, dx, p, 1, J, theta, 1, out);
      k.axpy(dx, -1, A2tb2, out);
    },
    lowerValue(x, theta) {
      const r2 = new Float64Array(n2);
      k.gemv(false, n2, dx, 1, A2, x, 0, r2);
      k.gemv(false, n2, p, 1, A3, theta, 1, r2);
      k.axpy(n2, -1, b2, r2);
      const s = k.nrm2(n2, r2);
      return 0.5 * s * s;
    },
    hvp(_x, _theta, v, out) {
      k.gemv(false, dx, dx, 1, H, v, 0, out);
    },
    jtq(_x, _theta, q, out) {
      k.gemv(true, dx, p, 1, J, q, 0, out);
    },
    jv(_x, _theta, v, out) {
      k.gemv(false, dx, p, 1, J, v, 0, out);
    },
    jNorm: () => jNorm,
    upper(x) {
      k.gemv(false, n1, dx, 1, A1, x, 0, r1);
      k.axpy(n1, -1, b1, r1);
      const s = k.nrm2(n1, r1);
      return 0.5 * s * s;
    },
    gradUpper(x, out) {
      k.gemv(false, n1, dx, 1, A1, x, 0, r1);
      k.axpy(n1, -1, b1, r1);
      k.gemv(true, n1, dx, 1, A1, r1, 0, out);
      const s = k.nrm2(n1, r1);
      return 0.5 * s * s;
    },
    reference: () => ({ L: eh.max, mu: eh.min, lipschitzUpper: 1, stopFactor: 2 }),
  };
}

/** Solves the small SPD system S y = r (S n×n, copied) by Cholesky; throws if S is not positive definite. */
export function spdSolve(n: number, S: F64, r: F64, k: Kernels): F64 {
  const L = Float64Array.from(S);
  if (!k.cholesky(n, L)) throw new Error('matrix is not positive definite');
  const y = Float64Array.from(r);
  k.trsm(false, n, 1, L, y);
  k.trsm(true, n, 1, L, y);
  return y;
}

/** Exact solution map of the quadratic problem (§1.8a): x̂(θ), f(θ), ∇f(θ), and θ* (when MᵀM is invertible). */
export function quadraticClosedForm(d: QuadraticData, k: Kernels) {
  const m = createQuadraticModel(d, k);
  const { dx, p, n1 } = d;
  const xhat = (theta: F64): F64 => {
    const rhs = new Float64Array(dx);
    k.gemv(true, d.n2, dx, 1, d.A2, d.b2, 0, rhs);
    k.gemv(false, dx, p, -1, m.J, theta, 1, rhs);
    return spdSolve(dx, m.H, rhs, k);
  };
  const f = (theta: F64): number => m.upper(xhat(theta));
  const grad = (theta: F64): F64 => {
    const x = xhat(theta);
    const gx = new Float64Array(dx);
    m.gradUpper(x, gx);
    const q = spdSolve(dx, m.H, gx, k);
    const out = new Float64Array(p);
    k.gemv(true, dx, p, -1, m.J, q, 0, out);
    return out;
  };
  // M = A1 H⁻¹ J (since P A3 = H⁻¹ A2ᵀ A3), d = A1 H⁻¹ A2ᵀ b2 − b1; θ* = (MᵀM)⁻¹ Mᵀ d.
  const thetaStar = (): F64 => {
    const HinvJ = new Float64Array(dx * p);
    const L = Float64Array.from(m.H);
    if (!k.cholesky(dx, L)) throw new Error('A2ᵀA2 is not positive definite');
    HinvJ.set(m.J);
    k.trsm(false, dx, p, L, HinvJ);
    k.trsm(true, dx, p, L, HinvJ);
    const M = new Float64Array(n1 * p);
    k.gemm(false, false, n1, p, dx, 1, d.A1, HinvJ, 0, M);
    const x0 = xhat(new Float64Array(p));
    const dv = new Float64Array(n1);
    k.gemv(false, n1, dx, 1, d.A1, x0, 0, dv);
    k.axpy(n1, -1, d.b1, dv);
    const MtM = new Float64Array(p * p);
    k.gemm(true, false, p, p, n1, 1, M, M, 0, MtM);
    const Mtd = new Float64Array(p);
    k.gemv(true, n1, p, 1, M, dv, 0, Mtd);
    return spdSolve(p, MtM, Mtd, k);
  };
  return { model: m, xhat, f, grad, thetaStar };
}
