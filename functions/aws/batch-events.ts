/**
 * @module Ends jobs that AWS Batch ended (DESIGN §4): the EventBridge rule on "Batch Job State Change" events calls
 * this. FAILED (container error, out of memory, timeout, spot reclaim after the last retry, image pull error) → the
 * job fails with the reason; FAILED after a cancel request → cancelled; SUCCEEDED without a stored result → failed;
 * RUNNABLE again after an attempt (a retried spot reclaim) → the running job is requeued for the next attempt. Every
 * change goes through `JobStore.apply`, and a job that is already terminal is left as it is.
 */
import { z } from 'zod';
import { ConflictError } from '../../shared/errors.js';
import { isTerminal, type JobError } from '../../shared/jobs/states.js';
import type { JobEvent } from '../../shared/jobs/transition.js';
import type { Clock, Logger, ObjectStore } from '../../shared/ports/index.js';
import { JobStore } from '../../shared/store/job-store.js';
import { isSafeSegment } from '../../shared/store/keys.js';

const attemptSchema = z
  .object({
    container: z
      .object({ exitCode: z.number().optional(), reason: z.string().optional(), logStreamName: z.string().optional() })
      .loose()
      .optional(),
    statusReason: z.string().optional(),
    startedAt: z.number().optional(),
    stoppedAt: z.number().optional(),
  })
  .loose();

/** The fields of a Batch job state change that matter here (the rest passes through). */
export const batchJobStateChangeSchema = z
  .object({
    source: z.literal('aws.batch'),
    'detail-type': z.literal('Batch Job State Change'),
    time: z.string().optional(),
    detail: z
      .object({
        jobId: z.string(),
        jobName: z.string().optional(),
        jobQueue: z.string().optional(),
        status: z.enum(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED', 'FAILED']),
        statusReason: z.string().optional(),
        attempts: z.array(attemptSchema).default([]),
        parameters: z.record(z.string(), z.string()).optional(),
        container: z
          .object({
            exitCode: z.number().optional(),
            reason: z.string().optional(),
            environment: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional(),
          })
          .loose()
          .optional(),
      })
      .loose(),
  })
  .loose();
export type BatchJobStateChange = z.infer<typeof batchJobStateChangeSchema>;
type Detail = BatchJobStateChange['detail'];

export type BatchEventOutcome =
  | 'ignored'
  | 'not-solvent'
  | 'unknown-job'
  | 'already-terminal'
  | 'failed'
  | 'cancelled'
  | 'succeeded'
  | 'requeued';

export interface BatchEventDeps {
  store: ObjectStore;
  clock: Clock;
  log?: Logger;
}

/** The Solvent job a Batch job runs: from the submission's parameters, else its container environment. */
export function solventJobOf(detail: Detail): { tenant: string; jobId: string } | undefined {
  let tenant = detail.parameters?.tenant;
  let jobId = detail.parameters?.jobId;
  for (const e of detail.container?.environment ?? []) {
    if (e.name === 'SOLVENT_TENANT' && !tenant) tenant = e.value;
    if (e.name === 'SOLVENT_JOB_ID' && !jobId) jobId = e.value;
  }
  if (!tenant || !jobId || !isSafeSegment(tenant) || !isSafeSegment(jobId)) return undefined;
  return { tenant, jobId };
}

/** Why Batch ended the job, as a job error with a stable code. */
export function failureOf(detail: Detail): JobError {
  const last = detail.attempts[detail.attempts.length - 1];
  const jobReason = detail.statusReason ?? '';
  const attemptReason = last?.statusReason ?? '';
  const containerReason = last?.container?.reason ?? detail.container?.reason ?? '';
  const exitCode = last?.container?.exitCode ?? detail.container?.exitCode;
  const tries = detail.attempts.length;
  if (/attempt duration exceeded timeout/i.test(jobReason) || /attempt duration exceeded timeout/i.test(attemptReason)) {
    return { code: 'timeout', message: `the job ran past its time limit (${jobReason || attemptReason})` };
  }
  if (/^Host EC2/i.test(attemptReason)) {
    return {
      code: 'spot_reclaimed',
      message: `the instance was reclaimed (${attemptReason}) and no retries were left after ${tries} attempt${tries === 1 ? '' : 's'}`,
    };
  }
  if (/OutOfMemory/i.test(containerReason)) {
    return { code: 'out_of_memory', message: `the worker ran out of memory (${containerReason})` };
  }
  if (exitCode !== undefined && exitCode !== 0) {
    return { code: 'worker_failed', message: `the worker exited with code ${exitCode}${containerReason ? ` (${containerReason})` : ''}` };
  }
  const reason = containerReason || attemptReason || jobReason || 'no reason given';
  return { code: 'batch_failed', message: `AWS Batch failed the job: ${reason}` };
}

export async function handleBatchEvent(raw: unknown, deps: BatchEventDeps): Promise<BatchEventOutcome> {
  const parsed = batchJobStateChangeSchema.safeParse(raw);
  if (!parsed.success) {
    deps.log?.warn('batch event: not a Batch job state change', { issues: parsed.error.issues.length });
    return 'ignored';
  }
  const detail = parsed.data.detail;
  const job = solventJobOf(detail);
  if (!job) return 'not-solvent';
  const jobs = new JobStore(deps.store);
  const nowIso = () => new Date(deps.clock.now()).toISOString();
  const fields = { tenant: job.tenant, jobId: job.jobId, batchJobId: detail.jobId, batchStatus: detail.status };

  const current = await jobs.readStatus(job.tenant, job.jobId);
  if (!current) {
    deps.log?.warn('batch event for a job with no status', fields);
    return 'unknown-job';
  }
  if (isTerminal(current.status.status)) return 'already-terminal';

  let event: JobEvent;
  let outcome: BatchEventOutcome;
  switch (detail.status) {
    case 'FAILED':
      if (await jobs.isCancelRequested(job.tenant, job.jobId)) {
        event = { type: 'cancel', reason: 'cancelled by request; Batch stopped the job' };
        outcome = 'cancelled';
      } else {
        event = { type: 'fail', error: failureOf(detail) };
        outcome = 'failed';
      }
      break;
    case 'SUCCEEDED':
      if (current.status.status === 'running' && (await jobs.readResult(job.tenant, job.jobId)) !== undefined) {
        event = { type: 'succeed' }; // the worker wrote its result and died before the status: finish its work
        outcome = 'succeeded';
      } else {
        event = { type: 'fail', error: { code: 'no_result', message: 'the worker exited successfully without writing a result' } };
        outcome = 'failed';
      }
      break;
    case 'RUNNABLE': {
      // Back in the queue after an attempt: Batch's retry strategy retries spot reclaims. Requeue only when the store
      // still shows the attempt that died (a late event must not requeue the attempt that already started after it).
      const tries = detail.attempts.length;
      if (tries === 0 || current.status.status !== 'running' || current.status.attempts > tries) return 'ignored';
      const reason = detail.attempts[tries - 1]?.statusReason ?? 'the attempt stopped';
      event = { type: 'requeue', reason: `Batch retries the job: ${reason}` };
      outcome = 'requeued';
      break;
    }
    default:
      return 'ignored';
  }

  try {
    const next = await jobs.apply(job.tenant, job.jobId, event, nowIso);
    deps.log?.info('batch event applied', { ...fields, status: next.status, error: next.error?.code });
    return next.status === 'failed' && outcome === 'requeued' ? 'failed' : outcome;
  } catch (e) {
    if (e instanceof ConflictError) return 'already-terminal';
    throw e;
  }
}
