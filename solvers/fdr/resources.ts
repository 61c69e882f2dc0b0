/**
 * @module Resource sizing of the `fdr` solver (specs/fdr.md "Size limits and memory footprint"): memory from
 * liftedBytes = 16·d·N·P + 96·N·L + 32·N plus 1 GiB, GPU when the backend is not `cpu`, and a timeout of
 * 1.5 × solves × maxIterations × t_it with t_it = a + b·d·N·P (CPU a = 0, b = 100 ns; GPU a = 3 ms, b = 5 ns).
 */
import type { FdrSpec, Resources } from '../../shared/index.js';
import { fdrGridShape, fdrLiftedBytes } from '../../shared/spec/fdr.js';

/** Number of SURE candidates the options imply (0 when λ and ν are both numbers). */
export function candidateCount(spec: FdrSpec): number {
  const o = spec.options;
  if (o.lambda !== 'sure' && o.nu !== 'sure') return 0;
  if (o.sure.candidates) return o.sure.candidates.length;
  const s = o.sure.search;
  if (s.method === 'random') return s.samples;
  return (o.lambda === 'sure' ? s.points : 1) * (o.nu === 'sure' ? s.points : 1);
}

export function resources(spec: FdrSpec): Resources {
  const shape = fdrGridShape(spec.problem, spec.options);
  const d = shape.length;
  const N = shape.reduce((a, b) => a * b, 1);
  const L = spec.options.levels;
  const P = (L * (L + 1)) / 2;
  const gpu = spec.backend !== 'cpu';
  const bytes = fdrLiftedBytes(d, N, L);
  const solves = 1 + candidateCount(spec) * (1 + spec.options.sure.probes);
  const tIt = gpu ? 3e-3 + 5e-9 * d * N * P : 100e-9 * d * N * P;
  const timeoutS = Math.min(86_400, Math.max(900, Math.ceil(1.5 * solves * spec.options.maxIterations * tIt)));
  return { gpu, vcpus: 2, memoryMiB: Math.ceil(bytes / 2 ** 20) + 1024, timeoutS };
}
