/**
 * @module gpu.js (float32) pipeline of the lifted FDR iteration (specs/fdr.md §2.2, §8): the lifted variables stay on
 * the device as textures passed between `pipeline: true` kernels (prefix sums C, pair adjoint M with μ̄ inline,
 * dual p: ascent then the parabola projection, dual s: ascent then the ball, primal μ, primal v with divergence and
 * box; at most 7 array arguments per kernel, WebGPU's default limit being 8 storage buffers), μ and v double-
 * buffered by ping-pong kernel instances; only the per-cell measure Σ_k|v − vprev| is read back every 10 its.
 * Every array is a 2-D texture [W, H] holding a flat index i = row·W + col (float32 indices: exact to 2²⁴); every
 * integer quotient is corrected by its remainder (WebGPU's f32 division is inexact). Mode 'webgpu' answers with
 * Promises: drive it through the *Async methods / runLiftedAsync (one step = one generator of kernel calls).
 * Device memory (float32): s, μ 2·(2·d·N·P) (s and its ascent m, μ twice) + p (d+1)·2·N·L (p and its ascent q) + v 3·N·L + M d·N·L + C d·N·(L+1) floats
 * (≤ liftedBytes of shared/spec/fdr.ts).
 */
import { GPU } from 'gpu.js';
import { liftedSteps, pairCount, runLifted, type LiftedArrays, type LiftedConfig, type LiftedIterator, type LiftedSnapshot, type LiftedStop, type SolveOptions } from '../../fdr/lifted.js';
import type { LiftedSolve, LiftedSolveResult } from '../../fdr/fit.js';

type Tex = unknown;
type Kernel = ((...args: unknown[]) => Tex) & { destroy?: () => void };
export type FdrGpuMode = 'cpu' | 'webasm' | 'webgpu' | 'gpu' | 'webgl' | 'webgl2' | 'headlessgl';

interface Consts {
  [k: string]: number;
}

/* eslint-disable -- kernel bodies are parsed by gpu.js: plain `function`, no closures, Math.* only. */
// Every integer quotient below is floor(a/b) from an f32 division corrected by its remainder (`if (a − q·b < 0)
// q −= 1; if (a − q·b ≥ b) q += 1`): WGSL's f32 division is not correctly rounded (41/41 may give 0.99999994), so a
// bare Math.floor(a/b) can be one off; a, b < 2²⁴ are exact in f32 and the error is below one, so one step each way
// restores the exact quotient. gpu.js translates `/` to f32 division on every backend (no integer division).
// biome-ignore-start lint: gpu.js kernel sources
function kPrefix(this: any, px: number[][]): number {
  const W = this.constants.W;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const L1 = this.constants.L + 1;
  let x = Math.floor(i / L1);
  if (i - x * L1 < 0) x -= 1;
  if (i - x * L1 >= L1) x += 1;
  const k = i - x * L1;
  let acc = 0;
  for (let kk = 0; kk < this.constants.L; kk++) {
    if (kk < k) {
      const q = x * this.constants.L + kk;
      let r = Math.floor(q / W);
      if (q - r * W < 0) r -= 1;
      if (q - r * W >= W) r += 1;
      acc += px[r][q - r * W];
    }
  }
  return acc;
}

function kPairAdjoint(this: any, mu: number[][], s: number[][], C: number[][], tauMu: number[]): number {
  const W = this.constants.W;
  const L = this.constants.L;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  let x = Math.floor(i / L);
  if (i - x * L < 0) x -= 1;
  if (i - x * L >= L) x += 1;
  const k = i - x * L;
  let acc = 0;
  for (let k1 = 0; k1 < this.constants.L; k1++) {
    if (k1 <= k) {
      const qa = x * (L + 1) + k1;
      let ra = Math.floor(qa / W);
      if (qa - ra * W < 0) ra -= 1;
      if (qa - ra * W >= W) ra += 1;
      const ca = C[ra][qa - ra * W];
      const base = k1 * L - k1 * (k1 - 1) * 0.5 - k1;
      for (let k2 = 0; k2 < this.constants.L; k2++) {
        if (k2 >= k) {
          const pi = base + k2;
          const q = x * this.constants.P + pi;
          let r = Math.floor(q / W);
          if (q - r * W < 0) r -= 1;
          if (q - r * W >= W) r += 1;
          const col = q - r * W;
          const qb = x * (L + 1) + k2 + 1;
          let rb = Math.floor(qb / W);
          if (qb - rb * W < 0) rb -= 1;
          if (qb - rb * W >= W) rb += 1;
          const cb = C[rb][qb - rb * W];
          acc += mu[r][col] + this.constants.omega * tauMu[pi] * (s[r][col] - (cb - ca));
        }
      }
    }
  }
  return acc;
}

/** Unprojected dual p, one component (comp 0..2: axis with stride sA, size nA, 1/h ihA; comp 3: p^t). */
function kQ(this: any, p: number[][], Mm: number[][], v: number[][], vp: number[][], sigmaP: number[]): number {
  const W = this.constants.W;
  const L = this.constants.L;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  let x = Math.floor(i / L);
  if (i - x * L < 0) x -= 1;
  if (i - x * L >= L) x += 1;
  const k = i - x * L;
  let r = Math.floor(i / W);
  if (i - r * W < 0) r -= 1;
  if (i - r * W >= W) r += 1;
  const col = i - r * W;
  const vb = 2 * v[r][col] - vp[r][col];
  const sp = sigmaP[k];
  if (this.constants.comp === 3) {
    let qt = p[r][col];
    if (k < L - 1) {
      const y = i + 1;
      let ry = Math.floor(y / W);
      if (y - ry * W < 0) ry -= 1;
      if (y - ry * W >= W) ry += 1;
      qt += sp * (2 * v[ry][y - ry * W] - vp[ry][y - ry * W] - vb) * L;
    }
    return qt;
  }
  let q = p[r][col] + sp * Mm[r][col];
  // axis index (x / sA) mod nA
  const sA = this.constants.sA;
  const nA = this.constants.nA;
  let a = Math.floor(x / sA);
  if (x - a * sA < 0) a -= 1;
  if (x - a * sA >= sA) a += 1;
  let b = Math.floor(a / nA);
  if (a - b * nA < 0) b -= 1;
  if (a - b * nA >= nA) b += 1;
  if (a - b * nA < nA - 1) {
    const y = i + sA * L;
    let ry = Math.floor(y / W);
    if (y - ry * W < 0) ry -= 1;
    if (y - ry * W >= W) ry += 1;
    q += sp * (2 * v[ry][y - ry * W] - vp[ry][y - ry * W] - vb) * this.constants.ihA;
  }
  return q;
}

/** Dual p, component comp (3 = p^t): projection of (q0, q1, q2, qt) onto qt ≥ |q|²/4 − λ(t_k − f)². */
function kProjP(this: any, q0t: number[][], q1t: number[][], q2t: number[][], qtt: number[][], f: number[]): number {
  const W = this.constants.W;
  const L = this.constants.L;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  let x = Math.floor(i / L);
  if (i - x * L < 0) x -= 1;
  if (i - x * L >= L) x += 1;
  const k = i - x * L;
  let r = Math.floor(i / W);
  if (i - r * W < 0) r -= 1;
  if (i - r * W >= W) r += 1;
  const col = i - r * W;
  const q0 = q0t[r][col];
  let q1 = 0;
  let q2 = 0;
  if (this.constants.d > 1) q1 = q1t[r][col];
  if (this.constants.d > 2) q2 = q2t[r][col];
  const qt = qtt[r][col];
  const tk = (k + 1) / L - f[x];
  const cost = this.constants.lambda * tk * tk;
  const n2 = q0 * q0 + q1 * q1 + q2 * q2;
  if (qt >= n2 / 4 - cost) {
    if (this.constants.comp === 0) return q0;
    if (this.constants.comp === 1) return q1;
    if (this.constants.comp === 2) return q2;
    return qt;
  }
  const yp = qt + cost;
  const nrm = Math.sqrt(n2);
  const a = nrm / 2;
  const b = (2 / 3) * (1 - yp / 2);
  let D = a * a + b * b * b;
  if (b < 0) {
    const mb32 = Math.pow(-b, 1.5);
    D = (a - mb32) * (a + mb32);
  }
  let rr = 0;
  if (D >= 0) {
    const w = Math.pow(a + Math.sqrt(D), 1 / 3);
    if (w > 0) rr = w - b / w;
  } else {
    const arg = Math.min(1, Math.max(-1, a / Math.pow(-b, 1.5)));
    rr = 2 * Math.sqrt(-b) * Math.cos(Math.acos(arg) / 3);
  }
  let sc = 0;
  if (nrm > 0) sc = (2 * rr) / nrm;
  if (this.constants.comp === 0) return q0 * sc;
  if (this.constants.comp === 1) return q1 * sc;
  if (this.constants.comp === 2) return q2 * sc;
  return (sc * sc * n2) / 4 - cost;
}

/** Unprojected dual s of one component: s − σ_s·(μ̄) with μ̄ = μ + ω·τ_μ·(s − (C[k2+1] − C[k1])). */
function kM(this: any, mu: number[][], s: number[][], C: number[][], tauMu: number[], pk1: number[], pk2: number[]): number {
  const W = this.constants.W;
  const P = this.constants.P;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  let x = Math.floor(i / P);
  if (i - x * P < 0) x -= 1;
  if (i - x * P >= P) x += 1;
  const pi = i - x * P;
  let r = Math.floor(i / W);
  if (i - r * W < 0) r -= 1;
  if (i - r * W >= W) r += 1;
  const col = i - r * W;
  const qa = x * (this.constants.L + 1) + pk1[pi];
  let ra = Math.floor(qa / W);
  if (qa - ra * W < 0) ra -= 1;
  if (qa - ra * W >= W) ra += 1;
  const qb = x * (this.constants.L + 1) + pk2[pi] + 1;
  let rb = Math.floor(qb / W);
  if (qb - rb * W < 0) rb -= 1;
  if (qb - rb * W >= W) rb += 1;
  const sv = s[r][col];
  return sv - this.constants.sigmaS * (mu[r][col] + this.constants.omega * tauMu[pi] * (sv - (C[rb][qb - rb * W] - C[ra][qa - ra * W])));
}

/** Dual s, component comp: the vector (m0, m1, m2) rescaled to norm ν when its norm exceeds the threshold. */
function kProjS(this: any, m0t: number[][], m1t: number[][], m2t: number[][]): number {
  const W = this.constants.W;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const m0 = m0t[this.thread.y][this.thread.x];
  let m1 = 0;
  let m2 = 0;
  if (this.constants.d > 1) m1 = m1t[this.thread.y][this.thread.x];
  if (this.constants.d > 2) m2 = m2t[this.thread.y][this.thread.x];
  const n2 = m0 * m0 + m1 * m1 + m2 * m2;
  let sc = 1;
  if (n2 > this.constants.thr * this.constants.thr) sc = this.constants.nu / Math.sqrt(n2);
  if (this.constants.comp === 0) return m0 * sc;
  if (this.constants.comp === 1) return m1 * sc;
  return m2 * sc;
}

function kPrimalMu(this: any, mu: number[][], s: number[][], C: number[][], tauMu: number[], pk1: number[], pk2: number[]): number {
  const W = this.constants.W;
  const P = this.constants.P;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  let x = Math.floor(i / P);
  if (i - x * P < 0) x -= 1;
  if (i - x * P >= P) x += 1;
  const pi = i - x * P;
  let r = Math.floor(i / W);
  if (i - r * W < 0) r -= 1;
  if (i - r * W >= W) r += 1;
  const col = i - r * W;
  const qa = x * (this.constants.L + 1) + pk1[pi];
  let ra = Math.floor(qa / W);
  if (qa - ra * W < 0) ra -= 1;
  if (qa - ra * W >= W) ra += 1;
  const qb = x * (this.constants.L + 1) + pk2[pi] + 1;
  let rb = Math.floor(qb / W);
  if (qb - rb * W < 0) rb -= 1;
  if (qb - rb * W >= W) rb += 1;
  return mu[r][col] + tauMu[pi] * (s[r][col] - (C[rb][qb - rb * W] - C[ra][qa - ra * W]));
}

function kPrimalV(this: any, v: number[][], px0: number[][], px1: number[][], px2: number[][], pt: number[][]): number {
  const W = this.constants.W;
  const L = this.constants.L;
  const i = this.thread.y * W + this.thread.x;
  if (i >= this.constants.S) return 0;
  let x = Math.floor(i / L);
  if (i - x * L < 0) x -= 1;
  if (i - x * L >= L) x += 1;
  const k = i - x * L;
  if (k === 0) return 1;
  if (k === L - 1) return 0;
  let r = Math.floor(i / W);
  if (i - r * W < 0) r -= 1;
  if (i - r * W >= W) r += 1;
  const col = i - r * W;
  let dv = 0;
  const s0 = this.constants.s0;
  const n0 = this.constants.n0;
  let a0 = Math.floor(x / s0);
  if (x - a0 * s0 < 0) a0 -= 1;
  if (x - a0 * s0 >= s0) a0 += 1;
  let b0 = Math.floor(a0 / n0);
  if (a0 - b0 * n0 < 0) b0 -= 1;
  if (a0 - b0 * n0 >= n0) b0 += 1;
  const i0 = a0 - b0 * n0;
  if (i0 < n0 - 1) dv += px0[r][col] * this.constants.ih0;
  if (i0 > 0) {
    const y = i - s0 * L;
    let ry = Math.floor(y / W);
    if (y - ry * W < 0) ry -= 1;
    if (y - ry * W >= W) ry += 1;
    dv -= px0[ry][y - ry * W] * this.constants.ih0;
  }
  if (this.constants.d > 1) {
    const s1 = this.constants.s1;
    const n1 = this.constants.n1;
    let a1 = Math.floor(x / s1);
    if (x - a1 * s1 < 0) a1 -= 1;
    if (x - a1 * s1 >= s1) a1 += 1;
    let b1 = Math.floor(a1 / n1);
    if (a1 - b1 * n1 < 0) b1 -= 1;
    if (a1 - b1 * n1 >= n1) b1 += 1;
    const i1 = a1 - b1 * n1;
    if (i1 < n1 - 1) dv += px1[r][col] * this.constants.ih1;
    if (i1 > 0) {
      const y = i - s1 * L;
      let ry = Math.floor(y / W);
      if (y - ry * W < 0) ry -= 1;
      if (y - ry * W >= W) ry += 1;
      dv -= px1[ry][y - ry * W] * this.constants.ih1;
    }
  }
  if (this.constants.d > 2) {
    const s2 = this.constants.s2;
    const n2 = this.constants.n2;
    let a2 = Math.floor(x / s2);
    if (x - a2 * s2 < 0) a2 -= 1;
    if (x - a2 * s2 >= s2) a2 += 1;
    let b2 = Math.floor(a2 / n2);
    if (a2 - b2 * n2 < 0) b2 -= 1;
    if (a2 - b2 * n2 >= n2) b2 += 1;
    const i2 = a2 - b2 * n2;
    if (i2 < n2 - 1) dv += px2[r][col] * this.constants.ih2;
    if (i2 > 0) {
      const y = i - s2 * L;
      let ry = Math.floor(y / W);
      if (y - ry * W < 0) ry -= 1;
      if (y - ry * W >= W) ry += 1;
      dv -= px2[ry][y - ry * W] * this.constants.ih2;
    }
  }
  const ym = i - 1;
  let rm = Math.floor(ym / W);
  if (ym - rm * W < 0) rm -= 1;
  if (ym - rm * W >= W) rm += 1;
  dv += (pt[r][col] - pt[rm][ym - rm * W]) * L;
  return Math.min(1, Math.max(0, v[r][col] + this.constants.tauV * dv));
}

function kMeasure(this: any, v: number[][], vp: number[][]): number {
  const W = this.constants.W;
  const x = this.thread.x;
  let acc = 0;
  for (let k = 0; k < this.constants.L; k++) {
    const q = x * this.constants.L + k;
    let r = Math.floor(q / W);
    if (q - r * W < 0) r -= 1;
    if (q - r * W >= W) r += 1;
    acc += Math.abs(v[r][q - r * W] - vp[r][q - r * W]);
  }
  return acc;
}
// biome-ignore-end lint: gpu.js kernel sources
/* eslint-enable */

/** Device floats held by the pipeline (see the module comment). */
export function pipelineFloats(d: number, N: number, L: number): number {
  const P = pairCount(L);
  return 4 * d * N * P + 2 * (d + 1) * N * L + 3 * N * L + d * N * L + d * N * (L + 1);
}

const W_MAX = 4096;

function toRows(src: ArrayLike<number>, size: number, W: number): Float32Array[] {
  const H = Math.ceil(size / W);
  const rows: Float32Array[] = [];
  for (let r = 0; r < H; r++) {
    const row = new Float32Array(W);
    for (let c = 0; c < W && r * W + c < size && r * W + c < src.length; c++) row[c] = src[r * W + c];
    rows.push(row);
  }
  return rows;
}

function flattenRows(arr: ArrayLike<number>[] | ArrayLike<number>, size: number): Float32Array {
  const out = new Float32Array(size);
  if (arr.length > 0 && typeof (arr as ArrayLike<number>[])[0] === 'object') {
    let o = 0;
    for (const row of arr as ArrayLike<number>[]) for (let c = 0; c < row.length && o < size; c++) out[o++] = row[c];
  } else out.set(Array.prototype.slice.call(arr, 0, size) as number[]);
  return out;
}

type Rows = ArrayLike<number>[] | ArrayLike<number>;
const hasToArray = (t: Tex): t is { toArray(): Rows | Promise<Rows> } => typeof (t as { toArray?: unknown }).toArray === 'function';

function fromTex(t: Tex, size: number): Float32Array {
  return flattenRows((hasToArray(t) ? t.toArray() : t) as Rows, size);
}

/** fromTex for handles whose toArray answers a Promise (mode 'webgpu'). */
async function fromTexAsync(t: Tex, size: number): Promise<Float32Array> {
  return flattenRows(hasToArray(t) ? await t.toArray() : (t as Rows), size);
}

/**
 * The lifted iteration as a gpu.js kernel pipeline. Each kernel that produces state (p, s, μ, v) exists twice
 * (ping-pong), so no kernel reads the texture it writes.
 */
export class GpuLiftedPipeline implements LiftedIterator {
  private readonly gpu: GPU;
  private readonly d: number;
  private readonly N: number;
  private readonly L: number;
  private readonly sizeNL: number;
  private readonly tauMu: Float32Array;
  private readonly sigmaP: Float32Array;
  private readonly pk1: Float32Array;
  private readonly pk2: Float32Array;
  private readonly f32: Float32Array;
  private readonly kernels: Kernel[] = [];
  private prefix: Kernel[] = [];
  private adj: Kernel[] = [];
  /** Unprojected dual p per component (d axes, then p^t) and its projection; unprojected dual s and its ball. */
  private preP: Kernel[] = [];
  private projP: Kernel[] = [];
  private preS: Kernel[] = [];
  private projS: Kernel[] = [];
  private primalMu: Kernel[][] = [[], []];
  private primalV: Kernel[] = [];
  private measure: Kernel;
  private px: Tex[];
  private pt: Tex;
  private s: Tex[];
  private mu: Tex[];
  private v: Tex;
  private vprev: Tex;
  /** Prefix sums of the current p^x; empty until the first step computes them (construction and import). */
  private C: Tex[] = [];
  private phase = 0;
  private readonly Wc: number;
  private readonly mode: FdrGpuMode;
  /** Kernels answer with Promises (mode 'webgpu'): only the *Async methods work. */
  readonly async: boolean;

  constructor(f: Float64Array, cfg: LiftedConfig, mode: FdrGpuMode = 'cpu') {
    this.gpu = new GPU({ mode: mode as never });
    this.mode = mode;
    this.async = mode === 'webgpu';
    const L = cfg.levels;
    const d = cfg.shape.length;
    const N = f.length;
    const P = pairCount(L);
    this.d = d;
    this.N = N;
    this.L = L;
    this.sizeNL = N * L;
    const st = liftedSteps(cfg);
    this.tauMu = Float32Array.from(st.tauMu);
    this.sigmaP = Float32Array.from(st.sigmaP);
    this.pk1 = new Float32Array(P);
    this.pk2 = new Float32Array(P);
    let idx = 0;
    for (let k1 = 0; k1 < L; k1++)
      for (let k2 = k1; k2 < L; k2++) {
        this.pk1[idx] = k1;
        this.pk2[idx++] = k2;
      }
    this.f32 = Float32Array.from(f);
    const strides = new Array<number>(3).fill(1);
    const shape = [...cfg.shape, 1, 1].slice(0, 3);
    let sacc = 1;
    for (let j = d - 1; j >= 0; j--) {
      strides[j] = sacc;
      sacc *= cfg.shape[j];
    }
    const ih = [...cfg.h.map((h) => 1 / h), 1, 1].slice(0, 3);
    const base: Consts = {
      N,
      L,
      P,
      d,
      W: 0,
      S: 0,
      n0: shape[0],
      n1: shape[1],
      n2: shape[2],
      s0: strides[0],
      s1: strides[1],
      s2: strides[2],
      ih0: ih[0],
      ih1: ih[1],
      ih2: ih[2],
      omega: st.omega,
      sigmaS: st.sigmaS,
      tauV: st.tauV,
      nu: cfg.nu,
      thr: st.ballThreshold,
      lambda: cfg.lambda,
      comp: 0,
    };
    // All textures must share one W for the cross-texture index math: use the largest W (= W_MAX once any array
    // exceeds it); smaller arrays are padded.
    const sizes = [N * P, N * L, N * (L + 1)];
    const Wc = Math.min(W_MAX, Math.max(...sizes));
    this.Wc = Wc;
    const makeW = (fn: unknown, size: number, comp: number, extra: Consts = {}): Kernel => {
      const H = Math.ceil(size / Wc);
      const k = this.gpu.createKernel(fn as never, {
        output: [Wc, H],
        pipeline: true,
        constants: { ...base, ...extra, W: Wc, S: size, comp },
        precision: 'single',
        loopMaxIterations: L + 2,
        tactic: 'precision',
      } as never) as unknown as Kernel;
      this.kernels.push(k);
      return k;
    };
    for (let j = 0; j < d; j++) {
      this.prefix.push(makeW(kPrefix, N * (L + 1), j));
      this.adj.push(makeW(kPairAdjoint, N * L, j));
    }
    // At most 7 array arguments per kernel (+ the output): WebGPU's default limit is 8 storage buffers per stage.
    for (let c = 0; c <= d; c++) {
      const comp = c === d ? 3 : c;
      this.preP.push(makeW(kQ, N * L, comp, { sA: c < d ? strides[c] : 1, nA: c < d ? shape[c] : 1, ihA: c < d ? ih[c] : 1 }));
      this.projP.push(makeW(kProjP, N * L, comp));
    }
    for (let j = 0; j < d; j++) {
      this.preS.push(makeW(kM, N * P, j));
      this.projS.push(makeW(kProjS, N * P, j));
    }
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < d; j++) this.primalMu[b].push(makeW(kPrimalMu, N * P, j));
      this.primalV.push(makeW(kPrimalV, N * L, 0));
    }
    this.measure = this.gpu.createKernel(kMeasure as never, {
      output: [N],
      pipeline: false,
      constants: { ...base, W: Wc, S: N },
      precision: 'single',
      loopMaxIterations: L + 2,
    } as never) as unknown as Kernel;
    this.kernels.push(this.measure);
    // initial state
    const v0 = new Float64Array(N * L);
    for (let x = 0; x < N; x++) {
      if (cfg.variant === 'reference') v0.fill(f[x], x * L, x * L + L);
      else {
        const j0 = Math.min(L - 2, Math.max(0, Math.round(L * f[x]) - 1));
        for (let k = 0; k <= j0; k++) v0[x * L + k] = 1;
      }
    }
    const zeros = (size: number) => toRows(new Float32Array(0), size, Wc);
    this.v = toRows(v0, N * L, Wc);
    this.vprev = toRows(v0, N * L, Wc);
    this.px = Array.from({ length: d }, () => zeros(N * L));
    this.pt = zeros(N * L);
    this.s = Array.from({ length: d }, () => zeros(N * P));
    this.mu = Array.from({ length: d }, () => zeros(N * P));
    this.C = [];
  }

  /**
   * One iteration as a sequence of kernel calls: each `yield` hands a kernel's result (a texture, or in mode
   * 'webgpu' a Promise of a buffer handle) to the driver, which resumes with the resolved value. The synchronous
   * driver (modes 'cpu', 'webasm', GL) passes it straight back; the asynchronous one awaits it.
   */
  private *stepOps(): Generator<unknown, void, Tex> {
    const b = this.phase;
    const d = this.d;
    if (this.C.length === 0) for (let j = 0; j < d; j++) this.C.push(yield this.prefix[j](this.px[j]));
    const pick = <T>(a: T[], j: number) => a[j < d ? j : 0];
    // M = T*μ̄ (μ̄ inline from μ, s, C of the current p)
    const M: Tex[] = [];
    for (let j = 0; j < d; j++) M.push(yield this.adj[j](this.mu[j], this.s[j], this.C[j], this.tauMu));
    // dual p: per-component ascent (q), then the joint parabola projection. p and s are single-buffered: their old
    // values are read only by the ascent passes, which run before the projections overwrite them.
    const Q: Tex[] = [];
    for (let c = 0; c <= d; c++) Q.push(yield this.preP[c](c < d ? this.px[c] : this.pt, M[c < d ? c : 0], this.v, this.vprev, this.sigmaP));
    const argsP = [pick(Q, 0), pick(Q, 1), pick(Q, 2), Q[d], this.f32];
    const newPx: Tex[] = [];
    for (let j = 0; j < d; j++) newPx.push(yield this.projP[j](...argsP));
    const newPt = yield this.projP[d](...argsP);
    // dual s: per-component ascent (m), then the ball
    const Ms: Tex[] = [];
    for (let j = 0; j < d; j++) Ms.push(yield this.preS[j](this.mu[j], this.s[j], this.C[j], this.tauMu, this.pk1, this.pk2));
    const newS: Tex[] = [];
    for (let j = 0; j < d; j++) newS.push(yield this.projS[j](pick(Ms, 0), pick(Ms, 1), pick(Ms, 2)));
    const newC: Tex[] = [];
    for (let j = 0; j < d; j++) newC.push(yield this.prefix[j](newPx[j]));
    const newMu: Tex[] = [];
    for (let j = 0; j < d; j++) newMu.push(yield this.primalMu[b][j](this.mu[j], newS[j], newC[j], this.tauMu, this.pk1, this.pk2));
    const newV = yield this.primalV[b](this.v, pick(newPx, 0), pick(newPx, 1), pick(newPx, 2), newPt);
    this.vprev = this.v;
    this.v = newV;
    this.px = newPx;
    this.pt = newPt;
    this.s = newS;
    this.mu = newMu;
    this.C = newC;
    this.phase = 1 - b;
  }

  private syncOnly(what: string): void {
    if (this.async) throw new Error(`gpu.js ${this.mode}: kernels answer asynchronously; use ${what}Async`);
  }

  advance(count: number): void {
    this.syncOnly('advance');
    for (let i = 0; i < count; i++) {
      const g = this.stepOps();
      let r = g.next();
      while (!r.done) r = g.next(r.value as Tex);
    }
  }

  iterate(count: number): number {
    this.advance(count);
    return this.sumMeasure(this.measure(this.v, this.vprev) as ArrayLike<number>);
  }

  readV(): Float64Array {
    this.syncOnly('readV');
    return Float64Array.from(fromTex(this.v, this.sizeNL));
  }

  /** advance for every mode (required for 'webgpu'): awaits each kernel's handle. */
  async advanceAsync(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const g = this.stepOps();
      let r = g.next();
      while (!r.done) r = g.next((await r.value) as Tex);
    }
  }

  /** iterate for every mode (required for 'webgpu'). */
  async iterateAsync(count: number): Promise<number> {
    await this.advanceAsync(count);
    return this.sumMeasure((await this.measure(this.v, this.vprev)) as ArrayLike<number>);
  }

  /** readV for every mode (required for 'webgpu'): reads the v buffer back. */
  async readVAsync(): Promise<Float64Array> {
    return Float64Array.from(await fromTexAsync(this.v, this.sizeNL));
  }

  private sumMeasure(per: ArrayLike<number>): number {
    let e = 0;
    for (let x = 0; x < this.N; x++) e += per[x];
    return e / (this.N * this.L);
  }

  /** Float32 copies of v, vprev, p^x (interleaved x·L·d + k·d + j as on the CPU), p^t, s and μ (x·P·d + pair·d + j). */
  exportState(): LiftedArrays {
    this.syncOnly('export');
    const { N, L, d } = this;
    const P = pairCount(L);
    const inter = (tex: Tex[], K: number) => {
      const out = new Float32Array(N * K * d);
      for (let j = 0; j < d; j++) {
        const a = fromTex(tex[j], N * K);
        for (let i = 0; i < N * K; i++) out[i * d + j] = a[i];
      }
      return out;
    };
    return { v: fromTex(this.v, N * L), vprev: fromTex(this.vprev, N * L), px: inter(this.px, L), pt: fromTex(this.pt, N * L), s: inter(this.s, P), mu: inter(this.mu, P) };
  }

  /** exportState for every mode (required for 'webgpu'): reads every state buffer back. */
  async exportStateAsync(): Promise<LiftedArrays> {
    const { N, L, d } = this;
    const P = pairCount(L);
    const inter = async (tex: Tex[], K: number) => {
      const out = new Float32Array(N * K * d);
      for (let j = 0; j < d; j++) {
        const a = await fromTexAsync(tex[j], N * K);
        for (let i = 0; i < N * K; i++) out[i * d + j] = a[i];
      }
      return out;
    };
    return {
      v: await fromTexAsync(this.v, N * L),
      vprev: await fromTexAsync(this.vprev, N * L),
      px: await inter(this.px, L),
      pt: await fromTexAsync(this.pt, N * L),
      s: await inter(this.s, P),
      mu: await inter(this.mu, P),
    };
  }

  /** Uploads a state from exportState (or the float64 CPU layout); C is recomputed from p^x. */
  importState(a: LiftedArrays): void {
    const { N, L, d, Wc } = this;
    const P = pairCount(L);
    const need = { v: N * L, vprev: N * L, px: N * L * d, pt: N * L, s: N * P * d, mu: N * P * d } as const;
    for (const [k, n] of Object.entries(need)) if (!a[k] || a[k].length !== n) throw new Error(`lifted snapshot: array ${k} is missing or has the wrong length`);
    const split = (src: ArrayLike<number>, K: number) =>
      Array.from({ length: d }, (_, j) => {
        const c = new Float32Array(N * K);
        for (let i = 0; i < N * K; i++) c[i] = src[i * d + j];
        return toRows(c, N * K, Wc);
      });
    this.v = toRows(a.v, N * L, Wc);
    this.vprev = toRows(a.vprev, N * L, Wc);
    this.px = split(a.px, L);
    this.pt = toRows(a.pt, N * L, Wc);
    this.s = split(a.s, P);
    this.mu = split(a.mu, P);
    this.C = [];
  }

  destroy(): void {
    for (const k of this.kernels) k.destroy?.();
  }
}

/**
 * The stopping schedule of runLifted (lifted.ts, §2.2) for a pipeline whose kernels answer asynchronously (mode
 * 'webgpu'): measure at it mod 10 = 0, converged when ≤ tol with iterations = it + 1, cancel on the signal, yield to
 * the event loop every 200 ms. Resumes from `opts.resume` and offers snapshots through `opts.onBlock` as runLifted
 * does; `take()` reads the state back asynchronously, only when the callee asks for it.
 */
export async function runLiftedAsync(pipe: GpuLiftedPipeline, opts: SolveOptions): Promise<{ iterations: number; stop: LiftedStop; measureFinal: number }> {
  const now = opts.now ?? (() => performance.now());
  let it = 0;
  let measure = Number.NaN;
  if (opts.resume) {
    pipe.importState(opts.resume.arrays);
    it = opts.resume.iteration;
    measure = opts.resume.measure;
  }
  const take = async (): Promise<LiftedSnapshot> => ({ iteration: it, measure, arrays: await pipe.exportStateAsync() });
  let last = now();
  while (it < opts.maxIterations) {
    if (opts.signal?.aborted) {
      await opts.onBlock?.(take, true);
      return { iterations: it, stop: 'cancelled', measureFinal: measure };
    }
    measure = await pipe.iterateAsync(1);
    opts.onMeasure?.(it, measure);
    if (measure <= opts.tolerance) return { iterations: it + 1, stop: 'converged', measureFinal: measure };
    it += 1;
    const rest = Math.min(9, opts.maxIterations - it);
    if (rest > 0) await pipe.advanceAsync(rest);
    it += rest;
    if (opts.onBlock && it < opts.maxIterations) await opts.onBlock(take, false);
    const t = now();
    if (t - last > 200) {
      last = t;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  return { iterations: it, stop: 'max_iterations', measureFinal: measure };
}

/**
 * A LiftedSolve running the gpu.js pipeline (mode 'cpu' runs everywhere; 'webgpu' needs navigator.gpu installed,
 * see ../gpu/webgpu-shim.ts, and runs the schedule of runLiftedAsync).
 */
export function gpuLiftedSolve(mode: FdrGpuMode = 'cpu'): LiftedSolve {
  return async (f: Float64Array, cfg: LiftedConfig, opts: SolveOptions): Promise<LiftedSolveResult> => {
    const pipe = new GpuLiftedPipeline(f, cfg, mode);
    try {
      if (pipe.async) {
        const r = await runLiftedAsync(pipe, opts);
        return { ...r, v: await pipe.readVAsync() };
      }
      const r = await runLifted(pipe, opts);
      return { ...r, v: pipe.readV() };
    } finally {
      pipe.destroy();
    }
  };
}
