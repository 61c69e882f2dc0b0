/**
 * @module The local JobQueue: an in-process FIFO with a concurrency limit that runs each job in its own worker
 * process (`child_process.fork` of functions/worker/main.ts). The queue lives in memory; the store is the truth,
 * so `recover()` at start-up requeues what a previous server left queued or running. A worker that dies ends its
 * job `failed` with the reason; cancel sends SIGTERM, then SIGKILL after a grace period.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ConflictError, JobStore, isTerminal, keys, type JobQueue, type Logger, type ObjectStore, type QueuedJob, type Resources } from '../../shared/index.js';
import { resourcesFor } from '../../solvers/registry.js';

export interface ProcessQueueOptions {
  concurrency: number;
  store: ObjectStore;
  /** Root folder of the filesystem store (passed to workers). */
  dataRoot: string;
  log: Logger;
  now(): number;
  /** Extra environment for workers (SOLVENT_DATA_DIR, test hooks). */
  env?: Record<string, string | undefined>;
  /** Grace period between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** Keep one warm worker process ready for the next job (default true). */
  prewarm?: boolean;
}

interface Spare {
  child: ChildProcess;
  ready: Promise<boolean>;
}

interface Running {
  job: QueuedJob;
  child: ChildProcess;
  cancelled: boolean;
  killTimer?: ReturnType<typeof setTimeout>;
  deadline?: ReturnType<typeof setTimeout>;
  timedOut: boolean;
}

const WORKER_ENTRY = join(import.meta.dirname, '..', 'worker', 'main.ts');
const TSX = import.meta.resolve('tsx');

export class ProcessQueue implements JobQueue {
  private readonly pending: QueuedJob[] = [];
  private readonly running = new Map<string, Running>();
  private closing = false;
  private idleWaiters: (() => void)[] = [];
  private readonly jobs: JobStore;
  private spare: Spare | undefined;
  /** Learnt from the first warm worker: no GPU adapter here, so later workers skip the probe. */
  private noGpu = false;

  constructor(private readonly o: ProcessQueueOptions) {
    this.jobs = new JobStore(o.store);
  }

  get stats(): { pending: number; running: number } {
    return { pending: this.pending.length, running: this.running.size };
  }

  /** Pids of running workers by job id (tests use it to kill a worker). */
  pidOf(jobId: string): number | undefined {
    return this.running.get(jobId)?.child.pid;
  }

  async submit(job: QueuedJob): Promise<void> {
    if (this.closing) throw new Error('queue is shutting down');
    if (this.running.has(job.jobId) || this.pending.some((p) => p.jobId === job.jobId)) return;
    this.pending.push(job);
    this.pump();
  }

  async cancel(ref: { tenant: string; jobId: string }): Promise<void> {
    const i = this.pending.findIndex((p) => p.jobId === ref.jobId && p.tenant === ref.tenant);
    if (i >= 0) this.pending.splice(i, 1);
    const r = this.running.get(ref.jobId);
    if (r && r.job.tenant === ref.tenant) {
      r.cancelled = true;
      this.terminate(r);
    }
    this.notifyIdle();
  }

  /** Requeues what the store says is queued or running (after a restart). */
  async recover(): Promise<{ requeued: number; resumed: number; failed: number }> {
    let requeued = 0;
    let resumed = 0;
    let failed = 0;
    let startAfter: string | undefined;
    const iso = () => new Date(this.o.now()).toISOString();
    for (;;) {
      const page = await this.o.store.list('tenants/', { startAfter, limit: 1000 });
      for (const key of page.keys) {
        const parsed = keys.parseJobKey(key);
        if (!parsed || parsed.rest !== 'status.json') continue;
        const { tenant, jobId } = parsed;
        try {
          const got = await this.jobs.readStatus(tenant, jobId);
          if (!got || isTerminal(got.status.status)) continue;
          const wasRunning = got.status.status === 'running';
          if (wasRunning) {
            const next = await this.jobs.apply(tenant, jobId, { type: 'requeue', reason: 'the service restarted while the job was running' }, iso);
            if (next.status !== 'queued') {
              failed++;
              continue;
            }
          }
          const spec = await this.jobs.readSpec(tenant, jobId);
          if (!spec) throw new Error('spec.json missing');
          await this.submit({ tenant, jobId, solver: spec.solver, resources: resourcesFor(spec) });
          // counted once submitted, so a job that fails below is counted only as failed
          if (wasRunning) resumed++;
          else requeued++;
        } catch (e) {
          failed++;
          this.o.log.error('recovery: job could not be requeued', { tenant, jobId, error: (e as Error).message });
          await this.failHard(tenant, jobId, 'corrupt_state', `job state could not be recovered after a restart: ${(e as Error).message}`);
        }
      }
      if (!page.next) break;
      startAfter = page.next;
    }
    return { requeued, resumed, failed };
  }

  /** Resolves when nothing is pending or running. */
  idle(): Promise<void> {
    if (this.pending.length === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops accepting work and stops running workers (their jobs stay queued for the next start). */
  async close(): Promise<void> {
    this.closing = true;
    this.pending.length = 0;
    if (this.spare) {
      this.spare.child.kill('SIGKILL');
      this.spare = undefined;
    }
    const exits = [...this.running.values()].map((r) => new Promise<void>((res) => (r.child.exitCode !== null || r.child.signalCode !== null ? res() : r.child.once('exit', () => res()))));
    for (const r of this.running.values()) this.terminate(r);
    await Promise.all(exits);
  }

  private pump(): void {
    while (!this.closing && this.running.size < this.o.concurrency && this.pending.length > 0) {
      const job = this.pending.shift() as QueuedJob;
      this.start(job);
    }
    this.notifyIdle();
  }

  /** Forks a worker that warms up (imports, kernels) and then waits for one job over IPC. */
  private forkSpare(): Spare {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.o.env, SOLVENT_DATA: this.o.dataRoot, ...(this.noGpu ? { SOLVENT_GPU: 'none' } : {}) };
    delete env.SOLVENT_TENANT;
    delete env.SOLVENT_JOB_ID;
    const child = fork(WORKER_ENTRY, [], {
      execArgv: ['--import', TSX],
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = new Promise<boolean>((res) => {
      child.on('message', (m: { type?: string; gpu?: boolean }) => {
        if (m?.type !== 'ready') return;
        if (m.gpu === false) this.noGpu = true;
        res(true);
      });
      child.once('exit', () => res(false));
    });
    child.once('exit', () => {
      if (this.spare?.child === child) this.spare = undefined;
    });
    return { child, ready };
  }

  private takeSpare(): Spare {
    const alive = this.spare && this.spare.child.exitCode === null && this.spare.child.signalCode === null;
    const s = alive ? (this.spare as Spare) : this.forkSpare();
    this.spare = this.closing || this.o.prewarm === false ? undefined : this.forkSpare();
    return s;
  }

  private start(job: QueuedJob): void {
    const spare = this.takeSpare();
    const child = spare.child;
    void spare.ready.then((ok) => {
      if (ok && child.connected) child.send({ type: 'run', tenant: job.tenant, jobId: job.jobId });
    });
    const r: Running = { job, child, cancelled: false, timedOut: false };
    this.running.set(job.jobId, r);
    // The worker enforces the time limit itself; this is the backstop for a solver that never yields.
    r.deadline = setTimeout(() => {
      r.timedOut = true;
      this.terminate(r);
    }, (job.resources.timeoutS + 30) * 1000);
    child.once('exit', (code, signal) => {
      clearTimeout(r.deadline);
      clearTimeout(r.killTimer);
      this.running.delete(job.jobId);
      this.afterExit(r, code, signal).finally(() => this.pump());
    });
    child.once('error', (e) => this.o.log.error('worker process error', { jobId: job.jobId, error: e.message }));
  }

  private terminate(r: Running): void {
    if (r.child.exitCode !== null || r.child.signalCode !== null) return;
    r.child.kill('SIGTERM');
    r.killTimer ??= setTimeout(() => r.child.kill('SIGKILL'), this.o.graceMs ?? 5000);
  }

  private async afterExit(r: Running, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const { tenant, jobId } = r.job;
    const iso = () => new Date(this.o.now()).toISOString();
    try {
      const got = await this.jobs.readStatus(tenant, jobId);
      if (!got || isTerminal(got.status.status)) return;
      if (this.closing) return; // left for recovery at the next start
      if (r.cancelled) {
        await this.jobs.apply(tenant, jobId, { type: 'cancel', reason: 'cancelled by request while running' }, iso);
        return;
      }
      if (r.timedOut) {
        await this.jobs.apply(tenant, jobId, { type: 'fail', error: { code: 'timeout', message: `the job exceeded its time limit of ${r.job.resources.timeoutS} s` } }, iso);
        return;
      }
      if (got.status.status === 'queued') {
        // the worker requeued itself (stopped by a signal it did not send to itself): run it again
        await this.submit(r.job);
        return;
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.o.log.error('worker died', { tenant, jobId, code, signal });
      await this.jobs.apply(tenant, jobId, { type: 'fail', error: { code: 'worker_crashed', message: `the worker process ${how} before the job finished` } }, iso);
    } catch (e) {
      if (e instanceof ConflictError) return;
      this.o.log.error('after-exit handling failed', { tenant, jobId, error: (e as Error).message });
      await this.failHard(tenant, jobId, 'worker_crashed', `the worker process ended and its state could not be read: ${(e as Error).message}`);
    }
  }

  /** Ends a job failed even when its status document is corrupt (rewrites it). */
  private async failHard(tenant: string, jobId: string, code: string, message: string): Promise<void> {
    const now = new Date(this.o.now()).toISOString();
    try {
      const spec = await this.jobs.readSpec(tenant, jobId).catch(() => undefined);
      await this.jobs.forceStatus({
        id: jobId,
        tenant,
        solver: spec?.solver ?? 'bcd',
        status: 'failed',
        createdAt: now,
        finishedAt: now,
        attempts: 0,
        maxAttempts: 1,
        error: { code, message },
      });
    } catch (e) {
      this.o.log.error('could not record failure', { tenant, jobId, error: (e as Error).message });
    }
  }

  private notifyIdle(): void {
    if (this.pending.length === 0 && this.running.size === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }
}

export type { Resources };
