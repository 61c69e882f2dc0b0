/**
 * @module Resource sizing of the `bilevel` solver (specs/bilevel.md §8): GPU for FoE and for TV/multinomial above
 * ~10⁶ unknowns, CPU otherwise; memory from a handful of lower-size vectors (+ FoE correlation buffers); timeout
 * from the cost budget × an estimate of the seconds per lower-level gradient.
 */
import type { BilevelSpec, Resources } from '../../shared/index.js';

export function resources(spec: BilevelSpec): Resources {
  const p = spec.problem;
  let n: number;
  let flopsPerGrad: number;
  if (p.kind === 'quadratic') {
    n = p.A1.shape[1];
    flopsPerGrad = 2 * n * n + 2 * n * p.A3.shape[1];
  } else if (p.kind === 'tv-denoising' || p.kind === 'foe-denoising') {
    const count = p.synthetic ? p.synthetic.count : (p.images?.length ?? 1);
    const shape = p.synthetic ? [p.synthetic.size, p.synthetic.size] : (p.images?.[0].clean.shape ?? [1]);
    n = count * shape.reduce((a, b) => a * b, 1);
    flopsPerGrad = p.kind === 'tv-denoising' ? 20 * n : 2 * p.filters * p.filterSize * p.filterSize * n;
  } else {
    const d = p.train.X.shape[1];
    n = d * p.classes;
    flopsPerGrad = 4 * p.train.X.shape[0] * n;
  }
  const gpuWorthy = p.kind === 'foe-denoising' || n > 1e6;
  const gpu = spec.backend === 'gpu' || (spec.backend === 'auto' && gpuWorthy);
  const memoryMiB = Math.min(65536, Math.max(1024, Math.ceil((40 * n * 8) / 2 ** 20) + 512));
  const budget = spec.options.budget;
  const seconds = (budget * flopsPerGrad) / (gpu ? 2e10 : 5e8);
  const timeoutS = Math.min(86400, Math.max(600, Math.ceil(spec.options.timeLimitS ?? 2 * seconds + 300)));
  return { gpu, vcpus: 2, memoryMiB, timeoutS };
}
