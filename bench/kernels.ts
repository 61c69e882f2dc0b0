/**
 * @module `npm run bench -- kernels [--quick]`: time per kernel, size and backend with GFLOP/s or GB/s, next to a
 * plain memory-copy bandwidth measured in the same run. GEMM 256–1024 (float64 blocked wasm SIMD vs the plain JS
 * loop vs gpu.js), grad+div stencils on 256²–1024² × 10 iterations, conv2d 3×3, CSR SpMV with 1e6 non-zeros.
 * Backends: cpu (float64), gpu.js webasm, and gpu.js webgpu when an adapter answers (scripts/gpu-check.sh).
 */
import { createRng } from '../solvers/core/rng.js';
import { gemmReference } from '../solvers/kernels/cpu/gemm-reference.js';
import { createCpuKernels } from '../solvers/kernels/cpu/index.js';
import { createGpuKernels, probeWebGpu } from '../solvers/kernels/gpu/index.js';
import type { Csr, Kernels } from '../solvers/kernels/ops.js';
import { type BenchFn, type BenchTable, timeMs } from './table.js';

const rng = createRng(1);

/** Copy bandwidth (read + write bytes) of 64 MiB arrays: memcpy (`set`) and a plain JS element loop. */
function copyBandwidthGBs(): { memcpy: number; loop: number } {
  const n = 1 << 23;
  const a = rng.fillUniform(new Float64Array(n));
  const b = new Float64Array(n);
  let best = Number.POSITIVE_INFINITY;
  let bestLoop = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    let t0 = performance.now();
    b.set(a);
    best = Math.min(best, performance.now() - t0);
    t0 = performance.now();
    for (let i = 0; i < n; i++) b[i] = a[i];
    bestLoop = Math.min(bestLoop, performance.now() - t0);
  }
  return { memcpy: (2 * 8 * n) / (best * 1e6), loop: (2 * 8 * n) / (bestLoop * 1e6) };
}

function csr(rows: number, cols: number, perRow: number): Csr {
  const nnz = rows * perRow;
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(nnz);
  for (let i = 0; i < rows; i++) {
    indptr[i + 1] = (i + 1) * perRow;
    // a band around the diagonal plus random columns: typical of the solvers' sparse problems
    for (let p = 0; p < perRow; p++) indices[i * perRow + p] = p < perRow / 2 ? (i + p) % cols : rng.int(cols);
    indices.subarray(i * perRow, (i + 1) * perRow).sort();
  }
  return { rows, cols, indptr, indices, values: rng.fillNormal(new Float64Array(nnz)) };
}

interface Backend {
  name: string;
  K: Kernels;
  precision: string;
  /** Slow backends get one timed repetition at the largest sizes. */
  slow: boolean;
}

export const bench: BenchFn = async ({ quick, args }) => {
  // --gpu-check (scripts/gpu-check.sh): float64 CPU against the GPU only, full sizes, no slow gpu.js webasm rows.
  const gpuCheck = args.includes('--gpu-check');
  const bw = copyBandwidthGBs();
  const copy = bw.memcpy;
  const backends: Backend[] = [{ name: 'cpu (f64)', K: createCpuKernels(), precision: 'float64', slow: false }];
  if (!gpuCheck) {
    const webasm = await createGpuKernels({ mode: 'webasm' });
    backends.push({ name: webasm.info.device, K: webasm, precision: 'float32', slow: true });
  }
  const adapter = await probeWebGpu();
  if (adapter !== null) {
    // minWork 0: every op through the GPU, to time the kernels themselves (by default streaming ops stay on the CPU).
    const K = await createGpuKernels({ mode: 'webgpu', minWork: 0 });
    backends.push({ name: K.info.device, K, precision: 'float32', slow: false });
  }
  const notes = [
    `plain copy bandwidth (Float64Array.set, 64 MiB, read + write): ${copy.toFixed(2)} GB/s`,
    `JS element-loop copy bandwidth (same arrays): ${bw.loop.toFixed(2)} GB/s`,
    `WebGPU adapter: ${adapter ?? 'none (no GPU adapter found)'}`,
  ];

  // ---- GEMM ----
  const gemmRows: BenchTable['rows'] = [];
  for (const n of quick ? [256, 512] : [256, 512, 1024]) {
    const A = rng.fillNormal(new Float64Array(n * n));
    const B = rng.fillNormal(new Float64Array(n * n));
    const C = new Float64Array(n * n);
    const flops = 2 * n * n * n;
    if (n <= 512 && !gpuCheck) {
      const t = await timeMs(() => gemmReference(false, false, n, n, n, 1, A, B, 0, C), 2);
      gemmRows.push([`${n}×${n}×${n}`, 'plain JS i-k-j (f64)', 'float64', t, flops / (t * 1e6)]);
    }
    for (const b of backends) {
      const reps = b.slow && n >= 512 ? 1 : n >= 1024 ? 3 : 5;
      const t = await timeMs(() => b.K.gemm(false, false, n, n, n, 1, A, B, 0, C), reps);
      gemmRows.push([`${n}×${n}×${n}`, b.name, b.precision, t, flops / (t * 1e6)]);
    }
  }

  // ---- stencils: grad + div, 10 iterations ----
  const stRows: BenchTable['rows'] = [];
  for (const n of quick ? [256, 512] : [256, 512, 1024]) {
    const N = n * n;
    const u = rng.fillNormal(new Float64Array(N));
    const g = new Float64Array(2 * N);
    const d = new Float64Array(N);
    // grad reads N, writes 2N; div reads 2N, writes N (doubles).
    const bytes = 10 * 8 * (3 * N + 3 * N);
    for (const b of backends) {
      const t = await timeMs(() => {
        for (let it = 0; it < 10; it++) {
          b.K.grad([n, n], u, g);
          b.K.div([n, n], g, d);
        }
      }, b.slow ? 1 : 3);
      const gbs = bytes / (t * 1e6);
      stRows.push([`grad+div ${n}² ×10`, b.name, b.precision, t, gbs, gbs / copy]);
    }
    const K3 = rng.fillNormal(new Float64Array(9));
    for (const b of backends) {
      const t = await timeMs(() => {
        for (let it = 0; it < 10; it++) b.K.conv2d(n, n, u, 3, K3, d);
      }, b.slow ? 1 : 3);
      const gbs = (10 * 16 * N) / (t * 1e6);
      stRows.push([`conv2d 3×3 ${n}² ×10`, b.name, b.precision, t, gbs, gbs / copy]);
    }
  }

  // ---- CSR SpMV, 1e6 non-zeros ----
  const spRows: BenchTable['rows'] = [];
  const S = csr(100_000, 100_000, 10);
  const x = rng.fillNormal(new Float64Array(S.cols));
  const y = new Float64Array(S.rows);
  const nnz = S.indptr[S.rows];
  // values 8 B + index 4 B + gathered x 8 B per non-zero; indptr 4 B + y 8 B per row.
  const spBytes = nnz * 20 + S.rows * 12;
  for (const b of backends) {
    for (const trans of [false, true]) {
      const t = await timeMs(() => b.K.spmv(trans, S, 1, trans ? y : x, 0, trans ? x : y), b.slow ? 3 : 10);
      spRows.push([`CSR ${trans ? 'Sᵀx' : 'Sx'} 1e5², nnz 1e6`, b.name, b.precision, t, (2 * nnz) / (t * 1e6), spBytes / (t * 1e6)]);
    }
  }

  return [
    { title: 'GEMM C = A·B (row-major, square)', columns: ['size', 'backend', 'precision', 'ms', 'GFLOP/s'], rows: gemmRows, notes },
    { title: 'Stencils (FDR grad/div, conv2d)', columns: ['kernel', 'backend', 'precision', 'ms', 'GB/s', '× copy bw'], rows: stRows, notes },
    { title: 'CSR SpMV', columns: ['kernel', 'backend', 'precision', 'ms', 'GFLOP/s', 'GB/s'], rows: spRows, notes },
  ];
};
