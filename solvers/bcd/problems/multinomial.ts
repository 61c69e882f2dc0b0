/**
 * @module Multinomial logistic f(W) = Σ_i [logsumexp(a_iᵀW) − (a_iᵀW)_{label_i}] over W (n×k, entry (j,c) at j·k + c),
 * specs/bcd.md §1.2: G = Aᵀ(P − Y); L_(j,c) = ¼‖a_j‖²; Böhning-type block bound H_b with s = ½(1 − 1/k') on equal
 * classes and −½/k' otherwise, k' = min(k, #distinct classes in b + 1) (Decision 14); true Hessian
 * Σ_i a_ij a_ij' (p_ic δ_cc' − p_ic p_ic'). State Z = AW (m×k), P = row-softmax(Z) refreshed lazily.
 */
import { gramAbsRowSums, type Csc } from './columns.js';
import type { Model } from './model.js';

export class MultinomialModel implements Model {
  readonly kind = 'multinomial-logistic' as const;
  readonly n: number;
  readonly x: Float64Array;
  readonly L: Float64Array;
  readonly g: Float64Array;
  readonly lambda = 0;
  readonly l1 = false;
  readonly nonneg = false;
  readonly quadratic = false;
  readonly incremental = false;
  readonly changed = new Int32Array(0);
  changedCount = 0;
  readonly warnings: string[] = [];
  private readonly m: number;
  private readonly p: number;
  private readonly Z: Float64Array;
  private readonly P: Float64Array;
  private pValid = false;
  private readonly Zt: Float64Array;
  private readonly scat: Float64Array;
  private readonly seen: Int32Array;

  constructor(
    readonly A: Csc,
    readonly labels: Int32Array,
    readonly k: number,
    x0?: ArrayLike<number>,
  ) {
    this.m = A.rows;
    this.p = A.cols;
    this.n = A.cols * k;
    this.x = new Float64Array(this.n);
    if (x0) this.x.set(x0);
    this.g = new Float64Array(this.n);
    this.L = new Float64Array(this.n);
    let zero = 0;
    for (let j = 0; j < this.p; j++) {
      let s = 0;
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) s += A.val[q] * A.val[q];
      if (s === 0) zero++;
      for (let c = 0; c < k; c++) this.L[j * k + c] = 0.25 * s;
    }
    if (zero > 0) this.warnings.push(`${zero} zero column(s) ignored`);
    this.Z = new Float64Array(this.m * k);
    this.P = new Float64Array(this.m * k);
    this.Zt = new Float64Array(this.m * k);
    this.scat = new Float64Array(this.m);
    this.seen = new Int32Array(k).fill(-1);
    this.resync();
  }

  resync(): void {
    const { A, Z, x, k } = this;
    Z.fill(0);
    for (let j = 0; j < this.p; j++) {
      for (let c = 0; c < k; c++) {
        const v = x[j * k + c];
        if (v === 0) continue;
        for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) Z[A.idx[q] * k + c] += A.val[q] * v;
      }
    }
    this.pValid = false;
  }

  private probs(): Float64Array {
    if (this.pValid) return this.P;
    const { Z, P, k } = this;
    for (let i = 0; i < this.m; i++) {
      let mx = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) mx = Math.max(mx, Z[i * k + c]);
      let s = 0;
      for (let c = 0; c < k; c++) {
        const e = Math.exp(Z[i * k + c] - mx);
        P[i * k + c] = e;
        s += e;
      }
      for (let c = 0; c < k; c++) P[i * k + c] /= s;
    }
    this.pValid = true;
    return P;
  }

  refreshGradient(): void {
    const P = this.probs();
    const { A, g, k, labels } = this;
    g.fill(0);
    for (let j = 0; j < this.p; j++) {
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) {
        const i = A.idx[q];
        const a = A.val[q];
        const row = i * k;
        for (let c = 0; c < k; c++) g[j * k + c] += a * P[row + c];
        g[j * k + labels[i]] -= a;
      }
    }
  }

  blockGradient(b: Int32Array, len: number, out: Float64Array): void {
    const P = this.probs();
    const { A, k, labels } = this;
    for (let t = 0; t < len; t++) {
      const j = Math.floor(b[t] / k);
      const c = b[t] - j * k;
      let s = 0;
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) {
        const i = A.idx[q];
        s += A.val[q] * (P[i * k + c] - (labels[i] === c ? 1 : 0));
      }
      out[t] = s;
    }
  }

  private lossOf(Z: Float64Array): number {
    const { k, labels } = this;
    let f = 0;
    for (let i = 0; i < this.m; i++) {
      let mx = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) mx = Math.max(mx, Z[i * k + c]);
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(Z[i * k + c] - mx);
      f += mx + Math.log(s) - Z[i * k + labels[i]];
    }
    return f;
  }

  f(): number {
    return this.lossOf(this.Z);
  }

  private addTo(Z: Float64Array, b: Int32Array, len: number, d: Float64Array): void {
    const { A, k } = this;
    for (let t = 0; t < len; t++) {
      const dv = d[t];
      if (dv === 0) continue;
      const j = Math.floor(b[t] / k);
      const c = b[t] - j * k;
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) Z[A.idx[q] * k + c] += A.val[q] * dv;
    }
  }

  apply(b: Int32Array, len: number, d: Float64Array): void {
    for (let t = 0; t < len; t++) this.x[b[t]] += d[t];
    this.addTo(this.Z, b, len, d);
    this.pValid = false;
  }

  trialF(b: Int32Array, len: number, d: Float64Array): number {
    this.Zt.set(this.Z);
    this.addTo(this.Zt, b, len, d);
    return this.lossOf(this.Zt);
  }

  /** k' = min(k, #distinct classes in b + 1). */
  private kPrime(b: Int32Array, len: number): number {
    let cnt = 0;
    const stamp = b[0] + 1;
    for (let t = 0; t < len; t++) {
      const c = b[t] % this.k;
      if (this.seen[c] !== stamp) {
        this.seen[c] = stamp;
        cnt++;
      }
    }
    this.seen.fill(-1);
    return Math.min(this.k, cnt + 1);
  }

  hessBound(b: Int32Array, len: number, out: Float64Array): void {
    const { A, k, scat } = this;
    const kp = this.kPrime(b, len);
    const same = 0.5 * (1 - 1 / kp);
    const other = -0.5 / kp;
    for (let a = 0; a < len; a++) {
      const j = Math.floor(b[a] / k);
      const c = b[a] - j * k;
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) scat[A.idx[q]] = A.val[q];
      for (let e = a; e < len; e++) {
        const jj = Math.floor(b[e] / k);
        const cc = b[e] - jj * k;
        let t = 0;
        for (let q = A.ptr[jj]; q < A.ptr[jj + 1]; q++) t += A.val[q] * scat[A.idx[q]];
        t *= c === cc ? same : other;
        out[a * len + e] = t;
        out[e * len + a] = t;
      }
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) scat[A.idx[q]] = 0;
    }
  }

  hessTrue(b: Int32Array, len: number, out: Float64Array): void {
    const P = this.probs();
    const { A, k, scat } = this;
    for (let a = 0; a < len; a++) {
      const j = Math.floor(b[a] / k);
      const c = b[a] - j * k;
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) scat[A.idx[q]] = A.val[q];
      for (let e = a; e < len; e++) {
        const jj = Math.floor(b[e] / k);
        const cc = b[e] - jj * k;
        let t = 0;
        for (let q = A.ptr[jj]; q < A.ptr[jj + 1]; q++) {
          const i = A.idx[q];
          const pc = P[i * k + c];
          const w = c === cc ? pc - pc * pc : -pc * P[i * k + cc];
          t += A.val[q] * scat[i] * w;
        }
        out[a * len + e] = t;
        out[e * len + a] = t;
      }
      for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) scat[A.idx[q]] = 0;
    }
  }

  hv(v: Float64Array, out: Float64Array): void {
    // T = A V (m×k); U = AᵀT; (Hv)_(j,c) = ½U_jc − (½/k) Σ_c' U_jc'.
    const { A, k, Zt } = this;
    Zt.fill(0);
    this.addAll(Zt, v);
    for (let j = 0; j < this.p; j++) {
      let rs = 0;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) s += A.val[q] * Zt[A.idx[q] * k + c];
        out[j * k + c] = s;
        rs += s;
      }
      for (let c = 0; c < k; c++) out[j * k + c] = 0.5 * out[j * k + c] - (0.5 / k) * rs;
    }
  }

  private addAll(Z: Float64Array, v: Float64Array): void {
    const { A, k } = this;
    for (let j = 0; j < this.p; j++) {
      for (let c = 0; c < k; c++) {
        const vv = v[j * k + c];
        if (vv === 0) continue;
        for (let q = A.ptr[j]; q < A.ptr[j + 1]; q++) Z[A.idx[q] * k + c] += A.val[q] * vv;
      }
    }
  }

  gershgorin(): Float64Array {
    const G = gramAbsRowSums(this.A);
    const D = new Float64Array(this.n);
    const s = 1 - 1 / this.k;
    for (let j = 0; j < this.p; j++) for (let c = 0; c < this.k; c++) D[j * this.k + c] = s * G[j];
    return D;
  }
}
