/**
 * @module Field-of-experts denoising (specs/bilevel.md §1.8c): F filters kᵢ (f×f), Kᵢx = valid cross-correlation
 * of the image reflect-padded by 2 pixels, h = [½‖x − y‖² + Σᵢ cᵢ Σ ψ_γᵢ(Kᵢx)]/N with cᵢ = ½e^θ₀e^θᵢ, γᵢ = e^θ_{F+i},
 * g = ½‖x − x_true‖²/N. θ = [θ₀ | F log-weights | F log-smoothings | F·f² raw filter coefficients].
 * Kᵢ runs as ctx.kernels.conv2d on the padded image then a crop; Kᵢᵀ as embed → conv2dAdjoint → pad adjoint.
 */
import { SolverError } from '../../../shared/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Kernels, F64 } from '../../kernels/ops.js';
import type { ImageBatch } from './tv.js';
import type { BilevelModel } from './types.js';

const PAD = 2;

/** Default θ₀ (§1.8c): θ₀ = −3, log-weights −3, log-smoothings −3.5, Xavier-normal filters with the mean removed. */
export function foeTheta0(F: number, f: number, rng: Rng, referenceQuirk = false): F64 {
  const t = new Float64Array(1 + 2 * F + F * f * f);
  t.fill(-3, 0, 1 + F);
  if (referenceQuirk) t.fill(-3.5, F, 2 * F);
  else t.fill(-3.5, 1 + F, 1 + 2 * F);
  const std = Math.sqrt(2 / (f + f));
  for (let i = 0; i < F; i++) {
    const k = t.subarray(1 + 2 * F + i * f * f, 1 + 2 * F + (i + 1) * f * f);
    rng.fillNormal(k, 0, std);
    let m = 0;
    for (let j = 0; j < k.length; j++) m += k[j];
    m /= k.length;
    for (let j = 0; j < k.length; j++) k[j] -= m;
  }
  return t;
}

/** Reflect index (edge excluded): −1 → 1, n → n − 2. */
function refl(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

export function createFoeModel(data: ImageBatch, F: number, f: number, K: Kernels, theta0: F64): BilevelModel {
  const { count: N, h, w, clean, noisy } = data;
  if (h < PAD + 1 || w < PAD + 1) throw new SolverError(`FoE needs images of at least ${PAD + 1}×${PAD + 1} pixels`);
  const r = (f - 1) >> 1;
  const Hp = h + 2 * PAD;
  const Wp = w + 2 * PAD;
  const oh = Hp - f + 1;
  const ow = Wp - f + 1;
  if (oh < 1 || ow < 1) throw new SolverError(`FoE filter size ${f} is too large for ${h}×${w} images`);
  const hw = h * w;
  const n = N * hw;
  const ff = f * f;
  const kOff = 1 + 2 * F;
  const p = kOff + F * ff;
  const Px = new Float64Array(Hp * Wp);
  const Pv = new Float64Array(Hp * Wp);
  const full = new Float64Array(Hp * Wp);
  const full2 = new Float64Array(Hp * Wp);
  const E = new Float64Array(Hp * Wp); // embedded weights: only the valid window is ever written
  const adj = new Float64Array(Hp * Wp);
  const acc = new Float64Array(Hp * Wp);
  const U = new Float64Array(oh * ow);
  const Wq = new Float64Array(oh * ow);
  const jvBuf = new Float64Array(n);
  const pv1 = new Float64Array(p);
  const pv2 = new Float64Array(p);
  // Filter coefficients copied out of θ (and of v in jv) into fixed buffers with views made once, so that the
  // per-image, per-filter loops of every product create no subarray views.
  const kBuf = new Float64Array(F * ff);
  const vBuf = new Float64Array(F * ff);
  const kViews: F64[] = [];
  const vViews: F64[] = [];
  for (let i = 0; i < F; i++) {
    kViews.push(kBuf.subarray(i * ff, (i + 1) * ff));
    vViews.push(vBuf.subarray(i * ff, (i + 1) * ff));
  }
  /** Copies the F·f² filter coefficients of t into dst (kBuf or vBuf). */
  const loadFilters = (t: F64, dst: F64): void => {
    for (let j = 0; j < F * ff; j++) dst[j] = t[kOff + j];
  };

  const pad = (src: F64, off: number, dst: F64): void => {
    for (let i = 0; i < Hp; i++) {
      const si = refl(i - PAD, h) * w + off;
      for (let j = 0; j < Wp; j++) dst[i * Wp + j] = src[si + refl(j - PAD, w)];
    }
  };
  /** out[off..] += Pᵀ a (fold the padded grid back onto the image). */
  const padAdjointAdd = (a: F64, out: F64, off: number, scale: number): void => {
    for (let i = 0; i < Hp; i++) {
      const oi = refl(i - PAD, h) * w + off;
      for (let j = 0; j < Wp; j++) out[oi + refl(j - PAD, w)] += scale * a[i * Wp + j];
    }
  };
  /** U = crop(conv2d(padded, k)). */
  const corr = (padded: F64, k: F64, out: F64): void => {
    K.conv2d(Hp, Wp, padded, f, k, full);
    for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) out[i * ow + j] = full[(i + r) * Wp + j + r];
  };
  /** acc += Kᵀ(E) on the padded grid (E holds the valid-window weights). */
  const corrAdjointAdd = (k: F64): void => {
    K.conv2dAdjoint(Hp, Wp, E, f, k, adj);
    for (let j = 0; j < Hp * Wp; j++) acc[j] += adj[j];
  };
  const setE = (i: number, j: number, v: number): void => {
    E[(i + r) * Wp + j + r] = v;
  };
  const c = (t: F64, i: number): number => 0.5 * Math.exp(t[0] + t[1 + i]);
  const gam = (t: F64, i: number): number => Math.exp(t[1 + F + i]);

  const model: BilevelModel = {
    n,
    p,
    theta0,
    x0: new Float64Array(n),
    linearLower: false,
    admissible: (t) => {
      for (let i = 0; i < 1 + 2 * F; i++) if (!(Math.abs(t[i]) < 700)) return false;
      for (let i = kOff; i < p; i++) if (!Number.isFinite(t[i])) return false;
      return true;
    },
    mu: () => 1 / N,
    lipschitz(t) {
      let s = 1;
      for (let i = 0; i < F; i++) {
        let l1 = 0;
        for (let j = 0; j < ff; j++) l1 += Math.abs(t[kOff + i * ff + j]);
        s += (c(t, i) * (2 * l1) ** 2) / gam(t, i);
      }
      return s / N;
    },
    lipschitzUpper: 1 / N,
    gradLower(x, t, out) {
      loadFilters(t, kBuf);
      for (let m = 0; m < N; m++) {
        const off = m * hw;
        pad(x, off, Px);
        acc.fill(0);
        for (let i = 0; i < F; i++) {
          const ci = c(t, i);
          const g2 = gam(t, i) ** 2;
          corr(Px, kViews[i], U);
          for (let a = 0; a < oh; a++) {
            for (let b = 0; b < ow; b++) {
              const u = U[a * ow + b];
              setE(a, b, (ci * u) / Math.sqrt(u * u + g2));
            }
          }
          corrAdjointAdd(kViews[i]);
        }
        for (let j = 0; j < hw; j++) out[off + j] = x[off + j] - noisy[off + j];
        padAdjointAdd(acc, out, off, 1);
        for (let j = 0; j < hw; j++) out[off + j] /= N;
      }
    },
    lowerValue(x, t) {
      loadFilters(t, kBuf);
      let s = 0;
      for (let m = 0; m < N; m++) {
        pad(x, m * hw, Px);
        for (let i = 0; i < F; i++) {
          const ci = c(t, i);
          const g2 = gam(t, i) ** 2;
          corr(Px, kViews[i], U);
          for (let a = 0; a < oh * ow; a++) s += ci * Math.sqrt(U[a] * U[a] + g2);
        }
      }
      for (let j = 0; j < n; j++) s += 0.5 * (x[j] - noisy[j]) ** 2;
      return s / N;
    },
    hvp(x, t, v, out) {
      loadFilters(t, kBuf);
      for (let m = 0; m < N; m++) {
        const off = m * hw;
        pad(x, off, Px);
        pad(v, off, Pv);
        acc.fill(0);
        for (let i = 0; i < F; i++) {
          const ci = c(t, i);
          const g2 = gam(t, i) ** 2;
          corr(Px, kViews[i], U);
          corr(Pv, kViews[i], Wq);
          for (let a = 0; a < oh * ow; a++) {
            const s = U[a] * U[a] + g2;
            const ai = Math.floor(a / ow);
            setE(ai, a - ai * ow, ((ci * g2) / (s * Math.sqrt(s))) * Wq[a]);
          }
          corrAdjointAdd(kViews[i]);
        }
        for (let j = 0; j < hw; j++) out[off + j] = v[off + j];
        padAdjointAdd(acc, out, off, 1);
        for (let j = 0; j < hw; j++) out[off + j] /= N;
      }
    },
    jtq(x, t, q, out) {
      loadFilters(t, kBuf);
      out.fill(0);
      for (let m = 0; m < N; m++) {
        const off = m * hw;
        pad(x, off, Px);
        pad(q, off, Pv);
        for (let i = 0; i < F; i++) {
          const ci = c(t, i) / N;
          const g2 = gam(t, i) ** 2;
          corr(Px, kViews[i], U);
          corr(Pv, kViews[i], Wq);
          let sa = 0;
          let sb = 0;
          const gk = kOff + i * ff;
          // A = ψ″(u)⊙w and B = ψ′(u) on the valid window, kept in full/full2 (reuse as scratch).
          for (let a = 0; a < oh * ow; a++) {
            const u = U[a];
            const s = u * u + g2;
            const rt = Math.sqrt(s);
            const d1 = u / rt;
            sa += d1 * Wq[a];
            sb += ((-u * g2) / (s * rt)) * Wq[a];
            full[a] = (g2 / (s * rt)) * Wq[a];
            full2[a] = d1;
          }
          out[0] += ci * sa;
          out[1 + i] += ci * sa;
          out[1 + F + i] += ci * sb;
          for (let ka = 0; ka < f; ka++) {
            for (let kb = 0; kb < f; kb++) {
              let s = 0;
              for (let a = 0; a < oh; a++) {
                const rowP = (a + ka) * Wp + kb;
                const rowA = a * ow;
                for (let b = 0; b < ow; b++) s += full[rowA + b] * Px[rowP + b] + full2[rowA + b] * Pv[rowP + b];
              }
              out[gk + ka * f + kb] += ci * s;
            }
          }
        }
      }
    },
    jv(x, t, v, out) {
      loadFilters(t, kBuf);
      loadFilters(v, vBuf);
      out.fill(0);
      for (let m = 0; m < N; m++) {
        const off = m * hw;
        pad(x, off, Px);
        acc.fill(0);
        for (let i = 0; i < F; i++) {
          const ci = c(t, i);
          const g2 = gam(t, i) ** 2;
          const V = vViews[i];
          corr(Px, kViews[i], U);
          corr(Px, V, Wq); // K_V x
          const s0 = v[0] + v[1 + i];
          const s1 = v[1 + F + i];
          for (let a = 0; a < oh * ow; a++) {
            const u = U[a];
            const s = u * u + g2;
            const rt = Math.sqrt(s);
            const ai = Math.floor(a / ow);
            setE(ai, a - ai * ow, ci * (s0 * (u / rt) + s1 * ((-u * g2) / (s * rt)) + (g2 / (s * rt)) * Wq[a]));
          }
          corrAdjointAdd(kViews[i]);
          for (let a = 0; a < oh * ow; a++) {
            const u = U[a];
            const ai = Math.floor(a / ow);
            setE(ai, a - ai * ow, (ci * u) / Math.sqrt(u * u + g2));
          }
          corrAdjointAdd(V);
        }
        padAdjointAdd(acc, out, off, 1 / N);
      }
    },
    jNorm(x, t, extra) {
      // 10 power iterations on JᵀJ from a fixed start, ×1.1 (§1.8c).
      for (let j = 0; j < p; j++) pv1[j] = 1 + 0.5 * Math.sin(3.1 * j + 0.7);
      let lam = 0;
      for (let it = 0; it < 10; it++) {
        let nv = 0;
        for (let j = 0; j < p; j++) nv += pv1[j] * pv1[j];
        nv = Math.sqrt(nv);
        for (let j = 0; j < p; j++) pv1[j] /= nv;
        model.jv(x, t, pv1, jvBuf);
        model.jtq(x, t, jvBuf, pv2);
        extra.products += 2;
        lam = 0;
        for (let j = 0; j < p; j++) lam += pv1[j] * pv2[j];
        pv1.set(pv2);
      }
      return 1.1 * Math.sqrt(Math.max(lam, 0));
    },
    upper(x) {
      let s = 0;
      for (let j = 0; j < n; j++) s += (x[j] - clean[j]) ** 2;
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
    reference: (t) => ({ L: model.lipschitz(t), mu: 1 / N, lipschitzUpper: 1, stopFactor: 1 }),
  };
  return model;
}
