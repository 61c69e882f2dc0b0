/** @module Resource sizing of the `root` solver (PLACEHOLDER: refine from the spec's footprint formulas). */
import type { RootSpec, Resources } from '../../shared/index.js';

export function resources(spec: RootSpec): Resources {
  return { gpu: spec.backend !== 'cpu', vcpus: 2, memoryMiB: 2048, timeoutS: 3600 };
}
