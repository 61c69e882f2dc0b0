/** @module Resource sizing of the `bilevel` solver (PLACEHOLDER: refine from the spec's footprint formulas). */
import type { BilevelSpec, Resources } from '../../shared/index.js';

export function resources(spec: BilevelSpec): Resources {
  return { gpu: spec.backend !== 'cpu', vcpus: 2, memoryMiB: 2048, timeoutS: 3600 };
}
