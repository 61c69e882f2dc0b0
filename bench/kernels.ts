/**
 * @module `npm run bench -- kernels [--quick]`: time per kernel, size and backend with GFLOP/s or GB/s, next to a
 * plain memory-copy bandwidth measured in the same run. GEMM 256–1024 (float64 blocked wasm SIMD vs the plain JS
 * loop vs gpu.js), grad+div stencils on 256²–1024² × 10 iterations, conv2d 3×3, CSR SpMV with 1e6 non-zeros.
 * Backends: cpu (float64), gpu.js webasm, and gpu.js webgpu when an adapter answers (scripts/gpu-check.sh).
 * `--stencils` runs only the stencil table (cpu, the scalar-JS rows and webgpu if present).
 */
import { createRng } from '../solvers/core/rng.js';
import { gemmReference } from '../solvers/kernels/cpu/gemm-reference.js';
import { createCpuKernels } from '../solvers/kernels/cpu/index.js';
import { divRows, gradRows } from '../solvers/kernels/cpu/stencils.js';
import { usesWasmStencil } from '../solvers/kernels/cpu/wasm-stencils.js';
import { createGpuKernels, probeWebGpu } from '../solvers/kernels/gpu/index.js';
import type { Csr, Kernels } from '../solvers/kernels/ops.js';
import { type BenchFn, type BenchTable, timeMs } from './table.js';

const rng = createRng(1);

/**
 * Copy bandwidth (read + write bytes) of 64 MiB arrays: memcpy (`set`) and a plain JS element loop, 7 timed runs
 * each: the median (what the stencil medians are compared with) and the best.
 */
function copyBandwidthGBs(): { memcpy: number; memcpyBest: number; loop: number } {
  const n = 1 << 23;
  const a = rng.fillUniform(new Float64Array(n));
  const b = new Float64Array(n);
  b.set(a);
  const ts: number[] = [];
  const tl: number[] = [];
  for (let r = 0; r < 7; r++) {
    let t0 = performance.now();
    b.set(a);
    ts.push(performance.now() - t0);
    t0 = performance.now();
    for (let i = 0; i < n; i++) b[i] = a[i];
    tl.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  tl.sort((x, y) => x - y);
  const gbs = (ms: number) => (2 * 8 * n) / (ms * 1e6);
  return { memcpy: gbs(ts[3]), memcpyBest: gbs(ts[0]), loop: gbs(tl[3]) };
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
  // --stencils: the stencil table only (no GEMM/SpMV, no slow gpu.js webasm rows).
  const stencilsOnly = args.includes('--stencils');
  const bw = copyBandwidthGBs();
  const copy = bw.memcpy;
  const backends: Backend[] = [{ name: 'cpu (f64)', K: createCpuKernels(), precision: 'float64', slow: false }];
  if (!gpuCheck && !stencilsOnly) {
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
    `plain copy bandwidth (Float64Array.set, 64 MiB, read + write), median of 7: ${copy.toFixed(2)} GB/s (best ${bw.memcpyBest.toFixed(2)})`,
    `JS element-loop copy bandwidth (same arrays): ${bw.loop.toFixed(2)} GB/s`,
    `WebGPU adapter: ${adapter ?? 'none (no GPU adapter found)'}`,
  ];

  // ---- GEMM ----
  const gemmRows: BenchTable['rows'] = [];
  for (const n of stencilsOnly ? [] : quick ? [256, 512] : [256, 512, 1024]) {
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
  // Copy bandwidth again right before (the machine is shared; the ratio column uses this run's median).
  const bwSt = copyBandwidthGBs();
  const stCopy = bwSt.memcpy;
  const stNotes = [
    `memcpy right before the stencils (64 MiB, read + write), median of 7: ${stCopy.toFixed(2)} GB/s (best ${bwSt.memcpyBest.toFixed(2)}); JS element loop ${bwSt.loop.toFixed(2)} GB/s`,
    'bytes counted: grad reads u (N) and writes 2N; div reads 2N and writes N; conv2d reads N and writes N (doubles). Times are medians of 7 (slow backends 1).',
    `2-D grad/div on the cpu backend: wasm SIMD on L2-staged row blocks for n×n ≥ 4096 (${usesWasmStencil(512, 512) ? 'active' : 'inactive on this host'}); "scalar JS" rows time the plain row loops in the same run`,
    ...notes,
  ];
  const scalar: Backend = {
    name: 'scalar JS rows (f64)',
    K: {
      ...createCpuKernels(),
      grad: (shape, u, out) => gradRows(shape, u, out, 0, shape.length === 1 ? 1 : shape[0] * (shape.length === 3 ? shape[1] : 1)),
      div: (shape, p, out) => divRows(shape, p, out, 0, shape.length === 1 ? 1 : shape[0] * (shape.length === 3 ? shape[1] : 1)),
    },
    precision: 'float64',
    slow: false,
  };
  const stRows: BenchTable['rows'] = [];
  // The float64 CPU rows for every size first, then the other backends (gpu.js webasm leaves worker threads that
  // compete for the two cores).
  for (const group of [[backends[0], scalar], backends.slice(1)]) {
    for (const n of quick ? [256, 512] : [256, 512, 1024]) {
      const N = n * n;
      const u = rng.fillNormal(new Float64Array(N));
      const g = new Float64Array(2 * N);
      const d = new Float64Array(N);
      // grad reads N, writes 2N; div reads 2N, writes N (doubles).
      const bytes = 10 * 8 * (3 * N + 3 * N);
      for (const b of group) {
        const reps = b.slow ? 1 : 7;
        const t = await timeMs(() => {
          for (let it = 0; it < 10; it++) {
            b.K.grad([n, n], u, g);
            b.K.div([n, n], g, d);
          }
        }, reps);
        const gbs = bytes / (t * 1e6);
        stRows.push([`grad+div ${n}² ×10`, b.name, b.precision, t, gbs, gbs / stCopy]);
        if (b.slow) continue;
        const tg = await timeMs(() => {
          for (let it = 0; it < 10; it++) b.K.grad([n, n], u, g);
        }, reps);
        stRows.push([`grad ${n}² ×10`, b.name, b.precision, tg, (10 * 24 * N) / (tg * 1e6), (10 * 24 * N) / (tg * 1e6) / stCopy]);
        const td = await timeMs(() => {
          for (let it = 0; it < 10; it++) b.K.div([n, n], g, d);
        }, reps);
        stRows.push([`div ${n}² ×10`, b.name, b.precision, td, (10 * 24 * N) / (td * 1e6), (10 * 24 * N) / (td * 1e6) / stCopy]);
      }
      const K3 = rng.fillNormal(new Float64Array(9));
      for (const b of group) {
        if (b === scalar) continue; // its conv2d is the cpu backend's
        const t = await timeMs(() => {
          for (let it = 0; it < 10; it++) b.K.conv2d(n, n, u, 3, K3, d);
        }, b.slow ? 1 : 7);
        const gbs = (10 * 16 * N) / (t * 1e6);
        stRows.push([`conv2d 3×3 ${n}² ×10`, b.name, b.precision, t, gbs, gbs / stCopy]);
      }
    }
  }
  const stTable: BenchTable = { title: 'Stencils (FDR grad/div, conv2d)', columns: ['kernel', 'backend', 'precision', 'ms', 'GB/s', '× memcpy (median)'], rows: stRows, notes: stNotes };
  if (stencilsOnly) return [stTable];

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
    stTable,
    { title: 'CSR SpMV', columns: ['kernel', 'backend', 'precision', 'ms', 'GFLOP/s', 'GB/s'], rows: spRows, notes },
  ];
};
