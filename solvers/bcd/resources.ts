/** @module Resource sizing of the `bcd` solver (PLACEHOLDER: refine from the spec's footprint formulas). */
import type { BcdSpec, Resources } from '../../shared/index.js';

export function resources(spec: BcdSpec): Resources {
  return { gpu: spec.backend !== 'cpu', vcpus: 2, memoryMiB: 2048, timeoutS: 3600 };
}
