/**
 * @module The worker (DESIGN §1, §6): read spec → registry → solver.run(spec, ctx) → artifacts, result.json, then
 * the terminal status. Used by the local worker process and as the AWS Batch container command. Every way out
 * ends the job in a terminal state with its reason (or leaves it queued for a retry when the process is told to
 * stop); a result is always written before `succeeded`.
 */
import {
  ConflictError,
  CorruptDocumentError,
  JobStore,
  SOLVER_NAMES,
  SolverError,
  isJobId,
  isTerminal,
  keys,
  ulidTimeMs,
  validateSpec,
  type JobSpec,
  type JobStatus,
  type Logger,
  type ObjectStore,
  type ResultEnvelope,
} from '../../shared/index.js';
import { SOLVERS, createKernels, resourcesFor, type Solver } from '../../solvers/registry.js';
import { downsample } from '../../solvers/core/history.js';
import { createRunContext } from './context.js';

export interface WorkerDeps {
  store: ObjectStore;
  now(): number;
  log: Logger;
  dataDir?: string;
  solverVersion: { version: string; commit: string };
  /** Aborted when the process is asked to stop (SIGTERM): the job is left for a retry or cancelled. */
  stopSignal?: AbortSignal;
  /** Test hook: replace a solver's implementation (never set in production). */
  solverOverride?: (name: JobSpec['solver']) => Promise<Solver<JobSpec> | undefined>;
  cancelPollMs?: number;
  /** Kernel backends (a warm worker creates them ahead of the job); default: createKernels. */
  kernels?: (choice: 'auto' | 'cpu' | 'gpu') => Promise<import('../../solvers/kernels/ops.js').Kernels>;
  /** Observer of every progress report (the CLI's progress bar). */
  onProgress?: (p: import('../../shared/index.js').ProgressPoint) => void;
}

export type AbortReason = 'cancelled' | 'timeout' | 'terminated';

export async function runJob(ref: { tenant: string; jobId: string }, deps: WorkerDeps): Promise<JobStatus | undefined> {
  const { tenant, jobId } = ref;
  const jobs = new JobStore(deps.store);
  const iso = () => new Date(deps.now()).toISOString();
  const log = (msg: string, f: Record<string, unknown> = {}) => deps.log.info(msg, { tenant, jobId, ...f });

  let cur: Awaited<ReturnType<JobStore['readStatus']>>;
  try {
    cur = await jobs.readStatus(tenant, jobId);
  } catch (e) {
    if (!(e instanceof CorruptDocumentError)) throw e;
    return failCorrupt(jobs, ref, deps, e);
  }
  if (!cur) {
    deps.log.error('worker: job not found', { tenant, jobId });
    return undefined;
  }
  if (isTerminal(cur.status.status)) return cur.status;
  if (cur.status.status === 'running') {
    // A retried attempt (Batch retry after a spot reclaim, or a restart): requeue then start again.
    await jobs.apply(tenant, jobId, { type: 'requeue', reason: 'previous attempt was interrupted' }, iso);
  }
  if (await jobs.isCancelRequested(tenant, jobId)) {
    return jobs.apply(tenant, jobId, { type: 'cancel', reason: 'cancelled before it started' }, iso).catch(ignoreConflict(jobs, tenant, jobId));
  }
  let started: JobStatus;
  try {
    started = await jobs.apply(tenant, jobId, { type: 'start' }, iso);
  } catch (e) {
    if (e instanceof ConflictError) return (await jobs.readStatus(tenant, jobId))?.status;
    throw e;
  }
  if (started.status !== 'running') return started; // attempts exhausted
  log('job started', { attempt: started.attempts });

  const controller = new AbortController();
  let reason: AbortReason | undefined;
  const abort = (r: AbortReason) => {
    if (!reason) {
      reason = r;
      controller.abort(r);
    }
  };
  const timers: ReturnType<typeof setInterval>[] = [];
  let ctxFlush: (() => Promise<void>) | undefined;
  const startedMs = deps.now();
  const startedAt = iso();
  try {
    const raw = await jobs.readSpec(tenant, jobId);
    if (!raw) throw new SolverError('spec.json is missing');
    let spec: JobSpec;
    try {
      spec = validateSpec(raw);
    } catch (e) {
      throw new SolverError(`stored spec no longer validates: ${(e as Error).message}`);
    }
    const resources = resourcesFor(spec);
    const solver = (await deps.solverOverride?.(spec.solver)) ?? (await SOLVERS[spec.solver].load());
    const kernels = await (deps.kernels ?? createKernels)(spec.backend);

    timers.push(setTimeout(() => abort('timeout'), resources.timeoutS * 1000));
    timers.push(
      setInterval(() => {
        jobs.isCancelRequested(tenant, jobId).then(
          (yes) => yes && abort('cancelled'),
          () => {},
        );
      }, deps.cancelPollMs ?? 500),
    );
    if (deps.stopSignal) {
      if (deps.stopSignal.aborted) abort('terminated');
      deps.stopSignal.addEventListener('abort', () => abort('terminated'), { once: true });
    }

    const ctx = createRunContext(ref, spec.seed, kernels, controller.signal, {
      store: deps.store,
      now: deps.now,
      log: deps.log,
      dataDir: deps.dataDir,
      onProgress: deps.onProgress,
    });
    ctxFlush = () => ctx.flush();
    const out = await solver.run(spec, ctx);
    await ctx.flush();
    for (const t of timers) clearInterval(t);

    if (reason === 'timeout') throw new TimeoutError(resources.timeoutS);
    if (reason === 'terminated' && out.stop === 'cancelled') {
      return await requeueOrFail(jobs, tenant, jobId, iso, 'worker was stopped (SIGTERM) before the job finished');
    }
    const { history, stop, iterations, options, elapsedMs, ...outputs } = out;
    const result: ResultEnvelope = {
      solver: spec.solver,
      ...outputs,
      stop,
      iterations,
      elapsedMs: typeof elapsedMs === 'number' ? elapsedMs : deps.now() - startedMs,
      history: downsample(history, 1000),
      options,
      solverVersion: deps.solverVersion,
      backend: kernels.info.backend,
      device: kernels.info.device,
      seed: spec.seed,
      startedAt,
      finishedAt: iso(),
      artifacts: ctx.artifactList.map((a) => ({ name: a.name, dtype: a.dtype, shape: a.shape, bytes: a.bytes })),
    };
    await jobs.writeResult(tenant, jobId, result);
    const final =
      stop === 'cancelled' || reason === 'cancelled'
        ? await jobs.apply(tenant, jobId, { type: 'cancel', reason: 'cancelled by request while running' }, iso)
        : await jobs.apply(tenant, jobId, { type: 'succeed' }, iso);
    // A finished job no longer needs its resume state (it can be large: lifted variables, network weights).
    await deps.store.delete(keys.checkpointKey(tenant, jobId)).catch(() => {});
    log('job finished', { status: final.status, stop, iterations, elapsedMs: result.elapsedMs });
    return final;
  } catch (e) {
    for (const t of timers) clearInterval(t);
    await ctxFlush?.().catch(() => {});
    if (reason === 'cancelled') {
      return jobs.apply(tenant, jobId, { type: 'cancel', reason: 'cancelled by request while running' }, iso).catch(ignoreConflict(jobs, tenant, jobId));
    }
    if (reason === 'terminated') return requeueOrFail(jobs, tenant, jobId, iso, 'worker was stopped (SIGTERM) before the job finished');
    const error =
      e instanceof TimeoutError || reason === 'timeout'
        ? { code: 'timeout', message: e instanceof TimeoutError ? e.message : 'the job exceeded its time limit' }
        : e instanceof SolverError
          ? { code: 'solver_error', message: e.message }
          : { code: 'internal', message: `${(e as Error)?.name ?? 'Error'}: ${(e as Error)?.message ?? String(e)}` };
    deps.log.error('job failed', { tenant, jobId, ...error, stack: (e as Error)?.stack });
    return jobs.apply(tenant, jobId, { type: 'fail', error }, iso).catch(ignoreConflict(jobs, tenant, jobId));
  }
}

/** A status document that cannot be read: rewritten as `failed` with the reason (no transition can apply to it). */
async function failCorrupt(jobs: JobStore, ref: { tenant: string; jobId: string }, deps: WorkerDeps, e: CorruptDocumentError): Promise<JobStatus> {
  const { tenant, jobId } = ref;
  const now = new Date(deps.now()).toISOString();
  deps.log.error('worker: job status is corrupt; ending the job failed', { tenant, jobId, error: e.message });
  const spec = await jobs.readSpec(tenant, jobId).catch(() => undefined);
  const solver = SOLVER_NAMES.find((s) => s === spec?.solver) ?? 'bcd';
  const status: JobStatus = {
    id: jobId,
    tenant,
    solver,
    status: 'failed',
    createdAt: isJobId(jobId) ? new Date(ulidTimeMs(jobId)).toISOString() : now,
    finishedAt: now,
    attempts: 0,
    maxAttempts: 1,
    error: { code: 'corrupt_state', message: 'the job’s stored status could not be read; it was ended failed' },
  };
  await jobs.forceStatus(status);
  return status;
}

class TimeoutError extends Error {
  constructor(limitS: number) {
    super(`the job exceeded its time limit of ${limitS} s`);
    this.name = 'TimeoutError';
  }
}

async function requeueOrFail(jobs: JobStore, tenant: string, jobId: string, iso: () => string, why: string): Promise<JobStatus | undefined> {
  return jobs.apply(tenant, jobId, { type: 'requeue', reason: why }, iso).catch(ignoreConflict(jobs, tenant, jobId));
}

function ignoreConflict(jobs: JobStore, tenant: string, jobId: string) {
  return async (e: unknown): Promise<JobStatus | undefined> => {
    if (e instanceof ConflictError) return (await jobs.readStatus(tenant, jobId))?.status;
    throw e;
  };
}
