/** @module Resource sizing of the `fdr` solver (PLACEHOLDER: refine from the spec's footprint formulas). */
import type { FdrSpec, Resources } from '../../shared/index.js';

export function resources(spec: FdrSpec): Resources {
  return { gpu: spec.backend !== 'cpu', vcpus: 2, memoryMiB: 2048, timeoutS: 3600 };
}
