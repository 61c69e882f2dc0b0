/**
 * @module gpu.js (float32) pipeline of the lifted FDR iteration (specs/fdr.md §2.2, §8): the lifted variables stay on
 * the device as textures passed between `pipeline: true` kernels (prefix sums C, pair adjoint M with μ̄ inline,
 * dual p with the parabola projection, dual s with the ball, primal μ, primal v with divergence and box), double-
 * buffered by ping-pong kernel instances; only the per-cell measure Σ_k|v − vprev| is read back every 10 its.
 * Every array is a 2-D texture [W, H] holding a flat index i = row·W + col (float32 indices: exact to 2²⁴).
 * Device memory (float32): s, μ 2·(2·d·N·P) + p (d+1)·2·N·L + v 3·N·L + M d·N·L + C d·N·(L+1) floats
 * (≤ liftedBytes of shared/spec/fdr.ts).
 */
import { GPU } from 'gpu.js';
import { liftedSteps, pairCount, runLifted, type LiftedArrays, type LiftedConfig, type LiftedIterator, type SolveOptions } from '../../fdr/lifted.js';
import type { LiftedSolve, LiftedSolveResult } from '../../fdr/fit.js';

type Tex = unknown;
type Kernel = ((...args: unknown[]) => Tex) & { destroy?: () => void };
export type FdrGpuMode = 'cpu' | 'webasm' | 'webgpu' | 'gpu' | 'webgl' | 'webgl2' | 'headlessgl';

interface Consts {
  [k: string]: number;
}

/* eslint-disable -- kernel bodies are parsed by gpu.js: plain `function`, no closures, Math.* only. */
// biome-ignore-start lint: gpu.js kernel sources
function kPrefix(this: any, px: number[][]): number {
  const i = this.thread.y * this.constants.W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const x = Math.floor(i / (this.constants.L + 1));
  const k = i - x * (this.constants.L + 1);
  let acc = 0;
  for (let kk = 0; kk < this.constants.L; kk++) {
    if (kk < k) {
      const q = x * this.constants.L + kk;
      const r = Math.floor(q / this.constants.W);
      acc += px[r][q - r * this.constants.W];
    }
  }
  return acc;
}

function kPairAdjoint(this: any, mu: number[][], s: number[][], C: number[][], tauMu: number[]): number {
  const i = this.thread.y * this.constants.W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const x = Math.floor(i / this.constants.L);
  const k = i - x * this.constants.L;
  let acc = 0;
  for (let k1 = 0; k1 < this.constants.L; k1++) {
    if (k1 <= k) {
      const qa = x * (this.constants.L + 1) + k1;
      const ra = Math.floor(qa / this.constants.W);
      const ca = C[ra][qa - ra * this.constants.W];
      const base = k1 * this.constants.L - (k1 * (k1 - 1)) / 2 - k1;
      for (let k2 = 0; k2 < this.constants.L; k2++) {
        if (k2 >= k) {
          const pi = base + k2;
          const q = x * this.constants.P + pi;
          const r = Math.floor(q / this.constants.W);
          const col = q - r * this.constants.W;
          const qb = x * (this.constants.L + 1) + k2 + 1;
          const rb = Math.floor(qb / this.constants.W);
          const cb = C[rb][qb - rb * this.constants.W];
          acc += mu[r][col] + this.constants.omega * tauMu[pi] * (s[r][col] - (cb - ca));
        }
      }
    }
  }
  return acc;
}

function kDualP(
  this: any,
  px0: number[][],
  px1: number[][],
  px2: number[][],
  pt: number[][],
  M0: number[][],
  M1: number[][],
  M2: number[][],
  v: number[][],
  vp: number[][],
  f: number[],
  sigmaP: number[],
): number {
  const i = this.thread.y * this.constants.W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const x = Math.floor(i / this.constants.L);
  const k = i - x * this.constants.L;
  const r = Math.floor(i / this.constants.W);
  const col = i - r * this.constants.W;
  const vb = 2 * v[r][col] - vp[r][col];
  const sp = sigmaP[k];
  // component 0
  let q0 = px0[r][col] + sp * M0[r][col];
  const i0 = Math.floor(x / this.constants.s0) - Math.floor(x / (this.constants.s0 * this.constants.n0)) * this.constants.n0;
  if (i0 < this.constants.n0 - 1) {
    const y = i + this.constants.s0 * this.constants.L;
    const ry = Math.floor(y / this.constants.W);
    q0 += sp * (2 * v[ry][y - ry * this.constants.W] - vp[ry][y - ry * this.constants.W] - vb) * this.constants.ih0;
  }
  let q1 = 0;
  if (this.constants.d > 1) {
    q1 = px1[r][col] + sp * M1[r][col];
    const i1 = Math.floor(x / this.constants.s1) - Math.floor(x / (this.constants.s1 * this.constants.n1)) * this.constants.n1;
    if (i1 < this.constants.n1 - 1) {
      const y = i + this.constants.s1 * this.constants.L;
      const ry = Math.floor(y / this.constants.W);
      q1 += sp * (2 * v[ry][y - ry * this.constants.W] - vp[ry][y - ry * this.constants.W] - vb) * this.constants.ih1;
    }
  }
  let q2 = 0;
  if (this.constants.d > 2) {
    q2 = px2[r][col] + sp * M2[r][col];
    const i2 = Math.floor(x / this.constants.s2) - Math.floor(x / (this.constants.s2 * this.constants.n2)) * this.constants.n2;
    if (i2 < this.constants.n2 - 1) {
      const y = i + this.constants.s2 * this.constants.L;
      const ry = Math.floor(y / this.constants.W);
      q2 += sp * (2 * v[ry][y - ry * this.constants.W] - vp[ry][y - ry * this.constants.W] - vb) * this.constants.ih2;
    }
  }
  let qt = pt[r][col];
  if (k < this.constants.L - 1) {
    const y = i + 1;
    const ry = Math.floor(y / this.constants.W);
    qt += sp * (2 * v[ry][y - ry * this.constants.W] - vp[ry][y - ry * this.constants.W] - vb) * this.constants.L;
  }
  // parabola projection onto qt ≥ |q|²/4 − λ(t_k − f)²
  const tk = (k + 1) / this.constants.L - f[x];
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

function kDualS(
  this: any,
  mu0: number[][],
  mu1: number[][],
  mu2: number[][],
  s0: number[][],
  s1: number[][],
  s2: number[][],
  C0: number[][],
  C1: number[][],
  C2: number[][],
  tauMu: number[],
  pk1: number[],
  pk2: number[],
): number {
  const i = this.thread.y * this.constants.W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const x = Math.floor(i / this.constants.P);
  const pi = i - x * this.constants.P;
  const r = Math.floor(i / this.constants.W);
  const col = i - r * this.constants.W;
  const qa = x * (this.constants.L + 1) + pk1[pi];
  const ra = Math.floor(qa / this.constants.W);
  const qb = x * (this.constants.L + 1) + pk2[pi] + 1;
  const rb = Math.floor(qb / this.constants.W);
  const tm = this.constants.omega * tauMu[pi];
  const m0 = s0[r][col] - this.constants.sigmaS * (mu0[r][col] + tm * (s0[r][col] - (C0[rb][qb - rb * this.constants.W] - C0[ra][qa - ra * this.constants.W])));
  let m1 = 0;
  let m2 = 0;
  if (this.constants.d > 1) m1 = s1[r][col] - this.constants.sigmaS * (mu1[r][col] + tm * (s1[r][col] - (C1[rb][qb - rb * this.constants.W] - C1[ra][qa - ra * this.constants.W])));
  if (this.constants.d > 2) m2 = s2[r][col] - this.constants.sigmaS * (mu2[r][col] + tm * (s2[r][col] - (C2[rb][qb - rb * this.constants.W] - C2[ra][qa - ra * this.constants.W])));
  const n2 = m0 * m0 + m1 * m1 + m2 * m2;
  let sc = 1;
  if (n2 > this.constants.thr * this.constants.thr) sc = this.constants.nu / Math.sqrt(n2);
  if (this.constants.comp === 0) return m0 * sc;
  if (this.constants.comp === 1) return m1 * sc;
  return m2 * sc;
}

function kPrimalMu(this: any, mu: number[][], s: number[][], C: number[][], tauMu: number[], pk1: number[], pk2: number[]): number {
  const i = this.thread.y * this.constants.W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const x = Math.floor(i / this.constants.P);
  const pi = i - x * this.constants.P;
  const r = Math.floor(i / this.constants.W);
  const col = i - r * this.constants.W;
  const qa = x * (this.constants.L + 1) + pk1[pi];
  const ra = Math.floor(qa / this.constants.W);
  const qb = x * (this.constants.L + 1) + pk2[pi] + 1;
  const rb = Math.floor(qb / this.constants.W);
  return mu[r][col] + tauMu[pi] * (s[r][col] - (C[rb][qb - rb * this.constants.W] - C[ra][qa - ra * this.constants.W]));
}

function kPrimalV(this: any, v: number[][], px0: number[][], px1: number[][], px2: number[][], pt: number[][]): number {
  const i = this.thread.y * this.constants.W + this.thread.x;
  if (i >= this.constants.S) return 0;
  const x = Math.floor(i / this.constants.L);
  const k = i - x * this.constants.L;
  if (k === 0) return 1;
  if (k === this.constants.L - 1) return 0;
  const r = Math.floor(i / this.constants.W);
  const col = i - r * this.constants.W;
  let dv = 0;
  const i0 = Math.floor(x / this.constants.s0) - Math.floor(x / (this.constants.s0 * this.constants.n0)) * this.constants.n0;
  if (i0 < this.constants.n0 - 1) dv += px0[r][col] * this.constants.ih0;
  if (i0 > 0) {
    const y = i - this.constants.s0 * this.constants.L;
    const ry = Math.floor(y / this.constants.W);
    dv -= px0[ry][y - ry * this.constants.W] * this.constants.ih0;
  }
  if (this.constants.d > 1) {
    const i1 = Math.floor(x / this.constants.s1) - Math.floor(x / (this.constants.s1 * this.constants.n1)) * this.constants.n1;
    if (i1 < this.constants.n1 - 1) dv += px1[r][col] * this.constants.ih1;
    if (i1 > 0) {
      const y = i - this.constants.s1 * this.constants.L;
      const ry = Math.floor(y / this.constants.W);
      dv -= px1[ry][y - ry * this.constants.W] * this.constants.ih1;
    }
  }
  if (this.constants.d > 2) {
    const i2 = Math.floor(x / this.constants.s2) - Math.floor(x / (this.constants.s2 * this.constants.n2)) * this.constants.n2;
    if (i2 < this.constants.n2 - 1) dv += px2[r][col] * this.constants.ih2;
    if (i2 > 0) {
      const y = i - this.constants.s2 * this.constants.L;
      const ry = Math.floor(y / this.constants.W);
      dv -= px2[ry][y - ry * this.constants.W] * this.constants.ih2;
    }
  }
  const ym = i - 1;
  const rm = Math.floor(ym / this.constants.W);
  dv += (pt[r][col] - pt[rm][ym - rm * this.constants.W]) * this.constants.L;
  return Math.min(1, Math.max(0, v[r][col] + this.constants.tauV * dv));
}

function kMeasure(this: any, v: number[][], vp: number[][]): number {
  const x = this.thread.x;
  let acc = 0;
  for (let k = 0; k < this.constants.L; k++) {
    const q = x * this.constants.L + k;
    const r = Math.floor(q / this.constants.W);
    acc += Math.abs(v[r][q - r * this.constants.W] - vp[r][q - r * this.constants.W]);
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

function fromTex(t: Tex, size: number): Float32Array {
  const arr = (typeof (t as { toArray?: unknown }).toArray === 'function' ? (t as { toArray(): unknown }).toArray() : t) as ArrayLike<number>[] | ArrayLike<number>;
  const out = new Float32Array(size);
  if (arr.length > 0 && typeof (arr as ArrayLike<number>[])[0] === 'object') {
    let o = 0;
    for (const row of arr as ArrayLike<number>[]) for (let c = 0; c < row.length && o < size; c++) out[o++] = row[c];
  } else out.set(Array.prototype.slice.call(arr, 0, size) as number[]);
  return out;
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
  private dualP: Kernel[][] = [[], []];
  private dualS: Kernel[][] = [[], []];
  private primalMu: Kernel[][] = [[], []];
  private primalV: Kernel[] = [];
  private measure: Kernel;
  private px: Tex[];
  private pt: Tex;
  private s: Tex[];
  private mu: Tex[];
  private v: Tex;
  private vprev: Tex;
  private C: Tex[];
  private phase = 0;
  private readonly Wc: number;

  constructor(f: Float64Array, cfg: LiftedConfig, mode: FdrGpuMode = 'cpu') {
    this.gpu = new GPU({ mode: mode as never });
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
    const makeW = (fn: unknown, size: number, comp: number): Kernel => {
      const H = Math.ceil(size / Wc);
      const k = this.gpu.createKernel(fn as never, {
        output: [Wc, H],
        pipeline: true,
        constants: { ...base, W: Wc, S: size, comp },
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
    for (let b = 0; b < 2; b++) {
      for (let c = 0; c <= d; c++) this.dualP[b].push(makeW(kDualP, N * L, c === d ? 3 : c));
      for (let j = 0; j < d; j++) {
        this.dualS[b].push(makeW(kDualS, N * P, j));
        this.primalMu[b].push(makeW(kPrimalMu, N * P, j));
      }
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
    this.C = Array.from({ length: d }, (_, j) => this.prefix[j](this.px[j]));
  }

  private step(): void {
    const b = this.phase;
    const d = this.d;
    const px = this.px;
    const pick = <T>(a: T[], j: number) => a[j < d ? j : 0];
    // M = T*μ̄ (μ̄ inline from μ, s, C of the current p)
    const M = Array.from({ length: d }, (_, j) => this.adj[j](this.mu[j], this.s[j], this.C[j], this.tauMu));
    const argsP = [pick(px, 0), pick(px, 1), pick(px, 2), this.pt, pick(M, 0), pick(M, 1), pick(M, 2), this.v, this.vprev, this.f32, this.sigmaP];
    const newPx = Array.from({ length: d }, (_, j) => this.dualP[b][j](...argsP));
    const newPt = this.dualP[b][d](...argsP);
    const argsS = [pick(this.mu, 0), pick(this.mu, 1), pick(this.mu, 2), pick(this.s, 0), pick(this.s, 1), pick(this.s, 2), pick(this.C, 0), pick(this.C, 1), pick(this.C, 2), this.tauMu, this.pk1, this.pk2];
    const newS = Array.from({ length: d }, (_, j) => this.dualS[b][j](...argsS));
    const newC = Array.from({ length: d }, (_, j) => this.prefix[j](newPx[j]));
    const newMu = Array.from({ length: d }, (_, j) => this.primalMu[b][j](this.mu[j], newS[j], newC[j], this.tauMu, this.pk1, this.pk2));
    const newV = this.primalV[b](this.v, pick(newPx, 0), pick(newPx, 1), pick(newPx, 2), newPt);
    this.vprev = this.v;
    this.v = newV;
    this.px = newPx;
    this.pt = newPt;
    this.s = newS;
    this.mu = newMu;
    this.C = newC;
    this.phase = 1 - b;
  }

  advance(count: number): void {
    for (let i = 0; i < count; i++) this.step();
  }

  iterate(count: number): number {
    this.advance(count);
    const per = this.measure(this.v, this.vprev) as ArrayLike<number>;
    let e = 0;
    for (let x = 0; x < this.N; x++) e += per[x];
    return e / (this.N * this.L);
  }

  readV(): Float64Array {
    return Float64Array.from(fromTex(this.v, this.sizeNL));
  }

  /** Float32 copies of v, vprev, p^x (interleaved x·L·d + k·d + j as on the CPU), p^t, s and μ (x·P·d + pair·d + j). */
  exportState(): LiftedArrays {
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
    this.C = Array.from({ length: d }, (_, j) => this.prefix[j](this.px[j]));
  }

  destroy(): void {
    for (const k of this.kernels) k.destroy?.();
  }
}

/** A LiftedSolve running the gpu.js pipeline (mode 'cpu' runs everywhere; a real GPU mode where available). */
export function gpuLiftedSolve(mode: FdrGpuMode = 'cpu'): LiftedSolve {
  return async (f: Float64Array, cfg: LiftedConfig, opts: SolveOptions): Promise<LiftedSolveResult> => {
    const pipe = new GpuLiftedPipeline(f, cfg, mode);
    try {
      const r = await runLifted(pipe, opts);
      return { ...r, v: pipe.readV() };
    } finally {
      pipe.destroy();
    }
  };
}
