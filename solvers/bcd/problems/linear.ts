/**
 * @module Linear-model losses f(x) = Σ_i ℓ(a_iᵀx) (+ λ₂/2‖x‖²) for least squares / lasso (ℓ = ½(z − b)², curvature 1)
 * and logistic / L1-logistic (ℓ = softplus(−y z), curvature bound ¼), specs/bcd.md §1.2. State: z = Ax, updated by
 * z += A_b d in O(nnz(A_b)); g = Aᵀℓ'(z) in O(nnz(A)). H_b = c·A_bᵀA_b (+λ₂I), true Hessian A_bᵀdiag(ℓ'')A_b (+λ₂I).
 */
import type { BcdProblemKind } from '../../../shared/index.js';
import { gramAbsRowSums, type Csc } from './columns.js';
import type { Model } from './model.js';

export interface LinearLoss {
  kind: BcdProblemKind;
  /** b (least squares) or y ∈ {±1} (logistic). */
  target: Float64Array;
  logistic: boolean;
  lambda: number;
  nonneg: boolean;
  lambda2: number;
}

/** softplus(t) = log(1 + e^t), stable. */
export function softplus(t: number): number {
  return Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
}

/** σ(t) = 1/(1 + e^{−t}), stable. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

export class LinearModel implements Model {
  readonly n: number;
  readonly m: number;
  readonly x: Float64Array;
  readonly L: Float64Array;
  readonly g: Float64Array;
  readonly l1: boolean;
  readonly quadratic: boolean;
  readonly incremental = false;
  readonly changed = new Int32Array(0);
  changedCount = 0;
  readonly warnings: string[] = [];
  readonly kind: BcdProblemKind;
  readonly lambda: number;
  readonly nonneg: boolean;
  /** Curvature bound c: H = c·AᵀA (+λ₂I). */
  readonly curv: number;
  private readonly z: Float64Array;
  private readonly w: Float64Array;
  private wValid = false;
  private readonly zt: Float64Array;
  private readonly scatter: Float64Array;
  private readonly hw: Float64Array;

  constructor(
    readonly A: Csc,
    readonly loss: LinearLoss,
    x0?: ArrayLike<number>,
  ) {
    this.kind = loss.kind;
    this.n = A.cols;
    this.m = A.rows;
    this.lambda = loss.lambda;
    this.nonneg = loss.nonneg;
    this.l1 = loss.kind === 'lasso' || loss.kind === 'l1-logistic';
    this.quadratic = !loss.logistic;
    this.curv = loss.logistic ? 0.25 : 1;
    this.x = new Float64Array(this.n);
    if (x0) this.x.set(x0);
    this.g = new Float64Array(this.n);
    this.L = new Float64Array(this.n);
    let zero = 0;
    for (let j = 0; j < this.n; j++) {
      let s = 0;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) s += A.val[p] * A.val[p];
      this.L[j] = this.curv * s + loss.lambda2;
      if (s === 0) zero++;
    }
    if (zero > 0 && loss.lambda2 === 0) this.warnings.push(`${zero} zero column(s) ignored`);
    this.z = new Float64Array(this.m);
    this.w = new Float64Array(this.m);
    this.zt = new Float64Array(this.m);
    this.scatter = new Float64Array(this.m);
    this.hw = new Float64Array(this.m);
    this.resync();
  }

  resync(): void {
    const { A, z, x } = this;
    z.fill(0);
    for (let j = 0; j < this.n; j++) {
      const xj = x[j];
      if (xj === 0) continue;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) z[A.idx[p]] += A.val[p] * xj;
    }
    this.wValid = false;
  }

  /** w = ℓ'(z). */
  private weights(): Float64Array {
    if (this.wValid) return this.w;
    const { z, w, m } = this;
    const t = this.loss.target;
    if (this.loss.logistic) {
      for (let i = 0; i < m; i++) w[i] = -t[i] * sigmoid(-t[i] * z[i]);
    } else {
      for (let i = 0; i < m; i++) w[i] = z[i] - t[i];
    }
    this.wValid = true;
    return w;
  }

  refreshGradient(): void {
    const w = this.weights();
    const { A, g, x } = this;
    const l2 = this.loss.lambda2;
    for (let j = 0; j < this.n; j++) {
      let s = 0;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) s += A.val[p] * w[A.idx[p]];
      g[j] = s + l2 * x[j];
    }
  }

  blockGradient(b: Int32Array, len: number, out: Float64Array): void {
    const w = this.weights();
    const { A, x } = this;
    const l2 = this.loss.lambda2;
    for (let k = 0; k < len; k++) {
      const j = b[k];
      let s = 0;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) s += A.val[p] * w[A.idx[p]];
      out[k] = s + l2 * x[j];
    }
  }

  private lossOf(z: Float64Array): number {
    const t = this.loss.target;
    let s = 0;
    if (this.loss.logistic) for (let i = 0; i < this.m; i++) s += softplus(-t[i] * z[i]);
    else
      for (let i = 0; i < this.m; i++) {
        const r = z[i] - t[i];
        s += r * r;
      }
    return this.loss.logistic ? s : 0.5 * s;
  }

  private ridge(): number {
    const l2 = this.loss.lambda2;
    if (l2 === 0) return 0;
    let s = 0;
    for (let j = 0; j < this.n; j++) s += this.x[j] * this.x[j];
    return 0.5 * l2 * s;
  }

  f(): number {
    return this.lossOf(this.z) + this.ridge();
  }

  apply(b: Int32Array, len: number, d: Float64Array): void {
    const { A, z, x } = this;
    for (let k = 0; k < len; k++) {
      const j = b[k];
      const dj = d[k];
      if (dj === 0) continue;
      x[j] += dj;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) z[A.idx[p]] += A.val[p] * dj;
    }
    this.wValid = false;
  }

  trialF(b: Int32Array, len: number, d: Float64Array): number {
    const { A, zt, x } = this;
    zt.set(this.z);
    let ridgeDelta = 0;
    const l2 = this.loss.lambda2;
    for (let k = 0; k < len; k++) {
      const j = b[k];
      const dj = d[k];
      if (dj === 0) continue;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) zt[A.idx[p]] += A.val[p] * dj;
      if (l2 > 0) ridgeDelta += 0.5 * l2 * ((x[j] + dj) * (x[j] + dj) - x[j] * x[j]);
    }
    return this.lossOf(zt) + this.ridge() + ridgeDelta;
  }

  /** out = s·A_bᵀ diag(h) A_b + l2·I (h = undefined ⇒ identity weights). */
  private gram(b: Int32Array, len: number, out: Float64Array, h: Float64Array | undefined, s: number): void {
    const { A, scatter } = this;
    const l2 = this.loss.lambda2;
    for (let a = 0; a < len; a++) {
      const j = b[a];
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) scatter[A.idx[p]] = h ? A.val[p] * h[A.idx[p]] : A.val[p];
      for (let c = a; c < len; c++) {
        const jj = b[c];
        let t = 0;
        for (let p = A.ptr[jj]; p < A.ptr[jj + 1]; p++) t += A.val[p] * scatter[A.idx[p]];
        t *= s;
        if (a === c) t += l2;
        out[a * len + c] = t;
        out[c * len + a] = t;
      }
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) scatter[A.idx[p]] = 0;
    }
  }

  hessBound(b: Int32Array, len: number, out: Float64Array): void {
    this.gram(b, len, out, undefined, this.curv);
  }

  hessTrue(b: Int32Array, len: number, out: Float64Array): void {
    if (!this.loss.logistic) {
      this.gram(b, len, out, undefined, 1);
      return;
    }
    const { z, hw, m } = this;
    const t = this.loss.target;
    for (let i = 0; i < m; i++) {
      const s = sigmoid(t[i] * z[i]);
      hw[i] = s * (1 - s);
    }
    this.gram(b, len, out, hw, 1);
  }

  hv(v: Float64Array, out: Float64Array): void {
    const { A, zt } = this;
    zt.fill(0);
    for (let j = 0; j < this.n; j++) {
      const vj = v[j];
      if (vj === 0) continue;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) zt[A.idx[p]] += A.val[p] * vj;
    }
    const l2 = this.loss.lambda2;
    for (let j = 0; j < this.n; j++) {
      let s = 0;
      for (let p = A.ptr[j]; p < A.ptr[j + 1]; p++) s += A.val[p] * zt[A.idx[p]];
      out[j] = this.curv * s + l2 * v[j];
    }
  }

  gershgorin(): Float64Array {
    const D = gramAbsRowSums(this.A);
    for (let j = 0; j < this.n; j++) D[j] = this.curv * D[j] + this.loss.lambda2;
    return D;
  }

}
