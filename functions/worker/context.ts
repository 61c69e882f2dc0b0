/**
 * @module The RunContext a worker hands to a solver: throttled progress (≥ 1 s between writes, bounded history),
 * an AbortSignal fed by the cancel marker and the time limit, the seeded rng, the kernels, a .npy artifact writer,
 * the data folder, a checkpoint slot in the store, and read access to the tenant's other jobs (results, artifacts).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { encodeNpy, parseNpy } from '../../sdk/npy.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint-codec.js';
import { isJobId, JobStore, keys, type ObjectStore, type ProgressPoint, type Logger } from '../../shared/index.js';
import { HistoryRecorder } from '../../solvers/core/history.js';
import { createRng } from '../../solvers/core/rng.js';
import type { ArtifactInfo, RunContext } from '../../solvers/core/types.js';
import type { Kernels } from '../../solvers/kernels/ops.js';

export const PROGRESS_INTERVAL_MS = 1000;

export interface ContextDeps {
  store: ObjectStore;
  now(): number;
  log: Logger;
  /** Benchmark data folder (SOLVENT_DATA_DIR), if configured. */
  dataDir?: string;
  onProgress?: (p: ProgressPoint) => void;
}

export interface WorkerContext extends RunContext {
  artifactList: ArtifactInfo[];
  /** Writes the latest progress now (awaits pending writes). */
  flush(): Promise<void>;
  dispose(): void;
}

export function createRunContext(
  ref: { tenant: string; jobId: string },
  seed: number,
  kernels: Kernels,
  signal: AbortSignal,
  deps: ContextDeps,
): WorkerContext {
  const jobs = new JobStore(deps.store);
  const t0 = deps.now();
  const history = new HistoryRecorder<ProgressPoint>(1000);
  let latest: ProgressPoint | undefined;
  let lastWrite = 0;
  let dirty = false;
  let chain: Promise<void> = Promise.resolve();
  const artifactList: ArtifactInfo[] = [];

  const write = (): Promise<void> => {
    if (!latest || !dirty) return chain;
    dirty = false;
    lastWrite = deps.now();
    const doc = { latest, history: history.finish(), updatedAt: new Date(lastWrite).toISOString() };
    chain = chain
      .then(() => jobs.writeProgress(ref.tenant, ref.jobId, doc))
      .catch((e) => deps.log.warn('progress write failed', { jobId: ref.jobId, error: (e as Error).message }));
    return chain;
  };

  return {
    artifactList,
    signal,
    kernels,
    rng: createRng(seed),
    now: deps.now,
    log: (msg, fields) => deps.log.info(msg, { jobId: ref.jobId, ...fields }),
    progress(p) {
      const point: ProgressPoint = { ...p, elapsedMs: p.elapsedMs ?? deps.now() - t0 };
      latest = point;
      history.push(point);
      dirty = true;
      deps.onProgress?.(point);
      if (deps.now() - lastWrite >= PROGRESS_INTERVAL_MS) void write();
    },
    async flush() {
      await write();
      await chain;
    },
    artifacts: {
      async write(name, data, shape): Promise<ArtifactInfo> {
        const asNpy =
          data instanceof Float64Array || data instanceof Int32Array ? data : data instanceof Float32Array ? Float64Array.from(data) : Int32Array.from(data);
        const bytes = encodeNpy(asNpy, shape);
        await deps.store.put(keys.artifactKey(ref.tenant, ref.jobId, name), bytes, { contentType: 'application/octet-stream' });
        const info: ArtifactInfo = { name, dtype: asNpy instanceof Float64Array ? 'float64' : 'int32', shape, bytes: bytes.byteLength };
        const i = artifactList.findIndex((a) => a.name === name);
        if (i >= 0) artifactList[i] = info;
        else artifactList.push(info);
        return info;
      },
    },
    data: {
      location: deps.dataDir,
      async read(path) {
        if (!deps.dataDir) return undefined;
        const root = resolve(deps.dataDir);
        const p = resolve(root, path);
        if (!p.startsWith(root + sep)) return undefined;
        try {
          return new Uint8Array(await readFile(join(p)));
        } catch {
          return undefined;
        }
      },
    },
    checkpoint: {
      async load<T>() {
        const got = await deps.store.get(keys.checkpointKey(ref.tenant, ref.jobId));
        if (!got) return undefined;
        try {
          return decodeCheckpoint<T>(got.body);
        } catch (e) {
          deps.log.warn('checkpoint unreadable; starting afresh', { jobId: ref.jobId, error: (e as Error).message });
          return undefined;
        }
      },
      async save(meta, arrays) {
        await deps.store.put(keys.checkpointKey(ref.tenant, ref.jobId), encodeCheckpoint(meta, arrays), { contentType: 'application/octet-stream' });
      },
    },
    jobs: {
      // the tenant is the job's own: another tenant's jobs are not reachable from here
      async artifact(id, name) {
        if (!isJobId(id)) return undefined;
        const got = await deps.store.get(keys.artifactKey(ref.tenant, id, name));
        if (!got) return undefined;
        const a = parseNpy(got.body);
        return { shape: a.shape, data: a.data };
      },
      async result(id) {
        if (!isJobId(id)) return undefined;
        return (await jobs.readResult(ref.tenant, id)) as Record<string, unknown> | undefined;
      },
    },
    dispose() {},
  };
}
