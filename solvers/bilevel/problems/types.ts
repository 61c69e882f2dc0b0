/**
 * @module The interface every bilevel problem kind implements (specs/bilevel.md §1.1, §1.8): lower objective
 * h(x, θ) through its gradient ∇ₓh, Hessian-vector products H v, mixed products Jᵀq and J v (J = ∇²ₓθh), the
 * upper objective g with ∇g, and the constants μ, L_h, L_g, ‖J‖ of the same (normalised) objectives.
 * `reference*` members give the reference code's inconsistent constants (Decisions D2–D3) for `variant: reference`.
 */
import type { F64 } from '../../kernels/ops.js';

export interface BilevelModel {
  /** Lower dimension n (length of x). */
  readonly n: number;
  /** Number of hyperparameters p. */
  readonly p: number;
  readonly theta0: F64;
  readonly x0: F64;
  /** True when J and H⁻¹ do not depend on x (quadratic): L_J = L_H⁻¹ = 0 exactly. */
  readonly linearLower: boolean;
  /** True when the hyperparameters are all finite-valued after exponentiation; false rejects a trial θ. */
  admissible(theta: F64): boolean;
  /** Strong convexity of h(·, θ) (consistent with the normalised objective). */
  mu(theta: F64): number;
  /** Lipschitz constant of ∇ₓh(·, θ) (an upper bound). */
  lipschitz(theta: F64): number;
  /** Lipschitz constant of ∇g. */
  readonly lipschitzUpper: number;
  /** Writes ∇ₓh(x, θ). */
  gradLower(x: F64, theta: F64, out: F64): void;
  /** Writes ∇²ₓₓh(x, θ)·v. */
  hvp(x: F64, theta: F64, v: F64, out: F64): void;
  /** Writes J(x, θ)ᵀ q (length p). */
  jtq(x: F64, theta: F64, q: F64, out: F64): void;
  /** Writes J(x, θ) v (length n). */
  jv(x: F64, theta: F64, v: F64, out: F64): void;
  /** ‖J(x, θ)‖₂ (exact, or a power-iteration estimate); `extra` counts the products spent. */
  jNorm(x: F64, theta: F64, extra: { products: number }): number;
  /** h(x, θ) itself (finite-difference checks; not used by the algorithms). */
  lowerValue(x: F64, theta: F64): number;
  /** g(x). */
  upper(x: F64): number;
  /** Writes ∇g(x), returns g(x). */
  gradUpper(x: F64, out: F64): number;
  /** Reference-code constants (D2, D3): step constant, μ for the stop test and ω, L_g inside ω and U. */
  reference(theta: F64): { L: number; mu: number; lipschitzUpper: number; stopFactor: number };
}
