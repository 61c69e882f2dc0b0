/**
 * @module Resource sizing of the `bcd` solver (specs/bcd.md §8): memory ≈ 3× the input arrays + n·τ·8 bytes (fixed-block
 * GSQ factors) + per-coordinate state; a GPU only for dense A with m·n ≥ 1e7 and a greedy or IHT rule.
 */
import { bcdVariableCount, isCsr, resolveBcdOptions, type BcdSpec, type Resources } from '../../shared/index.js';

export function resources(spec: BcdSpec): Resources {
  const p = spec.problem;
  const o = resolveBcdOptions(p.kind, spec.options);
  const n = bcdVariableCount(p);
  let inputBytes: number;
  let denseLarge = false;
  if (p.kind === 'quadratic') inputBytes = p.Q.values.length * 12 + p.c.length * 8;
  else if (p.kind === 'label-propagation') inputBytes = p.W.values.length * 12 + p.labels.indices.length * 16;
  else {
    const [m, cols] = p.A.shape;
    inputBytes = isCsr(p.A) ? p.A.values.length * 12 : m * cols * 8;
    denseLarge = !isCsr(p.A) && m * cols >= 1e7;
  }
  const tau = Math.min(o.blockSize, n);
  const bytes = 3 * inputBytes + n * 8 * 12 + n * tau * 8 + 256 * 2 ** 20;
  const memoryMiB = Math.max(1024, Math.ceil(bytes / 2 ** 20 / 256) * 256);
  const greedy = ['gs', 'gsl', 'gsd', 'gsq'].includes(o.rule);
  const gpu = spec.backend === 'gpu' || (spec.backend === 'auto' && denseLarge && greedy);
  const work = Math.min(o.maxIterations, 1e8) * (inputBytes / 8 + n) * 1e-9;
  const timeoutS = Math.min(86_400, Math.max(600, Math.ceil(60 + 10 * work)));
  return { gpu, vcpus: 2, memoryMiB, timeoutS };
}
