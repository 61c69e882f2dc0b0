/**
 * @module JobQueue on AWS Batch (DESIGN §1, §8). `submit` picks the GPU or CPU queue and job definition from the
 * solver's `resources()`, passes the job's identity as parameters and container environment, overrides vCPUs, memory,
 * GPU count and the attempt timeout, and records the Batch job id in `batch.json` beside status.json so `cancel`
 * can call TerminateJob. `describe` reports Batch's own view of the job (DescribeJobs).
 */
import {
  BatchClient,
  DescribeJobsCommand,
  SubmitJobCommand,
  TerminateJobCommand,
  type ResourceRequirement,
} from '@aws-sdk/client-batch';
import type { JobQueue, ObjectStore, QueuedJob, Resources } from '../../shared/ports/index.js';
import { batchKey } from '../../shared/store/keys.js';
import { readJson, encodeJson } from '../../shared/store/job-store.js';

export interface BatchTargets {
  /** Job queue name or ARN. */
  queue: string;
  /** Job definition name, name:revision or ARN. */
  jobDefinition: string;
}

export interface BatchJobQueueOptions {
  store: ObjectStore;
  /** The bucket the worker reads and writes (SOLVENT_BUCKET in the container). */
  bucket: string;
  gpu: BatchTargets;
  cpu: BatchTargets;
  client?: BatchClient;
  /** ISO time of submission, recorded in batch.json (injected for tests). */
  nowIso?: () => string;
}

/** What batch.json holds: enough to terminate or describe the job's current Batch submission. */
export interface BatchRecord {
  batchJobId: string;
  jobQueue: string;
  jobDefinition: string;
  submittedAt: string;
}

export interface BatchJobDescription {
  batchJobId: string;
  status: string;
  statusReason?: string;
  attempts: number;
  exitCode?: number;
}

/** Batch's smallest attempt timeout. */
export const MIN_TIMEOUT_S = 60;
/** Batch job names: letters, digits, hyphens, underscores; at most 128 characters. */
const NAME_SAFE = /[^A-Za-z0-9_-]/g;

export function batchJobName(job: Pick<QueuedJob, 'solver' | 'jobId'>): string {
  return `solvent-${job.solver}-${job.jobId}`.replace(NAME_SAFE, '_').slice(0, 128);
}

/** vCPU, memory and (for GPU jobs) one GPU, as Batch resource requirements. */
export function resourceRequirements(r: Resources): ResourceRequirement[] {
  const req: ResourceRequirement[] = [
    { type: 'VCPU', value: String(Math.max(1, Math.ceil(r.vcpus))) },
    { type: 'MEMORY', value: String(Math.max(512, Math.ceil(r.memoryMiB))) },
  ];
  if (r.gpu) req.push({ type: 'GPU', value: '1' });
  return req;
}

export class BatchJobQueue implements JobQueue {
  readonly client: BatchClient;
  private readonly nowIso: () => string;

  constructor(private readonly options: BatchJobQueueOptions) {
    this.client = options.client ?? new BatchClient({});
    this.nowIso = options.nowIso ?? (() => new Date().toISOString());
  }

  targetsFor(resources: Resources): BatchTargets {
    return resources.gpu ? this.options.gpu : this.options.cpu;
  }

  async submit(job: QueuedJob): Promise<void> {
    const target = this.targetsFor(job.resources);
    const res = await this.client.send(
      new SubmitJobCommand({
        jobName: batchJobName(job),
        jobQueue: target.queue,
        jobDefinition: target.jobDefinition,
        parameters: { tenant: job.tenant, jobId: job.jobId, solver: job.solver },
        containerOverrides: {
          environment: [
            { name: 'SOLVENT_TENANT', value: job.tenant },
            { name: 'SOLVENT_JOB_ID', value: job.jobId },
            { name: 'SOLVENT_BUCKET', value: this.options.bucket },
          ],
          resourceRequirements: resourceRequirements(job.resources),
        },
        timeout: { attemptDurationSeconds: Math.max(MIN_TIMEOUT_S, Math.ceil(job.resources.timeoutS)) },
        tags: { 'solvent:tenant': job.tenant, 'solvent:job': job.jobId, 'solvent:solver': job.solver },
        propagateTags: true,
      }),
    );
    if (!res.jobId) throw new Error(`Batch accepted job ${job.jobId} without returning its id`);
    const record: BatchRecord = {
      batchJobId: res.jobId,
      jobQueue: target.queue,
      jobDefinition: target.jobDefinition,
      submittedAt: this.nowIso(),
    };
    await this.options.store.put(batchKey(job.tenant, job.jobId), encodeJson(record), { contentType: 'application/json' });
  }

  async cancel(job: { tenant: string; jobId: string }): Promise<void> {
    const record = await this.readRecord(job.tenant, job.jobId);
    if (!record) return; // never reached Batch (or not yet recorded): the worker polls the cancel marker
    // TerminateJob also cancels a job that has not started; on a finished job it changes nothing.
    await this.client.send(new TerminateJobCommand({ jobId: record.batchJobId, reason: 'cancelled by request' }));
  }

  async describe(job: { tenant: string; jobId: string }): Promise<BatchJobDescription | undefined> {
    const record = await this.readRecord(job.tenant, job.jobId);
    if (!record) return undefined;
    const res = await this.client.send(new DescribeJobsCommand({ jobs: [record.batchJobId] }));
    const d = res.jobs?.[0];
    if (!d) return undefined;
    const out: BatchJobDescription = { batchJobId: record.batchJobId, status: d.status ?? 'UNKNOWN', attempts: d.attempts?.length ?? 0 };
    if (d.statusReason) out.statusReason = d.statusReason;
    const exitCode = d.container?.exitCode ?? d.attempts?.[d.attempts.length - 1]?.container?.exitCode;
    if (exitCode !== undefined) out.exitCode = exitCode;
    return out;
  }

  private async readRecord(tenant: string, jobId: string): Promise<BatchRecord | undefined> {
    return (await readJson<BatchRecord>(this.options.store, batchKey(tenant, jobId)))?.value;
  }
}
