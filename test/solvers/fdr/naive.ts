/**
 * @module An unfused, allocation-heavy transcription of specs/fdr.md §2.2 for tests: explicit ∇, div, brute-force
 * pair sums T and T* (double loops over pairs), μ̄ stored explicitly as 2μ − μ_old. Slow, only for tiny grids.
 */
import { liftedSteps, pairIndex, type LiftedConfig } from '../../../solvers/fdr/lifted.js';
import { projectBallInPlace, projectBoxInPlace, projectParabolaInPlace } from '../../../solvers/fdr/projections.js';

export function strides(shape: number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let j = shape.length - 1; j >= 0; j--) {
    st[j] = s;
    s *= shape[j];
  }
  return st;
}

/** Forward differences of w (N·L) along axis j (zero at the last index), and along t (j = d) with factor L. */
export function grad(w: Float64Array, shape: number[], L: number, h: number[], j: number): Float64Array {
  const N = w.length / L;
  const st = strides(shape);
  const out = new Float64Array(N * L);
  for (let x = 0; x < N; x++) {
    for (let k = 0; k < L; k++) {
      if (j === shape.length) out[x * L + k] = k < L - 1 ? (w[x * L + k + 1] - w[x * L + k]) * L : 0;
      else {
        const i = Math.floor(x / st[j]) % shape[j];
        out[x * L + k] = i < shape[j] - 1 ? (w[(x + st[j]) * L + k] - w[x * L + k]) / h[j] : 0;
      }
    }
  }
  return out;
}

/** Divergence component along axis j (or t for j = d): exact negative adjoint of grad. */
export function div(p: Float64Array, shape: number[], L: number, h: number[], j: number): Float64Array {
  const N = p.length / L;
  const st = strides(shape);
  const out = new Float64Array(N * L);
  for (let x = 0; x < N; x++) {
    for (let k = 0; k < L; k++) {
      if (j === shape.length) {
        const here = k < L - 1 ? p[x * L + k] : 0;
        const prev = k > 0 ? p[x * L + k - 1] : 0;
        out[x * L + k] = (here - prev) * L;
      } else {
        const i = Math.floor(x / st[j]) % shape[j];
        const here = i < shape[j] - 1 ? p[x * L + k] : 0;
        const prev = i > 0 ? p[(x - st[j]) * L + k] : 0;
        out[x * L + k] = (here - prev) / h[j];
      }
    }
  }
  return out;
}

/** T(p)[x, pair] = Σ_{k=k1..k2} p[x, k] by brute force. */
export function pairSum(p: Float64Array, N: number, L: number): Float64Array {
  const P = (L * (L + 1)) / 2;
  const out = new Float64Array(N * P);
  for (let x = 0; x < N; x++)
    for (let k1 = 0; k1 < L; k1++)
      for (let k2 = k1; k2 < L; k2++) {
        let s = 0;
        for (let k = k1; k <= k2; k++) s += p[x * L + k];
        out[x * P + pairIndex(L, k1, k2)] = s;
      }
  return out;
}

/** T*(μ)[x, k] = Σ_{k1 ≤ k ≤ k2} μ[x, pair] by brute force. */
export function pairAdjoint(mu: Float64Array, N: number, L: number): Float64Array {
  const P = (L * (L + 1)) / 2;
  const out = new Float64Array(N * L);
  for (let x = 0; x < N; x++)
    for (let k = 0; k < L; k++) {
      let s = 0;
      for (let k1 = 0; k1 <= k; k1++) for (let k2 = k; k2 < L; k2++) s += mu[x * P + pairIndex(L, k1, k2)];
      out[x * L + k] = s;
    }
  return out;
}

export interface NaiveState {
  v: Float64Array;
  vprev: Float64Array;
  px: Float64Array[]; // per axis, N·L
  pt: Float64Array;
  s: Float64Array[]; // per axis, N·P
  mu: Float64Array[];
  muOld: Float64Array[];
}

export function naiveInit(v0: Float64Array, cfg: LiftedConfig): NaiveState {
  const L = cfg.levels;
  const N = v0.length / L;
  const P = (L * (L + 1)) / 2;
  const d = cfg.shape.length;
  const z = (n: number) => Array.from({ length: d }, () => new Float64Array(n));
  return { v: v0.slice(), vprev: v0.slice(), px: z(N * L), pt: new Float64Array(N * L), s: z(N * P), mu: z(N * P), muOld: z(N * P) };
}

/** One iteration of §2.2 with explicit operators; returns mean |v − vprev|. */
export function naiveIterate(st: NaiveState, f: Float64Array, cfg: LiftedConfig): number {
  const L = cfg.levels;
  const N = f.length;
  const d = cfg.shape.length;
  const P = (L * (L + 1)) / 2;
  const steps = liftedSteps(cfg);
  const vbar = st.v.map((v, i) => 2 * v - st.vprev[i]);
  // μ̄ = 2μ − μ_old (corrected) or μ (reference)
  const mubar = st.mu.map((m, j) => m.map((v, i) => (steps.omega ? 2 * v - st.muOld[j][i] : v)));
  const M = mubar.map((m) => pairAdjoint(m, N, L));
  const g = Array.from({ length: d + 1 }, (_, j) => grad(vbar, cfg.shape, L, cfg.h, j));
  const q = new Float64Array(d + 1);
  for (let x = 0; x < N; x++)
    for (let k = 0; k < L; k++) {
      const i = x * L + k;
      const sp = steps.sigmaP[k];
      for (let j = 0; j < d; j++) q[j] = st.px[j][i] + sp * (g[j][i] + M[j][i]);
      q[d] = st.pt[i] + sp * g[d][i];
      projectParabolaInPlace(q, 0, d, cfg.lambda * ((k + 1) / L - f[x]) ** 2);
      for (let j = 0; j < d; j++) st.px[j][i] = q[j];
      st.pt[i] = q[d];
    }
  const m = new Float64Array(d);
  for (let i = 0; i < N * P; i++) {
    for (let j = 0; j < d; j++) m[j] = st.s[j][i] - steps.sigmaS * mubar[j][i];
    projectBallInPlace(m, 0, d, cfg.nu, steps.ballThreshold);
    for (let j = 0; j < d; j++) st.s[j][i] = m[j];
  }
  for (let j = 0; j < d; j++) {
    const T = pairSum(st.px[j], N, L);
    st.muOld[j] = st.mu[j].slice();
    for (let x = 0; x < N; x++)
      for (let pi = 0; pi < P; pi++) {
        const i = x * P + pi;
        st.mu[j][i] += steps.tauMu[pi] * (st.s[j][i] - T[i]);
      }
  }
  const dv = new Float64Array(N * L);
  for (let j = 0; j <= d; j++) {
    const dj = div(j < d ? st.px[j] : st.pt, cfg.shape, L, cfg.h, j);
    for (let i = 0; i < N * L; i++) dv[i] += dj[i];
  }
  let e = 0;
  for (let x = 0; x < N; x++) {
    const nv = new Float64Array(L);
    for (let k = 0; k < L; k++) nv[k] = st.v[x * L + k] + steps.tauV * dv[x * L + k];
    projectBoxInPlace(nv, 0, L);
    for (let k = 0; k < L; k++) {
      e += Math.abs(nv[k] - st.v[x * L + k]);
      st.vprev[x * L + k] = st.v[x * L + k];
      st.v[x * L + k] = nv[k];
    }
  }
  return e / (N * L);
}
