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
  artifactStore: Map<string, StoredTestArtifact>;
  controller: AbortController;
  checkpoints: unknown[];
}

/** An earlier job that `ctx.jobs` can read: its in-memory artifacts (a TestContext's artifactStore) and result. */
export interface StoredTestArtifact {
  data: ArrayLike<number>;
  shape: number[];
  dtype?: string;
}

export interface TestJob {
  artifacts: Map<string, StoredTestArtifact>;
  result?: Record<string, unknown>;
}

export async function makeTestContext(opts: { seed?: number; backend?: KernelChoice; jobs?: Record<string, TestJob> } = {}): Promise<TestContext> {
  const controller = new AbortController();
  const progressLog: ProgressPoint[] = [];
  const artifactStore = new Map<string, StoredTestArtifact>();
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
        const dtype = data instanceof Float64Array ? 'float64' : data instanceof Int32Array ? 'int32' : data instanceof Float32Array ? 'float32' : 'uint8';
        artifactStore.set(name, { data: Array.from(data), shape, dtype });
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
    jobs: {
      async artifact(id, name) {
        const a = opts.jobs?.[id]?.artifacts.get(name);
        if (!a) return undefined;
        return { shape: a.shape.slice(), data: a.dtype === 'int32' ? Int32Array.from(a.data) : Float64Array.from(a.data) };
      },
      async result(id) {
        return opts.jobs?.[id]?.result;
      },
    },
    now: () => Date.now(),
    log: () => {},
  };
}
