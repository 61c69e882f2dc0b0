/**
 * Checkpoint and resume through the worker: an attempt stopped by SIGTERM (stopSignal) leaves the job queued with a
 * checkpoint; the retried attempt resumes from it and the result counts every iteration exactly once.
 */
import { describe, expect, it } from 'vitest';
import { JobStore, bcdSpecSchema, keys, validateSpec, type JobSpec, type JobStatus } from '../../shared/index.js';
import { runJob } from '../../functions/worker/run-job.js';
import { createJsonLogger } from '../../functions/json-logger.js';
import type { Solver } from '../../solvers/core/types.js';
import { MemoryStore } from '../support/memory-store.js';
import { createKernels } from '../../solvers/kernels/registry.js';

const TOTAL = 40;
let onIteration: (it: number) => void = () => {};

const resumable: Solver<JobSpec> = {
  name: 'bcd',
  schema: bcdSpecSchema as never,
  resources: () => ({ gpu: false, vcpus: 1, memoryMiB: 64, timeoutS: 60 }),
  async run(spec, ctx) {
    const cp = await ctx.checkpoint.load<{ it: number; resumedFrom?: number }>();
    let it = cp?.meta.it ?? 0;
    const acc = cp?.arrays.acc ?? new Float64Array(1);
    const resumedFrom = cp ? it : undefined;
    while (it < TOTAL) {
      if (ctx.signal.aborted) return { stop: 'cancelled', iterations: it, history: [], options: spec.options };
      it++;
      acc[0] += it;
      await ctx.checkpoint.save({ it }, { acc });
      onIteration(it);
      await new Promise((r) => setTimeout(r, 5));
    }
    return { stop: 'max_iterations', iterations: it, history: [], options: spec.options, sum: acc[0], resumedFrom };
  },
};

describe('worker checkpoint/resume', () => {
  it('a stopped attempt is requeued and the next attempt resumes from the checkpoint', async () => {
    const store = new MemoryStore();
    const jobs = new JobStore(store);
    const spec = validateSpec({ solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, 1], data: [1] }, b: [1] } });
    const status: JobStatus = { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', tenant: 't', solver: 'bcd', status: 'queued', createdAt: 'now', attempts: 0, maxAttempts: 3 };
    await jobs.create(spec, status);
    const deps = { store, now: Date.now, log: createJsonLogger(() => {}), solverVersion: { version: 't', commit: 't' }, solverOverride: async () => resumable, kernels: () => createKernels('cpu') };
    const stop = new AbortController();
    onIteration = (it) => it === 10 && stop.abort(); // SIGTERM arrives after 10 iterations
    const first = await runJob({ tenant: 't', jobId: status.id }, { ...deps, stopSignal: stop.signal });
    expect(first?.status).toBe('queued');
    expect(first?.attempts).toBe(1);
    const second = await runJob({ tenant: 't', jobId: status.id }, deps);
    expect(second?.status).toBe('succeeded');
    expect(second?.attempts).toBe(2);
    const result = await jobs.readResult('t', status.id);
    expect(result?.sum).toBe((TOTAL * (TOTAL + 1)) / 2);
    expect(result?.resumedFrom).toBe(10);
    expect(result?.iterations).toBe(TOTAL);
    expect(await store.get(keys.checkpointKey('t', status.id))).toBeUndefined(); // removed once finished
  });
});
