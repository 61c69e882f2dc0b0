/**
 * @module The problem interface of the BCD loop (specs/bcd.md §1.1–1.2, §2.1): F = f + ψ with ψ = λ‖x‖₁ (or
 * λ·1ᵀx + ι{x ≥ 0}); each model keeps the state (residual z = Ax, or g = Qx − c) updated from the changed block only,
 * and gives coordinate constants L_i, block Hessian bounds H_b, true Hessian blocks, global H·v products and the
 * Gershgorin diagonal. A model with `incremental` maintains the full gradient g and the list of changed coordinates.
 */
import type { BcdProblemKind } from '../../../shared/index.js';

export interface Model {
  readonly kind: BcdProblemKind;
  /** Number of variables. */
  readonly n: number;
  /** Current point (updated by `apply`). */
  readonly x: Float64Array;
  /** Coordinate Lipschitz constants L_i (0 for a zero column: never updated). */
  readonly L: Float64Array;
  /** L1 weight λ (0 for smooth kinds). */
  readonly lambda: number;
  readonly l1: boolean;
  readonly nonneg: boolean;
  /** f is quadratic: H_b is the exact Hessian block, the matrix step is the exact block minimiser. */
  readonly quadratic: boolean;
  /** Full gradient ∇f(x): always valid when `incremental`, else after `refreshGradient()`. */
  readonly g: Float64Array;
  readonly incremental: boolean;
  /** Coordinates whose gradient changed in the last `apply` (incremental models only). */
  readonly changed: Int32Array;
  changedCount: number;
  /** Neighbour lists of the sparse Hessian graph (quadratic kinds; diagonal excluded). */
  readonly graph?: { indptr: Int32Array; indices: Int32Array; values: Float64Array };
  /** Counters of score/state work done (used by acceptance check C1 through the selector). */
  readonly warnings: string[];
  /** Recompute the whole state (and g when incremental) from x (drift control). */
  resync(): void;
  refreshGradient(): void;
  /** out[k] = ∇_{b[k]} f(x) from the state (O(cost of b)). */
  blockGradient(b: Int32Array, len: number, out: Float64Array): void;
  /** Smooth part f(x). */
  f(): number;
  /** x_b += d and update the state. */
  apply(b: Int32Array, len: number, d: Float64Array): void;
  /** f(x + U_b d) without changing the state. */
  trialF(b: Int32Array, len: number, d: Float64Array): number;
  /** H_b (len×len, row-major): the majorising block Hessian of §1.2. */
  hessBound(b: Int32Array, len: number, out: Float64Array): void;
  /** ∇²_bb f(x) (len×len). */
  hessTrue(b: Int32Array, len: number, out: Float64Array): void;
  /** out = H v for the global bound H (AᵀA, ¼AᵀA, Q, …). */
  hv(v: Float64Array, out: Float64Array): void;
  /** D_i = Σ_j |H_ij| of the global bound H. */
  gershgorin(): Float64Array;
}

/** ψ(x) for the model's regulariser. */
export function psiValue(m: Model): number {
  if (!m.l1) return 0;
  let s = 0;
  const x = m.x;
  if (m.nonneg) for (let i = 0; i < m.n; i++) s += x[i];
  else for (let i = 0; i < m.n; i++) s += Math.abs(x[i]);
  return m.lambda * s;
}

/** Soft-threshold S(v, t) = sign(v)·max(|v| − t, 0). */
export function softThreshold(v: number, t: number): number {
  return v > t ? v - t : v < -t ? v + t : 0;
}

/** prox of ψ_i/Li at v: soft-threshold, or max(v − λ/Li, 0) for the nonnegative lasso, or v. */
export function proxCoord(m: Model, v: number, Li: number): number {
  if (!m.l1) return v;
  if (m.nonneg) return Math.max(v - m.lambda / Li, 0);
  return softThreshold(v, m.lambda / Li);
}

/** ‖G(x)‖∞ with G_i = L_i(x_i − prox_{ψ_i/L_i}(x_i − g_i/L_i)); needs a valid full gradient. */
export function optimality(m: Model): number {
  let best = 0;
  const { x, g, L } = m;
  for (let i = 0; i < m.n; i++) {
    const Li = L[i];
    if (!(Li > 0)) continue;
    const gi = m.l1 ? Li * (x[i] - proxCoord(m, x[i] - g[i] / Li, Li)) : g[i];
    const a = Math.abs(gi);
    if (a > best) best = a;
  }
  return best;
}

/** Min-norm-subgradient KKT residual ‖·‖∞ of §6 (L1 kinds). */
export function kktResidual(m: Model): number {
  const { x, g } = m;
  const lam = m.lambda;
  let r = 0;
  for (let i = 0; i < m.n; i++) {
    if (!(m.L[i] > 0)) continue;
    let v: number;
    if (m.nonneg) v = x[i] > 0 ? Math.abs(g[i] + lam) : Math.max(-(g[i] + lam), 0);
    else v = x[i] !== 0 ? Math.abs(g[i] + lam * Math.sign(x[i])) : Math.max(Math.abs(g[i]) - lam, 0);
    if (v > r) r = v;
  }
  return r;
}
