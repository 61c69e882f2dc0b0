/**
 * @module Worker process entry: the local queue forks it, and it is the AWS Batch container command
 * (`npx tsx functions/worker/main.ts`). Environment: SOLVENT_TENANT, SOLVENT_JOB_ID, and SOLVENT_BUCKET (S3) or
 * SOLVENT_DATA (local folder); SOLVENT_DATA_DIR for benchmark data. SIGTERM aborts the solver; the job is then
 * requeued for another attempt (Batch retry / service restart) or failed when no attempts remain.
 */
import { z } from 'zod';
import type { JobSpec, ObjectStore } from '../../shared/index.js';
import type { Solver } from '../../solvers/registry.js';
import { createJsonLogger } from '../json-logger.js';
import { FsObjectStore } from '../local/fs-store.js';
import { runJob } from './run-job.js';
import { solverVersion } from './version.js';

const env = z
  .object({
    SOLVENT_TENANT: z.string().min(1),
    SOLVENT_JOB_ID: z.string().min(1),
    SOLVENT_BUCKET: z.string().optional(),
    SOLVENT_DATA: z.string().default('.solvent'),
    SOLVENT_DATA_DIR: z.string().optional(),
    SOLVENT_TEST_SOLVER_MODULE: z.string().optional(),
  })
  .parse(process.env);

const log = createJsonLogger(undefined, { component: 'worker' });
const stop = new AbortController();
process.on('SIGTERM', () => stop.abort());
process.on('SIGINT', () => stop.abort());

let store: ObjectStore;
if (env.SOLVENT_BUCKET) {
  const { S3ObjectStore } = await import('../aws/s3-store.js');
  store = new S3ObjectStore({ bucket: env.SOLVENT_BUCKET });
} else {
  store = new FsObjectStore(env.SOLVENT_DATA);
}

let solverOverride: ((name: JobSpec['solver']) => Promise<Solver<JobSpec> | undefined>) | undefined;
if (env.SOLVENT_TEST_SOLVER_MODULE) {
  const mod = (await import(env.SOLVENT_TEST_SOLVER_MODULE)) as { solvers: Partial<Record<string, Solver<JobSpec>>> };
  solverOverride = async (name) => mod.solvers[name];
}

try {
  await runJob(
    { tenant: env.SOLVENT_TENANT, jobId: env.SOLVENT_JOB_ID },
    { store, now: () => Date.now(), log, dataDir: env.SOLVENT_DATA_DIR, solverVersion: solverVersion(), stopSignal: stop.signal, solverOverride },
  );
  process.exit(0);
} catch (e) {
  log.error('worker crashed', { tenant: env.SOLVENT_TENANT, jobId: env.SOLVENT_JOB_ID, error: (e as Error).message, stack: (e as Error).stack });
  process.exit(70);
}
