/**
 * @module Smoothed anisotropic TV denoising (specs/bilevel.md §1.8b): θ = (log weight, log smoothing γ),
 * h = [½‖x − y‖² + ½e^θ₀ Σ_d Σ ψ_γ(D_d x)]/N, g = ½‖x − x_true‖²/N over N images, ψ_γ(u) = √(u² + γ²).
 * Differences via ctx.kernels.grad (Neumann: the extra boundary entries are 0 and add only a constant to h) and
 * Dᵀ = −div. Closed-form ∇ₓh, H v, Jᵀq, J v; ‖J‖₂ exact from the 2×2 Gram of J's columns.
 */
import type { Kernels, F64 } from '../../kernels/ops.js';
import type { BilevelModel } from './types.js';

export interface ImageBatch {
  count: number;
  h: number;
  w: number;
  clean: F64;
  noisy: F64;
}

export function createTvModel(data: ImageBatch, k: Kernels, theta0?: F64): BilevelModel {
  const { count: N, h, w, clean, noisy } = data;
  const hw = h * w;
  const n = N * hw;
  const shape = [h, w];
  const G = new Float64Array(2 * hw);
  const Gv = new Float64Array(2 * hw);
  const P = new Float64Array(2 * hw);
  const T = new Float64Array(hw);
  const col0 = new Float64Array(n);
  const col1 = new Float64Array(n);
  /**
   * Per-image views of an n-vector, made once per distinct array: the products are called with the same few work
   * buffers on every iteration, so a one-entry cache per argument slot avoids N subarray views per call.
   */
  const viewCache = (): ((a: F64, i: number) => F64) => {
    let src: F64 | undefined;
    const views: F64[] = new Array<F64>(N);
    return (a, i) => {
      if (a !== src) {
        for (let m = 0; m < N; m++) views[m] = a.subarray(m * hw, (m + 1) * hw);
        src = a;
      }
      return views[i];
    };
  };
  const viewX = viewCache();
  const viewV = viewCache();
  return {
    n,
    p: 2,
    theta0: theta0 ?? Float64Array.of(-5, -5),
    x0: new Float64Array(n),
    linearLower: false,
    admissible: (t) => Math.abs(t[0]) < 700 && Math.abs(t[1]) < 700,
    mu: () => 1 / N,
    lipschitz: (t) => (1 + (4 * Math.exp(t[0])) / Math.exp(t[1])) / N,
    lipschitzUpper: 1 / N,
    gradLower(x, t, out) {
      const c = 0.5 * Math.exp(t[0]);
      const g2 = Math.exp(2 * t[1]);
      for (let i = 0; i < N; i++) {
        k.grad(shape, viewX(x, i), G);
        for (let j = 0; j < 2 * hw; j++) P[j] = G[j] / Math.sqrt(G[j] * G[j] + g2);
        k.div(shape, P, T);
        const o = i * hw;
        for (let j = 0; j < hw; j++) out[o + j] = (x[o + j] - noisy[o + j] - c * T[j]) / N;
      }
    },
    lowerValue(x, t) {
      const c = 0.5 * Math.exp(t[0]);
      const g2 = Math.exp(2 * t[1]);
      let s = 0;
      for (let i = 0; i < N; i++) {
        k.grad(shape, viewX(x, i), G);
        for (let j = 0; j < 2 * hw; j++) s += c * Math.sqrt(G[j] * G[j] + g2);
      }
      for (let j = 0; j < n; j++) s += 0.5 * (x[j] - noisy[j]) ** 2;
      return s / N;
    },
    hvp(x, t, v, out) {
      const c = 0.5 * Math.exp(t[0]);
      const gam = Math.exp(t[1]);
      const g2 = gam * gam;
      for (let i = 0; i < N; i++) {
        k.grad(shape, viewX(x, i), G);
        k.grad(shape, viewV(v, i), Gv);
        for (let j = 0; j < 2 * hw; j++) {
          const s = G[j] * G[j] + g2;
          P[j] = (g2 / (s * Math.sqrt(s))) * Gv[j];
        }
        k.div(shape, P, T);
        const o = i * hw;
        for (let j = 0; j < hw; j++) out[o + j] = (v[o + j] - c * T[j]) / N;
      }
    },
    jtq(x, t, q, out) {
      const c = 0.5 * Math.exp(t[0]);
      const g2 = Math.exp(2 * t[1]);
      let s0 = 0;
      let s1 = 0;
      for (let i = 0; i < N; i++) {
        k.grad(shape, viewX(x, i), G);
        k.grad(shape, viewV(q, i), Gv);
        for (let j = 0; j < 2 * hw; j++) {
          const u = G[j];
          const s = u * u + g2;
          const r = Math.sqrt(s);
          s0 += (u / r) * Gv[j];
          s1 += ((-u * g2) / (s * r)) * Gv[j];
        }
      }
      out[0] = (c * s0) / N;
      out[1] = (c * s1) / N;
    },
    jv(x, t, v, out) {
      columns(x, t);
      for (let j = 0; j < n; j++) out[j] = col0[j] * v[0] + col1[j] * v[1];
    },
    jNorm(x, t, extra) {
      columns(x, t);
      extra.products += 2;
      let a = 0;
      let b = 0;
      let c = 0;
      for (let j = 0; j < n; j++) {
        a += col0[j] * col0[j];
        b += col0[j] * col1[j];
        c += col1[j] * col1[j];
      }
      const lmax = 0.5 * (a + c) + Math.sqrt(0.25 * (a - c) * (a - c) + b * b);
      return Math.sqrt(Math.max(lmax, 0));
    },
    upper(x) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const d = x[j] - clean[j];
        s += d * d;
      }
      return (0.5 * s) / N;
    },
    gradUpper(x, out) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const d = x[j] - clean[j];
        s += d * d;
        out[j] = d / N;
      }
      return (0.5 * s) / N;
    },
    reference: (t) => ({ L: 1 + (Math.SQRT2 * 2 * Math.exp(t[0])) / Math.exp(t[1]), mu: 1, lipschitzUpper: 1, stopFactor: 1 }),
  };

  /** J's two columns: ∂θ₀∇ₓh = ½e^θ₀ Dᵀψ′(Dx)/N and ∂θ₁∇ₓh = ½e^θ₀ Dᵀ(γ∂γψ′(Dx))/N. */
  function columns(x: F64, t: F64): void {
    const c = 0.5 * Math.exp(t[0]);
    const g2 = Math.exp(2 * t[1]);
    for (let i = 0; i < N; i++) {
      k.grad(shape, viewX(x, i), G);
      for (let j = 0; j < 2 * hw; j++) {
        const u = G[j];
        const s = u * u + g2;
        const r = Math.sqrt(s);
        P[j] = u / r;
        Gv[j] = (-u * g2) / (s * r);
      }
      const o = i * hw;
      k.div(shape, P, T);
      for (let j = 0; j < hw; j++) col0[o + j] = (-c * T[j]) / N;
      k.div(shape, Gv, T);
      for (let j = 0; j < hw; j++) col1[o + j] = (-c * T[j]) / N;
    }
  }
}
