/**
 * @module The lifted primal–dual iteration of specs/fdr.md §2.2 in float64 (the CPU reference path): convex
 * relaxation of Mumford–Shah (Pock–Cremers–Bischof–Chambolle 2009) with the non-local jump constraint handled by
 * Lagrange multipliers μ and slack s per level pair (Strekalovskiy–Chambolle–Cremers 2012), step sizes of §1.4
 * (`corrected`: diagonal preconditioning, `reference`: the reference constants), stopping rule of §2.2.
 * Layouts: v[x·L+k]; p^x[(x·L+k)·d+j]; p^t[x·L+k]; s, μ[(x·P+pair)·d+j], pairs k1 outer, k2 inner.
 */

import { LiftedWasm, MODE } from './wasm-lifted.js';

export type FdrVariant = 'corrected' | 'reference';

export interface LiftedConfig {
  /** Cells per axis, row-major (last axis fastest). */
  shape: number[];
  levels: number;
  lambda: number;
  nu: number;
  variant: FdrVariant;
  /** Grid spacing per axis (§1.2: 1/n_j per-axis, 1/n_max isotropic, 1/n₁ reference). */
  h: number[];
}

export interface LiftedSteps {
  tauV: number;
  /** Per level. */
  sigmaP: Float64Array;
  sigmaS: number;
  /** Per pair (flat pair index). */
  tauMu: Float64Array;
  /** Over-relaxation weight of μ̄ (1 corrected, 0 reference). */
  omega: number;
  /** Ball rescaling threshold: ν (corrected), ν·n₁ (reference). */
  ballThreshold: number;
}

export const RHO = 0.99;

export function pairCount(L: number): number {
  return (L * (L + 1)) / 2;
}

/** Flat index of the pair (k1 ≤ k2): k1·L − k1(k1−1)/2 + (k2 − k1). */
export function pairIndex(L: number, k1: number, k2: number): number {
  return k1 * L - (k1 * (k1 - 1)) / 2 + (k2 - k1);
}

/** Step sizes of §1.4. */
export function liftedSteps(cfg: LiftedConfig): LiftedSteps {
  const L = cfg.levels;
  const d = cfg.shape.length;
  const P = pairCount(L);
  const sigmaP = new Float64Array(L);
  const tauMu = new Float64Array(P);
  if (cfg.variant === 'reference') {
    const h = cfg.h[0];
    const t = h / Math.sqrt(4 * (d + 1));
    sigmaP.fill(t);
    tauMu.fill(1 / P);
    return { tauV: t, sigmaP, sigmaS: 1, tauMu, omega: 0, ballThreshold: cfg.nu * cfg.shape[0] };
  }
  let sumInvH = 0;
  let maxInvH = 0;
  for (const h of cfg.h) {
    sumInvH += 2 / h;
    maxInvH = Math.max(maxInvH, 2 / h);
  }
  const tauV = RHO / (sumInvH + 2 * L);
  for (let k = 0; k < L; k++) sigmaP[k] = RHO / Math.max(maxInvH + (k + 1) * (L - k), 2 * L);
  let idx = 0;
  for (let k1 = 0; k1 < L; k1++) for (let k2 = k1; k2 < L; k2++) tauMu[idx++] = RHO / (k2 - k1 + 2);
  return { tauV, sigmaP, sigmaS: RHO, tauMu, omega: 1, ballThreshold: cfg.nu };
}

/** Per-cell border flags: bit j = last index along axis j, bit (4 + j) = first index along axis j. */
export function borderFlags(shape: number[]): { flags: Uint8Array; strides: number[] } {
  const d = shape.length;
  const N = shape.reduce((a, b) => a * b, 1);
  const strides = new Array<number>(d);
  let s = 1;
  for (let j = d - 1; j >= 0; j--) {
    strides[j] = s;
    s *= shape[j];
  }
  const flags = new Uint8Array(N);
  for (let x = 0; x < N; x++) {
    let f = 0;
    for (let j = 0; j < d; j++) {
      const i = Math.floor(x / strides[j]) % shape[j];
      if (i === shape[j] - 1) f |= 1 << j;
      if (i === 0) f |= 1 << (4 + j);
    }
    flags[x] = f;
  }
  return { flags, strides };
}

/** Lifted variables of one solve (float64). */
export interface LiftedState {
  v: Float64Array;
  vprev: Float64Array;
  px: Float64Array;
  pt: Float64Array;
  s: Float64Array;
  mu: Float64Array;
}

/** Initial v (§2.2): corrected — lifted indicator of f at the nearest level; reference — v = f on every level. */
export function initialV(f: Float64Array, L: number, variant: FdrVariant): Float64Array {
  const N = f.length;
  const v = new Float64Array(N * L);
  for (let x = 0; x < N; x++) {
    if (variant === 'reference') {
      v.fill(f[x], x * L, x * L + L);
    } else {
      const j0 = Math.min(L - 2, Math.max(0, Math.round(L * f[x]) - 1));
      for (let k = 0; k <= j0; k++) v[x * L + k] = 1;
    }
  }
  return v;
}

export function createLiftedState(f: Float64Array, cfg: LiftedConfig): LiftedState {
  const N = f.length;
  const L = cfg.levels;
  const d = cfg.shape.length;
  const P = pairCount(L);
  const v = initialV(f, L, cfg.variant);
  return {
    v,
    vprev: v.slice(),
    px: new Float64Array(N * L * d),
    pt: new Float64Array(N * L),
    s: new Float64Array(N * P * d),
    mu: new Float64Array(N * P * d),
  };
}

/**
 * The float64 iteration: fused loops, scratch allocated once, no allocation per iteration. `iterate(k)` runs k
 * iterations and returns the stopping measure mean|v − vprev| of the last one (§2.2).
 */
export class CpuLiftedSolver {
  readonly N: number;
  readonly L: number;
  readonly d: number;
  readonly P: number;
  readonly steps: LiftedSteps;
  readonly state: LiftedState;
  private readonly cost: Float64Array;
  private readonly flags: Uint8Array;
  private readonly strides: number[];
  private readonly invH: Float64Array;
  private readonly C: Float64Array;
  private readonly M: Float64Array;
  private readonly acc: Float64Array;
  private readonly q: Float64Array;
  private readonly nu: number;
  private readonly wasm: LiftedWasm | null;
  /** True when the μ-step of the last iteration has not run yet (wasm path; see `settle`). */
  private primalPending = false;
  /**
   * 'wasm' (default where WebAssembly SIMD is available, d = 1–3): the whole iteration runs in the bodies of
   * wasm-lifted-module.ts (f64x2 pair passes), the μ-step of iteration t fused with the s-step of iteration t + 1
   * (one pass over s and μ instead of two), optionally on two threads (`startThreads`); the μ-step of the last
   * iteration stays pending until `settle()`. 'unrolled': the JS loops with the d components unrolled into locals
   * (dualPairs1/2/3, primalPairs). 'generic' keeps the loop over j with a typed-array accumulator (tests and the
   * bench baseline). All perform the same floating-point operations in the same order, so they are bit-identical.
   * Switch only before the first iteration (the wasm path keeps its state in wasm memory, which the JS loops also
   * read, so switching later works but costs nothing only at the start).
   */
  pairLoops: 'wasm' | 'unrolled' | 'generic' = 'unrolled';

  constructor(
    readonly f: Float64Array,
    readonly cfg: LiftedConfig,
    state?: LiftedState,
  ) {
    this.N = f.length;
    this.L = cfg.levels;
    this.d = cfg.shape.length;
    this.P = pairCount(this.L);
    this.steps = liftedSteps(cfg);
    this.nu = cfg.nu;
    const L = this.L;
    this.cost = new Float64Array(this.N * L);
    for (let x = 0; x < this.N; x++) {
      for (let k = 0; k < L; k++) {
        const t = (k + 1) / L - f[x];
        this.cost[x * L + k] = cfg.lambda * t * t;
      }
    }
    const bf = borderFlags(cfg.shape);
    this.flags = bf.flags;
    this.strides = bf.strides;
    this.invH = Float64Array.from(cfg.h, (h) => 1 / h);
    const st = this.steps;
    this.wasm = LiftedWasm.create({
      N: this.N, L, d: this.d, strides: this.strides, flags: this.flags, cost: this.cost, sigmaP: st.sigmaP, tauMu: st.tauMu, omega: st.omega,
      sigmaS: st.sigmaS, nu: cfg.nu, ballThreshold: st.ballThreshold, invH: this.invH, tauV: st.tauV,
    });
    if (this.wasm) {
      // fresh wasm memory is zero: p^x, p^t, s, μ start at 0 (createLiftedState) without a JS copy
      const wm = this.wasm;
      if (state) for (const k of STATE_KEYS) wm[k].set(state[k]);
      else {
        const v0 = initialV(f, L, cfg.variant);
        wm.v.set(v0);
        wm.vprev.set(v0);
      }
      this.state = { v: wm.v, vprev: wm.vprev, px: wm.px, pt: wm.pt, s: wm.s, mu: wm.mu };
      this.pairLoops = 'wasm';
    } else this.state = state ?? createLiftedState(f, cfg);
    this.C = new Float64Array(this.d * (L + 1));
    this.M = new Float64Array(this.d * L);
    this.acc = new Float64Array(this.d);
    this.q = new Float64Array(this.d + 1);
  }

  /** Runs the wasm path on two threads (no-op without the wasm path). Call `dispose()` when done. */
  async startThreads(): Promise<void> {
    await this.wasm?.startHelper();
  }

  /** Stops the helper thread, if any. */
  async dispose(): Promise<void> {
    await this.wasm?.stopHelper();
  }

  /** Threads the iteration runs on. */
  get threads(): number {
    return this.pairLoops === 'wasm' && this.wasm ? this.wasm.threads : 1;
  }

  /** With a started helper: run on 2 threads (true) or pause the helper (false). */
  setParallel(on: boolean): void {
    this.wasm?.setParallel(on);
  }

  /** Runs `count` iterations and completes the state (settles); returns the measure of the last one. */
  iterate(count: number): number {
    const e = this.advance(count);
    this.settle();
    return e;
  }

  /**
   * Runs `count` iterations; returns the measure Σ|v − vprev|/(N·L) of the last one. On the wasm path the μ-step of
   * the last iteration may stay pending: v, vprev, p^x, p^t are complete, s and μ only after `settle()`.
   */
  advance(count: number): number {
    if (this.pairLoops !== 'wasm') {
      this.settle();
      let e = 0;
      for (let it = 0; it < count; it++) e = this.iterateOnce();
      return e;
    }
    let e = Number.NaN;
    for (let it = 0; it < count; it++) e = this.iterateWasm(it === count - 1);
    return e;
  }

  /** Runs the pending μ-step (wasm path), so that s and μ are those of the last completed iteration. */
  settle(): void {
    if (!this.primalPending || !this.wasm) return;
    this.primalPending = false;
    this.wasm.cells(MODE.primal);
  }

  /** One iteration on the wasm path (same operations as iterateOnce); the measure only when wantE (else NaN). */
  private iterateWasm(wantE: boolean): number {
    const wasm = this.wasm as LiftedWasm;
    wasm.cells(this.primalPending ? MODE.fused : MODE.dual);
    this.primalPending = true;
    return wasm.vstep(wantE);
  }

  private prefix(px: Float64Array, x: number): void {
    const { L, d, C } = this;
    for (let j = 0; j < d; j++) {
      let c = 0;
      const cb = j * (L + 1);
      C[cb] = 0;
      let o = x * L * d + j;
      for (let k = 0; k < L; k++) {
        c += px[o];
        o += d;
        C[cb + k + 1] = c;
      }
    }
  }

  /**
   * Pair order of every s-step pass (JS and wasm): rows k1 from L − 1 down to 0, each row from k2 = L − 1 down to k1
   * (the suffix sum), i.e. one descending sweep through the cell's block of s and μ — which the hardware prefetcher
   * follows (1.35–1.7× faster at 31²×32 than ascending rows walked downwards). The order fixes how M[k2] is summed.
   *
   * s-step pass over the pairs of cell x, d = 2 unrolled (see `pairLoops`): μ̄ = μ + ω τ_μ (s − T p), acc = suffix
   * sum of μ̄ over k2, M[k2] += acc, s ← ball(s − σ_s μ̄). Expects C = prefix sums of p^x at x and M = 0.
   */
  private dualPairs2(x: number): void {
    const { L, P, C, M, nu } = this;
    const { s, mu } = this.state;
    const { sigmaS, tauMu, omega, ballThreshold } = this.steps;
    const L1 = L + 1;
    const bt2 = ballThreshold * ballThreshold;
    let pb = P;
    for (let k1 = L - 1; k1 >= 0; k1--) {
      pb -= L - k1;
      const c0 = C[k1];
      const c1 = C[L1 + k1];
      let a0 = 0;
      let a1 = 0;
      let pi = pb + (L - 1 - k1);
      let o = (x * P + pi) * 2;
      for (let k2 = L - 1; k2 >= k1; k2--, pi--, o -= 2) {
        const tm = omega * tauMu[pi];
        const s0 = s[o];
        const s1 = s[o + 1];
        const mb0 = mu[o] + tm * (s0 - (C[k2 + 1] - c0));
        const mb1 = mu[o + 1] + tm * (s1 - (C[L1 + k2 + 1] - c1));
        a0 += mb0;
        a1 += mb1;
        M[k2] += a0;
        M[L + k2] += a1;
        const m0 = s0 - sigmaS * mb0;
        const m1 = s1 - sigmaS * mb1;
        // generic: n2 = 0; n2 += m0²; n2 += m1² — 0 + m0² is m0² exactly (m0² ≥ +0 or NaN)
        const n2 = m0 * m0 + m1 * m1;
        if (n2 > bt2) {
          const sc = nu / Math.sqrt(n2);
          s[o] = m0 * sc;
          s[o + 1] = m1 * sc;
        } else {
          s[o] = m0;
          s[o + 1] = m1;
        }
      }
    }
  }

  /** dualPairs2 for d = 1. */
  private dualPairs1(x: number): void {
    const { L, P, C, M, nu } = this;
    const { s, mu } = this.state;
    const { sigmaS, tauMu, omega, ballThreshold } = this.steps;
    const bt2 = ballThreshold * ballThreshold;
    let pb = P;
    for (let k1 = L - 1; k1 >= 0; k1--) {
      pb -= L - k1;
      const c0 = C[k1];
      let a0 = 0;
      let pi = pb + (L - 1 - k1);
      let o = x * P + pi;
      for (let k2 = L - 1; k2 >= k1; k2--, pi--, o--) {
        const tm = omega * tauMu[pi];
        const s0 = s[o];
        const mb0 = mu[o] + tm * (s0 - (C[k2 + 1] - c0));
        a0 += mb0;
        M[k2] += a0;
        const m0 = s0 - sigmaS * mb0;
        const n2 = m0 * m0;
        s[o] = n2 > bt2 ? m0 * (nu / Math.sqrt(n2)) : m0;
      }
    }
  }

  /** dualPairs2 for d = 3. */
  private dualPairs3(x: number): void {
    const { L, P, C, M, nu } = this;
    const { s, mu } = this.state;
    const { sigmaS, tauMu, omega, ballThreshold } = this.steps;
    const L1 = L + 1;
    const L2 = 2 * L1;
    const bt2 = ballThreshold * ballThreshold;
    let pb = P;
    for (let k1 = L - 1; k1 >= 0; k1--) {
      pb -= L - k1;
      const c0 = C[k1];
      const c1 = C[L1 + k1];
      const c2 = C[L2 + k1];
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let pi = pb + (L - 1 - k1);
      let o = (x * P + pi) * 3;
      for (let k2 = L - 1; k2 >= k1; k2--, pi--, o -= 3) {
        const tm = omega * tauMu[pi];
        const s0 = s[o];
        const s1 = s[o + 1];
        const s2 = s[o + 2];
        const mb0 = mu[o] + tm * (s0 - (C[k2 + 1] - c0));
        const mb1 = mu[o + 1] + tm * (s1 - (C[L1 + k2 + 1] - c1));
        const mb2 = mu[o + 2] + tm * (s2 - (C[L2 + k2 + 1] - c2));
        a0 += mb0;
        a1 += mb1;
        a2 += mb2;
        M[k2] += a0;
        M[L + k2] += a1;
        M[2 * L + k2] += a2;
        const m0 = s0 - sigmaS * mb0;
        const m1 = s1 - sigmaS * mb1;
        const m2 = s2 - sigmaS * mb2;
        const n2 = m0 * m0 + m1 * m1 + m2 * m2;
        if (n2 > bt2) {
          const sc = nu / Math.sqrt(n2);
          s[o] = m0 * sc;
          s[o + 1] = m1 * sc;
          s[o + 2] = m2 * sc;
        } else {
          s[o] = m0;
          s[o + 1] = m1;
          s[o + 2] = m2;
        }
      }
    }
  }

  /** μ-step pass over the pairs of cell x, d ≤ 3 unrolled: μ += τ_μ (s − T p). Expects C of the new p^x. */
  private primalPairs(x: number): void {
    const { L, P, C, d } = this;
    const { s, mu } = this.state;
    const { tauMu } = this.steps;
    const L1 = L + 1;
    const L2 = 2 * L1;
    let pb = 0;
    for (let k1 = 0; k1 < L; k1++) {
      const c0 = C[k1];
      let pi = pb;
      if (d === 2) {
        const c1 = C[L1 + k1];
        for (let k2 = k1, o = (x * P + pi) * 2; k2 < L; k2++, pi++, o += 2) {
          const tm = tauMu[pi];
          mu[o] += tm * (s[o] - (C[k2 + 1] - c0));
          mu[o + 1] += tm * (s[o + 1] - (C[L1 + k2 + 1] - c1));
        }
      } else if (d === 1) {
        for (let k2 = k1, o = x * P + pi; k2 < L; k2++, pi++, o++) mu[o] += tauMu[pi] * (s[o] - (C[k2 + 1] - c0));
      } else {
        const c1 = C[L1 + k1];
        const c2 = C[L2 + k1];
        for (let k2 = k1, o = (x * P + pi) * 3; k2 < L; k2++, pi++, o += 3) {
          const tm = tauMu[pi];
          mu[o] += tm * (s[o] - (C[k2 + 1] - c0));
          mu[o + 1] += tm * (s[o + 1] - (C[L1 + k2 + 1] - c1));
          mu[o + 2] += tm * (s[o + 2] - (C[L2 + k2 + 1] - c2));
        }
      }
      pb += L - k1;
    }
  }

  iterateOnce(): number {
    const { N, L, d, P, C, M, acc, q, cost, flags, strides, invH, nu } = this;
    const { v, vprev, px, pt, s, mu } = this.state;
    const { sigmaP, sigmaS, tauMu, omega, tauV, ballThreshold } = this.steps;
    const L1 = L + 1;
    const unrolled = this.pairLoops === 'unrolled';
    for (let x = 0; x < N; x++) {
      // --- μ̄, s-step (ball) and M = T*μ̄ in one pass over the pairs ---
      this.prefix(px, x);
      M.fill(0);
      const fl = flags[x];
      let pb = P;
      if (unrolled && d === 2) this.dualPairs2(x);
      else if (unrolled && d === 1) this.dualPairs1(x);
      else if (unrolled && d === 3) this.dualPairs3(x);
      else
        for (let k1 = L - 1; k1 >= 0; k1--) {
          pb -= L - k1;
          acc.fill(0);
          // k2 descending so that acc_j = Σ_{k2' ≥ k2} μ̄[k1,k2'] (suffix sum), added to M_j[k2].
          for (let k2 = L - 1; k2 >= k1; k2--) {
            const pi = pb + (k2 - k1);
            const o = (x * P + pi) * d;
            const tm = omega * tauMu[pi];
            let n2 = 0;
            for (let j = 0; j < d; j++) {
              const cb = j * L1;
              const sj = s[o + j];
              const mb = mu[o + j] + tm * (sj - (C[cb + k2 + 1] - C[cb + k1]));
              acc[j] += mb;
              M[j * L + k2] += acc[j];
              const m = sj - sigmaS * mb;
              s[o + j] = m;
              n2 += m * m;
            }
            if (n2 > ballThreshold * ballThreshold) {
              const sc = nu / Math.sqrt(n2);
              for (let j = 0; j < d; j++) s[o + j] *= sc;
            }
          }
        }
      // --- p-step: ascent with ∇v̄ + M, parabola projection per level ---
      const xb = x * L;
      for (let k = 0; k < L; k++) {
        const vbk = 2 * v[xb + k] - vprev[xb + k];
        const sp = sigmaP[k];
        const po = (xb + k) * d;
        for (let j = 0; j < d; j++) {
          let g = 0;
          if ((fl & (1 << j)) === 0) {
            const y = (x + strides[j]) * L + k;
            g = (2 * v[y] - vprev[y] - vbk) * invH[j];
          }
          q[j] = px[po + j] + sp * (g + M[j * L + k]);
        }
        const dt = k < L - 1 ? (2 * v[xb + k + 1] - vprev[xb + k + 1] - vbk) * L : 0;
        q[d] = pt[xb + k] + sp * dt;
        parabola(q, d, cost[xb + k]);
        for (let j = 0; j < d; j++) px[po + j] = q[j];
        pt[xb + k] = q[d];
      }
      // --- μ-step with the new s and p: μ += τ_μ (s − T p) ---
      this.prefix(px, x);
      pb = 0;
      if (unrolled && d <= 3) this.primalPairs(x);
      else
        for (let k1 = 0; k1 < L; k1++) {
          for (let k2 = k1; k2 < L; k2++) {
            const pi = pb + (k2 - k1);
            const o = (x * P + pi) * d;
            const tm = tauMu[pi];
            for (let j = 0; j < d; j++) {
              const cb = j * L1;
              mu[o + j] += tm * (s[o + j] - (C[cb + k2 + 1] - C[cb + k1]));
            }
          }
          pb += L - k1;
        }
    }
    return this.vStep();
  }

  /** v-step: v + τ_v div p, box; returns the measure. */
  private vStep(): number {
    const { N, L, d, flags, strides, invH } = this;
    const { v, vprev, px, pt } = this.state;
    const { tauV } = this.steps;
    let e = 0;
    for (let x = 0; x < N; x++) {
      const fl = flags[x];
      const xb = x * L;
      for (let k = 0; k < L; k++) {
        const po = (xb + k) * d;
        let div = 0;
        for (let j = 0; j < d; j++) {
          const here = (fl & (1 << j)) === 0 ? px[po + j] : 0;
          const prev = (fl & (1 << (4 + j))) === 0 ? px[po - strides[j] * L * d + j] : 0;
          div += (here - prev) * invH[j];
        }
        const ht = k < L - 1 ? pt[xb + k] : 0;
        const pvt = k > 0 ? pt[xb + k - 1] : 0;
        div += (ht - pvt) * L;
        let nv = v[xb + k] + tauV * div;
        if (k === 0) nv = 1;
        else if (k === L - 1) nv = 0;
        else nv = nv < 0 ? 0 : nv > 1 ? 1 : nv;
        const old = v[xb + k];
        e += Math.abs(nv - old);
        vprev[xb + k] = old;
        v[xb + k] = nv;
      }
    }
    return e / (N * L);
  }
}

/** Parabola projection on q = (x_0..x_{d−1}, y) (same formula as projections.ts, inlined for the hot loop). */
function parabola(q: Float64Array, d: number, c: number): void {
  let n2 = 0;
  for (let j = 0; j < d; j++) n2 += q[j] * q[j];
  const y0 = q[d];
  if (y0 >= n2 / 4 - c) return;
  const yp = y0 + c;
  const nrm = Math.sqrt(n2);
  const a = nrm / 2;
  const b = (2 / 3) * (1 - yp / 2);
  let r: number;
  let D: number;
  if (b < 0) {
    const mb32 = (-b) ** 1.5;
    D = (a - mb32) * (a + mb32);
  } else D = a * a + b * b * b;
  if (D >= 0) {
    const w = Math.cbrt(a + Math.sqrt(D));
    r = w === 0 ? 0 : w - b / w;
  } else {
    const mb = -b;
    let arg = a / mb ** 1.5;
    if (arg > 1) arg = 1;
    else if (arg < -1) arg = -1;
    r = 2 * Math.sqrt(mb) * Math.cos(Math.acos(arg) / 3);
  }
  let m2 = 0;
  if (nrm > 0) {
    const sc = (2 * r) / nrm;
    for (let j = 0; j < d; j++) {
      q[j] *= sc;
      m2 += q[j] * q[j];
    }
  } else for (let j = 0; j < d; j++) q[j] = 0;
  q[d] = m2 / 4 - c;
}

export type LiftedStop = 'converged' | 'max_iterations' | 'cancelled';

/** Arrays of a lifted state snapshot (v, vprev, px, pt, s, mu; float64 on the CPU, float32 from the gpu.js pipeline). */
export type LiftedArrays = Record<string, Float64Array | Float32Array>;

/** The state of one lifted solve after `iteration` iterations (for checkpoint and resume). */
export interface LiftedSnapshot {
  iteration: number;
  /** Last measure taken (NaN before the first). */
  measure: number;
  arrays: LiftedArrays;
}

export interface SolveOptions {
  maxIterations: number;
  tolerance: number;
  /** An AbortSignal, or any flag object (the SURE worker threads read a shared flag). */
  signal?: { readonly aborted: boolean };
  /** Clock for yielding and history (ms). */
  now?: () => number;
  /** Called at every measured iteration (it mod 10 = 0). */
  onMeasure?: (iteration: number, measure: number) => void;
  /** Continue from this snapshot (same f and configuration) instead of the initial state. */
  resume?: LiftedSnapshot;
  /**
   * Called after every block of 10 iterations (cancelled = false) and once when the signal stops the solve
   * (cancelled = true, before returning); `take()` copies the current state (a Promise where the back-end reads it
   * back asynchronously, e.g. WebGPU), so await it. The callee decides whether to save.
   */
  onBlock?: (take: () => LiftedSnapshot | Promise<LiftedSnapshot>, cancelled: boolean) => void | Promise<void>;
  /**
   * Threads of one float64 solve (1 or 2; default 1): with 2, the wasm path starts a helper thread when a problem
   * has at least LIFTED_THREADS_MIN_WORK pair updates per iteration, and a ThreadTuner uses it only while 2 threads
   * measure faster than 1. Results are identical either way.
   */
  threads?: number;
}

/** Pair updates per iteration (N·P·d) below which a helper thread costs more than it saves. */
export const LIFTED_THREADS_MIN_WORK = 50_000;

/**
 * Chooses 1 or 2 threads while a solve runs, from the measured time per iteration of blocks of ≥ 5 iterations: on a
 * shared or loaded host the barrier waits can make 2 threads slower than 1. Probes both after a warm-up block, keeps
 * the faster, re-probes the other every 50 blocks. The iterates do not depend on the choice (bit-identical).
 */
export class ThreadTuner {
  private readonly ms: [number, number] = [Number.NaN, Number.NaN];
  private blocks = 0;
  private parallel = true;
  /** Blocks with 1 and 2 threads (for the bench and tests). */
  readonly counts: [number, number] = [0, 0];

  constructor(
    private readonly solver: CpuLiftedSolver,
    private readonly now: () => number = () => performance.now(),
  ) {
    solver.setParallel(true);
  }

  advance(k: number): number {
    if (k < 5) return this.solver.advance(k);
    const b = this.blocks++;
    const best = () => (this.ms[1] <= this.ms[0] || Number.isNaN(this.ms[0]) ? 1 : 0);
    // block 0: warm-up (2 threads), 1: 1 thread, 2: 2 threads, then the faster; every 50th block probes the other
    const mode = b === 0 || b === 2 ? 1 : b === 1 ? 0 : b % 50 === 0 ? 1 - best() : best();
    this.parallel = mode === 1;
    this.solver.setParallel(this.parallel);
    const t0 = this.now();
    const e = this.solver.advance(k);
    const per = (this.now() - t0) / k;
    this.counts[mode]++;
    if (b > 0) this.ms[mode] = Number.isNaN(this.ms[mode]) || b < 3 ? per : 0.5 * this.ms[mode] + 0.5 * per;
    return e;
  }

  /** The last choice (for reports). */
  get threads(): number {
    return this.parallel ? 2 : 1;
  }
}

export interface SolveResult {
  v: Float64Array;
  iterations: number;
  stop: LiftedStop;
  measureFinal: number;
}

/** Minimal interface shared by the float64 CPU solver and the gpu.js pipeline. */
export interface LiftedIterator {
  /** Runs `count` iterations; returns the measure of the last one. */
  iterate(count: number): number;
  /** Runs `count` iterations without computing the measure (optional; avoids a device read-back). */
  advance?(count: number): void;
  /** Current v (float64 copy or view). */
  readV(): Float64Array;
  /** Copies of the state arrays (for checkpoints). */
  exportState?(): LiftedArrays;
  /** Replaces the state by arrays from exportState (same f and configuration). */
  importState?(arrays: LiftedArrays): void;
}

/**
 * Stopping rule of §2.2: the measure is taken at it mod 10 = 0 (it 0-based); converged when ≤ tol, with
 * iterations = it + 1. Yields to the event loop about every 200 ms so that the abort signal can fire. Resumes from
 * `opts.resume` (snapshots are only taken at block boundaries, so the measure schedule is unchanged).
 */
export async function runLifted(iter: LiftedIterator, opts: SolveOptions): Promise<{ iterations: number; stop: LiftedStop; measureFinal: number }> {
  const now = opts.now ?? (() => performance.now());
  let it = 0;
  let measure = Number.NaN;
  if (opts.resume) {
    if (!iter.importState) throw new Error('this lifted back-end cannot resume from a snapshot');
    iter.importState(opts.resume.arrays);
    it = opts.resume.iteration;
    measure = opts.resume.measure;
  }
  const take = (): LiftedSnapshot => {
    if (!iter.exportState) throw new Error('this lifted back-end cannot export its state');
    return { iteration: it, measure, arrays: iter.exportState() };
  };
  let last = now();
  while (it < opts.maxIterations) {
    if (opts.signal?.aborted) {
      await opts.onBlock?.(take, true);
      return { iterations: it, stop: 'cancelled', measureFinal: measure };
    }
    // iteration `it` is a measured one (it mod 10 = 0): run it alone, then up to 9 unmeasured ones.
    measure = iter.iterate(1);
    opts.onMeasure?.(it, measure);
    if (measure <= opts.tolerance) return { iterations: it + 1, stop: 'converged', measureFinal: measure };
    it += 1;
    const rest = Math.min(9, opts.maxIterations - it);
    if (rest > 0) {
      if (iter.advance) iter.advance(rest);
      else iter.iterate(rest);
      it += rest;
    }
    if (opts.onBlock && it < opts.maxIterations) await opts.onBlock(take, false);
    const t = now();
    if (t - last > 200) {
      last = t;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  return { iterations: it, stop: 'max_iterations', measureFinal: measure };
}

const STATE_KEYS = ['v', 'vprev', 'px', 'pt', 's', 'mu'] as const;

/** Copies of the float64 state arrays. */
export function exportCpuState(state: LiftedState): LiftedArrays {
  const out: LiftedArrays = {};
  for (const k of STATE_KEYS) out[k] = state[k].slice();
  return out;
}

/** Overwrites the state in place (lengths must match). */
export function importCpuState(state: LiftedState, arrays: LiftedArrays): void {
  for (const k of STATE_KEYS) {
    const a = arrays[k];
    if (!a || a.length !== state[k].length) throw new Error(`lifted snapshot: array ${k} is missing or has the wrong length`);
    state[k].set(a);
  }
}

/** Solves on the CPU in float64. */
export async function solveLiftedCpu(f: Float64Array, cfg: LiftedConfig, opts: SolveOptions): Promise<SolveResult & { solver: CpuLiftedSolver }> {
  const solver = new CpuLiftedSolver(f, cfg);
  if ((opts.threads ?? 1) >= 2 && solver.N * solver.P * solver.d >= LIFTED_THREADS_MIN_WORK) await solver.startThreads();
  const tuner = solver.threads === 2 ? new ThreadTuner(solver) : undefined;
  const iter: LiftedIterator = {
    iterate: (k) => (tuner ? tuner.advance(k) : solver.advance(k)),
    readV: () => solver.state.v,
    exportState: () => {
      solver.settle();
      return exportCpuState(solver.state);
    },
    importState: (a) => {
      solver.settle();
      importCpuState(solver.state, a);
    },
  };
  try {
    const r = await runLifted(iter, opts);
    solver.settle();
    return { ...r, v: solver.state.v, solver };
  } finally {
    await solver.dispose();
  }
}
