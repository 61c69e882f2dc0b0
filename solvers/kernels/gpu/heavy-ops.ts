/**
 * @module The ops the gpu.js backend takes over from the float64 CPU backend (GEMM/GEMV, CSR SpMV, grad/div,
 * conv2d, ball and parabola projections, RBF blocks, and dense layers through GEMM), each gated by its work size:
 * below `minWork` the CPU path runs (tfjs `shouldExecuteOnCPU`). Results come back in float32 and are merged in
 * float64 (α·result + β·y on the host, so β = 0 never reads y).
 */
import type { Csr, F64, Kernels } from '../ops.js';
import { makeDense } from '../cpu/mlp.js';
import type { GpuRunner } from './runner.js';

/** 1-D outputs index with float arithmetic on some devices: keep them below 2²⁴ elements. */
const MAX_1D = 1 << 24;
/** 2-D outputs run in 8×8 workgroups, at most 65 535 per axis (WebGPU's default limit). */
const MAX_2D_AXIS = 65_535 * 8;
const fits2d = (x: number, y: number) => x <= MAX_2D_AXIS && y <= MAX_2D_AXIS;

/**
 * CPU-fallback thresholds: `compute` for ops with many flops per element moved (GEMM, RBF blocks, dense layers,
 * conv2d with 7×7 or larger filters), `memory` for streaming ops (GEMV, SpMV, grad/div, small convolutions,
 * projections), whose cost on a GPU behind host-resident arrays is the transfer.
 */
export interface WorkThresholds {
  compute: number;
  memory: number;
}

export function heavyOps(runner: GpuRunner, cpu: Kernels, minWork: WorkThresholds): Partial<Kernels> {
  const big = (work: number) => work >= minWork.compute;
  const bigMem = (work: number) => work >= minWork.memory;
  const bigConv = (work: number, ks: number) => (ks >= 7 ? big(work) : bigMem(work));

  function gemm(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, A: F64, B: F64, beta: number, C: F64): void {
    if (!big(m * n * k) || !fits2d(n, m) || m === 0 || n === 0 || k === 0 || alpha === 0) {
      cpu.gemm(tA, tB, m, n, k, alpha, A, B, beta, C);
      return;
    }
    const [sai, sap] = tA ? [1, m] : [k, 1];
    const [sbp, sbj] = tB ? [1, k] : [n, 1];
    runner.run('gemm', [n, m], [A, B, k, sai, sap, sbp, sbj], (r) => {
      const mn = m * n;
      if (beta === 0) for (let i = 0; i < mn; i++) C[i] = alpha * r[i];
      else for (let i = 0; i < mn; i++) C[i] = alpha * r[i] + beta * C[i];
    });
  }

  function gemv(trans: boolean, m: number, n: number, alpha: number, A: F64, x: F64, beta: number, y: F64): void {
    const rows = trans ? n : m;
    if (!bigMem(m * n) || rows >= MAX_1D || m === 0 || n === 0) {
      cpu.gemv(trans, m, n, alpha, A, x, beta, y);
      return;
    }
    const [sai, saj] = trans ? [1, n] : [n, 1];
    runner.run('gemv', [rows], [A, x, trans ? m : n, sai, saj], (r) => mergeInto(rows, alpha, r, beta, y));
  }

  function spmv(trans: boolean, S: Csr, alpha: number, x: F64, beta: number, y: F64): void {
    // The transposed product is a scatter; gather-style it needs CSC, so it stays on the CPU.
    if (trans || !bigMem(S.indptr[S.rows]) || S.rows >= MAX_1D || S.rows === 0) {
      cpu.spmv(trans, S, alpha, x, beta, y);
      return;
    }
    runner.run('spmv', [S.rows], [S.indptr, S.indices, S.values, x], (r) => mergeInto(S.rows, alpha, r, beta, y));
  }

  function padded(shape: readonly number[]): [number, number, number, number, number] {
    const n0 = shape[0];
    const n1 = shape.length > 1 ? shape[1] : 1;
    const n2 = shape.length > 2 ? shape[2] : 1;
    return [n0, n1, n2, n1 * n2, n2];
  }

  function grad(shape: readonly number[], u: F64, out: F64): void {
    const N = shape.reduce((a, b) => a * b, 1);
    if (!bigMem(N * shape.length) || N * shape.length >= MAX_1D || N === 0) {
      cpu.grad(shape, u, out);
      return;
    }
    const [n0, n1, n2, s0, s1] = padded(shape);
    runner.run('grad', [shape.length * N], [u, N, n0, n1, n2, s0, s1], (r) => copyInto(shape.length * N, r, out));
  }

  function div(shape: readonly number[], p: F64, out: F64): void {
    const N = shape.reduce((a, b) => a * b, 1);
    if (!bigMem(N * shape.length) || N >= MAX_1D || N === 0) {
      cpu.div(shape, p, out);
      return;
    }
    const [n0, n1, n2, s0, s1] = padded(shape);
    runner.run('div', [N], [p, shape.length, N, n0, n1, n2, s0, s1], (r) => copyInto(N, r, out));
  }

  function conv(h: number, w: number, img: F64, ks: number, K: F64, out: F64, sgn: number): void {
    runner.run('conv', [w, h], [img, K, h, w, ks, sgn], (r) => copyInto(h * w, r, out));
  }

  function conv2d(h: number, w: number, img: F64, ks: number, K: F64, out: F64): void {
    if (!bigConv(h * w * ks * ks, ks) || !fits2d(w, h) || h === 0 || w === 0) cpu.conv2d(h, w, img, ks, K, out);
    else conv(h, w, img, ks, K, out, 1);
  }

  function conv2dAdjoint(h: number, w: number, img: F64, ks: number, K: F64, out: F64): void {
    if (!bigConv(h * w * ks * ks, ks) || !fits2d(w, h) || h === 0 || w === 0) cpu.conv2dAdjoint(h, w, img, ks, K, out);
    else conv(h, w, img, ks, K, out, -1);
  }

  function projectBall(n: number, dim: number, r: number, v: F64): void {
    if (!bigMem(n * dim) || n * dim >= MAX_1D || n * dim === 0) {
      cpu.projectBall(n, dim, r, v);
      return;
    }
    runner.run('ball', [n * dim], [v, dim, r], (res) => copyInto(n * dim, res, v));
  }

  function projectParabola(n: number, dim: number, a: number, x: F64, t: F64, b: F64): void {
    const len = n * (dim + 1);
    if (!bigMem(len) || len >= MAX_1D || n === 0) {
      cpu.projectParabola(n, dim, a, x, t, b);
      return;
    }
    runner.run('parabola', [len], [x, t, b, dim, a], (r) => {
      for (let i = 0; i < n; i++) {
        const o = i * (dim + 1);
        for (let c = 0; c < dim; c++) x[i * dim + c] = r[o + c];
        t[i] = r[o + dim];
      }
    });
  }

  function rbf(n: number, m: number, d: number, X: F64, Y: F64, lengthscale: number, s2: number, K: F64): void {
    if (!big(n * m * d) || !fits2d(m, n) || n === 0 || m === 0) {
      cpu.rbf(n, m, d, X, Y, lengthscale, s2, K);
      return;
    }
    const g = -1 / (2 * lengthscale * lengthscale);
    runner.run('rbf', [m, n], [X, Y, d, g, s2], (r) => copyInto(n * m, r, K));
  }

  function rbfMeanGrad(n: number, m: number, d: number, X: F64, Y: F64, alpha: F64, lengthscale: number, s2: number, G: F64): void {
    if (!big(n * m * d) || !fits2d(d, m) || n === 0 || m === 0 || d === 0) {
      cpu.rbfMeanGrad(n, m, d, X, Y, alpha, lengthscale, s2, G);
      return;
    }
    const l2 = lengthscale * lengthscale;
    runner.run('rbfGrad', [d, m], [X, Y, alpha, n, d, -1 / (2 * l2), s2 / l2], (r) => copyInto(m * d, r, G));
  }

  const { dense, denseBackward } = makeDense(gemm);
  return {
    gemm,
    gemv,
    spmv,
    grad,
    div,
    conv2d,
    conv2dAdjoint,
    projectBall,
    projectParabola,
    rbf,
    rbfMeanGrad,
    dense,
    denseBackward,
  };
}

function copyInto(len: number, r: Float32Array, out: F64): void {
  for (let i = 0; i < len; i++) out[i] = r[i];
}

function mergeInto(len: number, alpha: number, r: Float32Array, beta: number, y: F64): void {
  if (beta === 0) for (let i = 0; i < len; i++) y[i] = alpha * r[i];
  else for (let i = 0; i < len; i++) y[i] = alpha * r[i] + beta * y[i];
}
