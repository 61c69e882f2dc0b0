/**
 * @module A RunContext for solver tests: in-memory artifacts, recorded progress, a seeded rng, the CPU kernels
 * (or the backend asked for), an optional abort controller and the data folder beside the checkout.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '../../solvers/core/rng.js';
import type { ArtifactInfo, CheckpointData, RunContext } from '../../solvers/core/types.js';
import type { ProgressPoint } from '../../shared/index.js';
import { createKernels, type KernelChoice } from '../../solvers/kernels/registry.js';

export const DATA_DIR = process.env.SOLVENT_DATA_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data');

export interface TestContext extends RunContext {
  progressLog: ProgressPoint[];
  artifactStore: Map<string, { data: ArrayLike<number>; shape: number[] }>;
  controller: AbortController;
  checkpoints: unknown[];
}

export async function makeTestContext(opts: { seed?: number; backend?: KernelChoice } = {}): Promise<TestContext> {
  const controller = new AbortController();
  const progressLog: ProgressPoint[] = [];
  const artifactStore = new Map<string, { data: ArrayLike<number>; shape: number[] }>();
  const checkpoints: unknown[] = [];
  const kernels = await createKernels(opts.backend ?? 'cpu');
  return {
    progressLog,
    artifactStore,
    controller,
    checkpoints,
    progress: (p) => {
      progressLog.push(p);
    },
    signal: controller.signal,
    kernels,
    rng: createRng(opts.seed ?? 0),
    artifacts: {
      async write(name, data, shape): Promise<ArtifactInfo> {
        artifactStore.set(name, { data: Array.from(data), shape });
        const dtype = data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : data instanceof Float32Array ? 'float32' : 'uint8';
        return { name, dtype, shape, bytes: data.byteLength };
      },
    },
    data: {
      location: DATA_DIR,
      async read(path) {
        try {
          return new Uint8Array(await readFile(join(DATA_DIR, path)));
        } catch {
          return undefined;
        }
      },
    },
    checkpoint: {
      async load<T>() {
        return checkpoints[checkpoints.length - 1] as CheckpointData<T> | undefined;
      },
      async save(meta, arrays = {}) {
        checkpoints.push(structuredClone({ meta, arrays }));
      },
    },
    now: () => Date.now(),
    log: () => {},
  };
}
