/**
 * @module The float64 CPU backend: every op of the Kernels interface (ops.ts) as plain typed-array code, one file
 * per family. `createCpuKernels()` returns a fresh object (it owns scratch buffers, so one per worker/solver run).
 */
import type { Kernels } from '../ops.js';
import { argmax, axpby, axpy, dot, gemv, normInf, nrm2, scale, sum } from './blas.js';
import { cholesky, trsm } from './factorizations.js';
import { gemm } from './gemm.js';
import { adam, makeDense } from './mlp.js';
import { projectBall, projectParabola } from './projections.js';
import { rbf, rbfMeanGrad } from './rbf.js';
import { spmv } from './spmv.js';
import { conv2d, conv2dAdjoint, div, grad } from './stencils.js';

export function createCpuKernels(): Kernels {
  const { dense, denseBackward } = makeDense(gemm);
  return {
    info: { backend: 'cpu', device: 'cpu-f64', precision: 'float64' },
    gemm,
    gemv,
    spmv,
    axpy,
    axpby,
    scale,
    dot,
    sum,
    nrm2,
    normInf,
    argmax,
    grad,
    div,
    conv2d,
    conv2dAdjoint,
    projectBall,
    projectParabola,
    rbf,
    rbfMeanGrad,
    cholesky,
    trsm,
    dense,
    denseBackward,
    adam,
  };
}
