/**
 * @module Resource sizing of the `root` solver (specs/root.md "Solvent contract", §8): GPU for `method: root` unless
 * `backend: cpu`; memory ≈ 2·8·n_gp² (Gram + factor, float64) + 64 MiB per 1M network parameters + data; timeout
 * from the flop counts of §8 (GP factorisations and walks, network passes) at a conservative sustained rate.
 */
import type { Resources, RootSpec } from '../../shared/index.js';
import { parameterCount } from './bridge/mlp.js';
import { defaultDim } from './dataset.js';
import { BASE_GP_ROWS_CPU, GP_ROWS_AUTO } from './options.js';
import { sampleCount, type SyntheticTask } from './tasks/synthetic.js';

const MiB = 1024 * 1024;

/** Rows n and encoded dimension d of a spec's offline data (benchmarks: from their recipes). */
export function problemSize(spec: RootSpec): { n: number; d: number } {
  const p = spec.problem;
  if (p.kind === 'continuous') return { n: p.X.shape[0], d: p.X.shape[1] };
  if (p.kind === 'categorical') return { n: p.X.shape[0], d: p.X.shape[1] * (p.alphabetSize - 1) };
  if (p.task === 'tfbind8') return { n: 32898, d: 24 };
  const dim = p.dim ?? defaultDim(p.task);
  return { n: Math.ceil(0.4 * sampleCount(p.task as SyntheticTask, dim)), d: dim };
}

/** Rows of the largest GP a job factorises: ROOT's training GPs, else the base GP (capped on the CPU backend). */
export function largestGpRows(spec: RootSpec, n: number, gpu: boolean): number {
  const o = spec.options;
  const nGp = Math.min(n, o.gpRows === 'auto' ? GP_ROWS_AUTO : o.gpRows);
  if (o.method === 'root' && !o.bridge) return nGp;
  return gpu ? nGp : Math.min(nGp, BASE_GP_ROWS_CPU);
}

/**
 * GPU: `method: root` unless `backend: cpu` (its per-epoch GP fits and walks are the heavy part, §8), and any method
 * with `backend: gpu`. GA / random on `auto` run on the CPU, where the base GP is capped at BASE_GP_ROWS_CPU rows.
 * Memory: Gram + factor 2·8·n_gp² + 64 MiB per 1M network parameters + data (offline X twice, walkers, pair pools).
 */
export function resources(spec: RootSpec): Resources {
  const o = spec.options;
  const { n, d } = problemSize(spec);
  if (o.method === 'root' && o.bridge) return bridgeSamplingResources(spec, n, d);
  const gpu = spec.backend !== 'cpu' && (o.method === 'root' || spec.backend === 'gpu');
  const nGp = largestGpRows(spec, n, gpu);
  const params = o.method === 'root' ? parameterCount(d, o.hidden) : 0;
  const P = Math.min(o.startPoints, n);
  const pairBytes = o.method === 'root' ? 8 * 2 * d * (o.functionsPerEpoch * P * (1 + 0.1 * o.epochs) + 4 * P) : 0;
  const dataBytes = 8 * n * (2 * d + 2) + 8 * nGp * (d + 1) + pairBytes;
  const memoryBytes = 2 * 8 * nGp * nGp + (64 * MiB * params) / 1e6 + dataBytes + 256 * MiB;
  const memoryMiB = Math.ceil(memoryBytes / MiB / 256) * 256;
  let flops: number;
  if (o.method === 'root') {
    const fns = o.epochs * o.functionsPerEpoch;
    const gpFlops = fns * (nGp ** 3 / 3 + 2 * nGp * nGp + nGp * nGp * d + o.gradientSteps * 4 * 2 * P * nGp * d);
    const batches = (o.epochs * o.functionsPerEpoch * P * 0.9) / o.batchSize;
    const netFlops = batches * 3 * 2 * o.batchSize * params + o.samplingSteps * 2 * 2 * o.candidates * params;
    flops = gpFlops + netFlops;
  } else {
    flops = nGp ** 3 / 3 + nGp * nGp * d + o.gradientSteps * 4 * o.candidates * nGp * d;
  }
  const rate = gpu ? 2e11 : 1e9;
  const timeoutS = Math.min(48 * 3600, Math.max(600, Math.ceil((3 * flops) / rate)));
  return { gpu, vcpus: gpu ? 4 : 2, memoryMiB, timeoutS };
}

/**
 * Sampling from an earlier job's bridge (`options.bridge`): no training; the base GP (for `predicted`) and the
 * sampler's network passes. The bridge's width is only known when it is loaded: sized for max(hidden, 1024).
 */
function bridgeSamplingResources(spec: RootSpec, n: number, d: number): Resources {
  const o = spec.options;
  const gpu = spec.backend === 'gpu';
  const nGp = largestGpRows(spec, n, gpu);
  const params = parameterCount(d, Math.max(o.hidden, 1024));
  const memoryBytes = 2 * 8 * nGp * nGp + (64 * MiB * params) / 1e6 + 8 * n * (2 * d + 2) + 256 * MiB;
  const flops = nGp ** 3 / 3 + nGp * nGp * d + o.samplingSteps * 2 * 2 * o.candidates * params;
  const timeoutS = Math.min(48 * 3600, Math.max(600, Math.ceil((3 * flops) / (gpu ? 2e11 : 1e9))));
  return { gpu, vcpus: 2, memoryMiB: Math.ceil(memoryBytes / MiB / 256) * 256, timeoutS };
}
