/**
 * @module Worker process entry: the AWS Batch container command (`npx tsx functions/worker/main.ts` with
 * SOLVENT_TENANT and SOLVENT_JOB_ID) and the local queue's worker process. Locally a worker is forked ahead of need
 * (a "spare"): it loads the solvers and probes the kernels while idle, then receives exactly one job over IPC, runs it
 * and exits — one process per job, without the start-up cost on the job's path. Storage: SOLVENT_BUCKET (S3) or
 * SOLVENT_DATA (local folder); SOLVENT_DATA_DIR for benchmark data. SIGTERM aborts the solver; the job is then
 * requeued for another attempt (Batch retry / service restart) or failed when no attempts remain.
 */
import { z } from 'zod';

// Listen first, so a job sent while the imports below load is not missed.
const assigned = new Promise<{ tenant: string; jobId: string }>((resolve) => {
  process.on('message', (m: { type?: string; tenant?: string; jobId?: string }) => {
    if (m?.type === 'run' && m.tenant && m.jobId) resolve({ tenant: m.tenant, jobId: m.jobId });
  });
});
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());

const env = z
  .object({
    SOLVENT_TENANT: z.string().min(1).optional(),
    SOLVENT_JOB_ID: z.string().min(1).optional(),
    SOLVENT_BUCKET: z.string().optional(),
    SOLVENT_DATA: z.string().default('.solvent'),
    SOLVENT_DATA_DIR: z.string().optional(),
    SOLVENT_TEST_SOLVER_MODULE: z.string().optional(),
    /** Set by the local queue once a worker found no GPU adapter: `auto` then skips the (slow) adapter probe. */
    SOLVENT_GPU: z.enum(['none', 'probe']).default('probe'),
  })
  .parse(process.env);

const { createJsonLogger } = await import('../json-logger.js');
const { runJob } = await import('./run-job.js');
const { solverVersion } = await import('./version.js');
const { SOLVERS, createKernels } = await import('../../solvers/registry.js');
type Choice = 'auto' | 'cpu' | 'gpu';

const log = createJsonLogger(undefined, { component: 'worker' });
let store: import('../../shared/index.js').ObjectStore;
if (env.SOLVENT_BUCKET) {
  const { S3ObjectStore } = await import('../aws/s3-store.js');
  store = new S3ObjectStore({ bucket: env.SOLVENT_BUCKET });
} else {
  const { FsObjectStore } = await import('../local/fs-store.js');
  store = new FsObjectStore(env.SOLVENT_DATA);
}

let solverOverride: Parameters<typeof runJob>[1]['solverOverride'];
// Test-only solver stand-ins: honoured only under the test runner, so production always runs the real solvers.
if (env.SOLVENT_TEST_SOLVER_MODULE && process.env.VITEST) {
  const mod = (await import(env.SOLVENT_TEST_SOLVER_MODULE)) as { solvers: Record<string, never> };
  solverOverride = async (name) => mod.solvers[name];
}

let ref: { tenant: string; jobId: string };
const kernelCache = new Map<Choice, ReturnType<typeof createKernels>>();
const kernels = (requested: Choice) => {
  const choice: Choice = requested === 'auto' && env.SOLVENT_GPU === 'none' ? 'cpu' : requested;
  if (!kernelCache.has(choice)) kernelCache.set(choice, createKernels(choice));
  return kernelCache.get(choice) as ReturnType<typeof createKernels>;
};
if (env.SOLVENT_TENANT && env.SOLVENT_JOB_ID) {
  ref = { tenant: env.SOLVENT_TENANT, jobId: env.SOLVENT_JOB_ID };
} else if (process.send) {
  // Spare: warm up while idle (solver modules, the default kernels), then wait for the job.
  const [, auto] = await Promise.all([Promise.all(Object.values(SOLVERS).map((s) => s.load().catch(() => undefined))), kernels('auto').catch(() => undefined)]);
  process.send({ type: 'ready', gpu: auto?.info.backend === 'gpu' });
  ref = await assigned;
} else {
  log.error('worker: SOLVENT_TENANT and SOLVENT_JOB_ID are required');
  process.exit(64);
}

try {
  await runJob(ref, {
    store,
    now: () => Date.now(),
    log,
    dataDir: env.SOLVENT_DATA_DIR,
    solverVersion: solverVersion(),
    stopSignal: stop.signal,
    solverOverride,
    kernels,
  });
  process.exit(0);
} catch (e) {
  log.error('worker crashed', { ...ref, error: (e as Error).message, stack: (e as Error).stack });
  process.exit(70);
}
