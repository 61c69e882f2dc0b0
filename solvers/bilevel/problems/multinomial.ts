/**
 * @module Multinomial logistic regression with one log-penalty per weight (specs/bilevel.md §1.8d): x = W (d×k,
 * row-major), h = CE_mean(X_tr W) + ½Σⱼ e^θⱼ Wⱼ², g = CE_mean(X_val W). Closed forms with S = softmax(XW):
 * ∇ = Xᵀ(S − Y)/m + e^θ⊙W, H V = Xᵀ[S⊙XV − S⊙rowsum(S⊙XV)]/m + e^θ⊙V, J diagonal: Jᵀq = e^θ⊙W⊙q.
 * μ = min e^θ, L_h = ‖X_tr‖²/(2m) + max e^θ, L_g = ‖X_val‖²/(2m_val). GEMMs through ctx.kernels.
 */
import type { Kernels, F64 } from '../../kernels/ops.js';
import type { BilevelModel } from './types.js';

export interface Split {
  m: number;
  X: F64;
  labels: Int32Array;
}

/** ‖X‖₂² (m×d) by power iteration on XᵀX, padded by 1e-6 relative. */
export function spectralNormSq(m: number, d: number, X: F64, k: Kernels): number {
  const v = new Float64Array(d);
  const t = new Float64Array(m);
  const w = new Float64Array(d);
  for (let i = 0; i < d; i++) v[i] = 1 + 0.1 * Math.cos(i);
  let lam = 0;
  for (let it = 0; it < 1000; it++) {
    const nv = k.nrm2(d, v);
    k.scale(d, 1 / nv, v);
    k.gemv(false, m, d, 1, X, v, 0, t);
    k.gemv(true, m, d, 1, X, t, 0, w);
    const r = k.dot(d, v, w);
    v.set(w);
    if (it > 5 && Math.abs(r - lam) <= 1e-10 * r) {
      lam = r;
      break;
    }
    lam = r;
  }
  return lam * (1 + 1e-6);
}

/** Row-wise softmax of Z (m×k) in place; returns the mean cross-entropy against labels. */
function softmaxCe(m: number, k: number, Z: F64, labels: Int32Array): number {
  let ce = 0;
  for (let i = 0; i < m; i++) {
    const o = i * k;
    let mx = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < k; c++) mx = Math.max(mx, Z[o + c]);
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(Z[o + c] - mx);
      Z[o + c] = e;
      s += e;
    }
    ce += Math.log(s) + mx - (Math.log(Z[o + labels[i]]) + mx);
    for (let c = 0; c < k; c++) Z[o + c] /= s;
  }
  return ce / m;
}

export function createMultinomialModel(train: Split, val: Split, d: number, k: number, K: Kernels, theta0?: F64): BilevelModel & {
  accuracy(split: Split, W: F64): number;
  crossEntropy(split: Split, W: F64): number;
} {
  const n = d * k;
  const mt = train.m;
  const mv = val.m;
  const S = new Float64Array(Math.max(mt, mv) * k);
  const XV = new Float64Array(mt * k);
  const Lx = spectralNormSq(mt, d, train.X, K) / (2 * mt);
  const Lg = spectralNormSq(mv, d, val.X, K) / (2 * mv);
  const ce = (s: Split, W: F64): number => {
    K.gemm(false, false, s.m, k, d, 1, s.X, W, 0, S);
    return softmaxCe(s.m, k, S, s.labels);
  };
  /** out = Xᵀ(S − Y)/m for the split, S already holding softmax(XW). */
  const ceGrad = (s: Split, out: F64): void => {
    for (let i = 0; i < s.m; i++) S[i * k + s.labels[i]] -= 1;
    K.gemm(true, false, d, k, s.m, 1 / s.m, s.X, S, 0, out);
  };
  const maxExp = (t: F64) => {
    let a = 0;
    for (let j = 0; j < n; j++) a = Math.max(a, Math.exp(t[j]));
    return a;
  };
  const minExp = (t: F64) => {
    let a = Number.POSITIVE_INFINITY;
    for (let j = 0; j < n; j++) a = Math.min(a, Math.exp(t[j]));
    return a;
  };
  return {
    n,
    p: n,
    theta0: theta0 ?? new Float64Array(n).fill(-3),
    x0: new Float64Array(n),
    linearLower: false,
    admissible(t) {
      for (let j = 0; j < t.length; j++) if (!(Math.abs(t[j]) < 700)) return false;
      return true;
    },
    mu: minExp,
    lipschitz: (t) => Lx + maxExp(t),
    lipschitzUpper: Lg,
    gradLower(W, t, out) {
      ce(train, W);
      ceGrad(train, out);
      for (let j = 0; j < n; j++) out[j] += Math.exp(t[j]) * W[j];
    },
    lowerValue(W, t) {
      let r = ce(train, W);
      for (let j = 0; j < n; j++) r += 0.5 * Math.exp(t[j]) * W[j] * W[j];
      return r;
    },
    hvp(W, t, V, out) {
      K.gemm(false, false, mt, k, d, 1, train.X, W, 0, S);
      softmaxCe(mt, k, S, train.labels);
      K.gemm(false, false, mt, k, d, 1, train.X, V, 0, XV);
      for (let i = 0; i < mt; i++) {
        const o = i * k;
        let r = 0;
        for (let c = 0; c < k; c++) r += S[o + c] * XV[o + c];
        for (let c = 0; c < k; c++) XV[o + c] = S[o + c] * (XV[o + c] - r);
      }
      K.gemm(true, false, d, k, mt, 1 / mt, train.X, XV, 0, out);
      for (let j = 0; j < n; j++) out[j] += Math.exp(t[j]) * V[j];
    },
    jtq(W, t, q, out) {
      for (let j = 0; j < n; j++) out[j] = Math.exp(t[j]) * W[j] * q[j];
    },
    jv(W, t, v, out) {
      for (let j = 0; j < n; j++) out[j] = Math.exp(t[j]) * W[j] * v[j];
    },
    jNorm(W, t) {
      let a = 0;
      for (let j = 0; j < n; j++) a = Math.max(a, Math.exp(t[j]) * Math.abs(W[j]));
      return a;
    },
    upper: (W) => ce(val, W),
    gradUpper(W, out) {
      const v = ce(val, W);
      ceGrad(val, out);
      return v;
    },
    reference: (t) => {
      const L = Lx + maxExp(t);
      return { L, mu: Math.max(L - 1e-3, 1e-12), lipschitzUpper: Lg, stopFactor: 1 };
    },
    accuracy(s, W) {
      K.gemm(false, false, s.m, k, d, 1, s.X, W, 0, S);
      let ok = 0;
      for (let i = 0; i < s.m; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (S[i * k + c] > S[i * k + best]) best = c;
        if (best === s.labels[i]) ok++;
      }
      return ok / s.m;
    },
    crossEntropy: (s, W) => ce(s, W),
  };
}

/** Seeded synthetic 10-class set of §4.4: d features (48 informative), noise 0.6, clipped to [0,1]. */
export function syntheticClasses(
  rng: { next(): number; normal(): number; shuffle<T extends { length: number; [i: number]: number }>(a: T): T },
  sizes: { train: number; validation: number; test: number },
  d = 64,
  informative = 48,
  classes = 10,
): { train: Split; validation: Split; test: Split } {
  const protos = new Float64Array(classes * d);
  for (let c = 0; c < classes; c++) for (let j = 0; j < d; j++) protos[c * d + j] = j < informative ? rng.next() : 0.5;
  const make = (m: number): Split => {
    const labels = new Int32Array(m);
    for (let i = 0; i < m; i++) labels[i] = i % classes;
    rng.shuffle(labels);
    const X = new Float64Array(m * d);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) X[i * d + j] = Math.min(1, Math.max(0, protos[labels[i] * d + j] + 0.6 * rng.normal()));
    }
    return { m, X, labels };
  };
  return { train: make(sizes.train), validation: make(sizes.validation), test: make(sizes.test) };
}
