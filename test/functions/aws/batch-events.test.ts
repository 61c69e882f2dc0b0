/**
 * The Batch "Job State Change" handler on recorded events: every way Batch ends a job maps to a terminal status with
 * a reason, retries requeue only the attempt that died, terminal jobs never move, foreign jobs are ignored.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { failureOf, handleBatchEvent, type BatchJobStateChange } from '../../../functions/aws/batch-events.js';
import { JOB_STATES, type JobState, type JobStatus } from '../../../shared/jobs/states.js';
import { JobStore } from '../../../shared/store/job-store.js';
import type { JobSpec } from '../../../shared/spec/index.js';
import { MemoryStore } from '../../support/memory-store.js';
import { RECORDED_JOB_ID as JOB, RECORDED_TENANT as TENANT, recordedEvent } from './recorded-events.js';

const NOW = Date.parse('2026-11-26T00:07:00Z');
const clock = { now: () => NOW };
let store: MemoryStore;
let jobs: JobStore;

async function seed(state: JobState, attempts = 1, extra: Partial<JobStatus> = {}): Promise<void> {
  const status: JobStatus = {
    id: JOB,
    tenant: TENANT,
    solver: 'bcd',
    status: state,
    createdAt: '2026-11-26T00:00:00.000Z',
    ...(state !== 'queued' ? { startedAt: '2026-11-26T00:01:00.000Z' } : {}),
    ...(state === 'succeeded' || state === 'failed' || state === 'cancelled' ? { finishedAt: '2026-11-26T00:05:00.000Z' } : {}),
    attempts,
    maxAttempts: 3,
    ...extra,
  };
  expect(await jobs.create({ solver: 'bcd' } as unknown as JobSpec, status)).toBe(true);
}
const current = async () => (await jobs.readStatus(TENANT, JOB))!.status;
const run = (fixture: string) => handleBatchEvent(recordedEvent(`batch/${fixture}.json`), { store, clock });

beforeEach(() => {
  store = new MemoryStore();
  jobs = new JobStore(store);
});

describe('FAILED events end the job with the reason', () => {
  it.each([
    ['job-failed-spot-exhausted', 'spot_reclaimed', /reclaimed \(Host EC2 \(instance i-0a1b2c3d4e5f67890\) terminated\.\).*after 3 attempts/],
    ['job-failed-timeout', 'timeout', /time limit \(Job attempt duration exceeded timeout\)/],
    ['job-failed-exit-code', 'worker_failed', /exited with code 70/],
    ['job-failed-oom', 'out_of_memory', /OutOfMemoryError/],
    ['job-failed-image-pull', 'batch_failed', /CannotPullContainerError/],
  ])('%s → failed (%s)', async (fixture, code, message) => {
    await seed('running');
    expect(await run(fixture)).toBe('failed');
    const s = await current();
    expect(s.status).toBe('failed');
    expect(s.error?.code).toBe(code);
    expect(s.error?.message).toMatch(message);
    expect(s.finishedAt).toBe(new Date(NOW).toISOString());
  });

  it('a queued job that Batch could not start fails too', async () => {
    await seed('queued', 0);
    expect(await run('job-failed-image-pull')).toBe('failed');
    expect((await current()).status).toBe('failed');
  });

  it('after a cancel request, Batch terminating the job ends it cancelled, not failed', async () => {
    await seed('running');
    await jobs.requestCancel(TENANT, JOB, '2026-11-26T00:06:00Z');
    expect(await run('job-failed-terminated')).toBe('cancelled');
    expect((await current()).status).toBe('cancelled');
  });
});

describe('SUCCEEDED events', () => {
  it('a container that exits 0 without a result fails the job', async () => {
    await seed('running');
    expect(await run('job-succeeded')).toBe('failed');
    expect((await current()).error?.code).toBe('no_result');
  });

  it('a stored result with a status still running completes the job', async () => {
    await seed('running');
    await jobs.writeResult(TENANT, JOB, { solver: 'bcd' } as never);
    expect(await run('job-succeeded')).toBe('succeeded');
    expect((await current()).status).toBe('succeeded');
  });

  it('a job the worker already finished is left exactly as it was', async () => {
    await seed('succeeded');
    const before = await store.get(`tenants/${TENANT}/jobs/${JOB}/status.json`);
    expect(await run('job-succeeded')).toBe('already-terminal');
    expect((await store.get(`tenants/${TENANT}/jobs/${JOB}/status.json`))?.etag).toBe(before?.etag);
  });
});

describe('RUNNABLE after an attempt (spot reclaim retried by Batch)', () => {
  it('requeues the running job whose attempt died', async () => {
    await seed('running', 1);
    expect(await run('job-runnable-after-spot-reclaim')).toBe('requeued');
    const s = await current();
    expect(s.status).toBe('queued');
    expect(s.error).toEqual({ code: 'requeued', message: expect.stringContaining('Host EC2') });
  });

  it('ignores a late event once the next attempt has started', async () => {
    await seed('running', 2);
    expect(await run('job-runnable-after-spot-reclaim')).toBe('ignored');
    expect((await current()).status).toBe('running');
  });

  it('fails the job when the store has no attempts left', async () => {
    await seed('running', 3);
    const event = recordedEvent<BatchJobStateChange>('batch/job-runnable-after-spot-reclaim.json');
    event.detail.attempts = [event.detail.attempts[0], event.detail.attempts[0], event.detail.attempts[0]];
    expect(await handleBatchEvent(event, { store, clock })).toBe('failed');
    expect((await current()).error?.code).toBe('attempts_exhausted');
  });
});

describe('events that change nothing', () => {
  it('RUNNING is ignored (the worker reports its own start)', async () => {
    await seed('queued', 0);
    expect(await run('job-running')).toBe('ignored');
    expect((await current()).status).toBe('queued');
  });
  it('jobs without a Solvent identity, unknown jobs and malformed events are ignored', async () => {
    expect(await run('job-failed-foreign')).toBe('not-solvent');
    expect(await run('job-failed-exit-code')).toBe('unknown-job');
    expect(await handleBatchEvent({ source: 'aws.batch', detail: {} }, { store, clock })).toBe('ignored');
    expect(await handleBatchEvent(null, { store, clock })).toBe('ignored');
  });
  it('an unsafe tenant id from the event never becomes a store key', async () => {
    const event = recordedEvent<BatchJobStateChange>('batch/job-failed-exit-code.json');
    event.detail.parameters = { tenant: '../other', jobId: JOB };
    event.detail.container = { environment: [] };
    expect(await handleBatchEvent(event, { store, clock })).toBe('not-solvent');
    expect(store.objects.size).toBe(0);
  });
});

describe('every recorded event × every starting state', () => {
  const fixtures = [
    'job-failed-spot-exhausted',
    'job-failed-timeout',
    'job-failed-exit-code',
    'job-failed-oom',
    'job-failed-terminated',
    'job-failed-image-pull',
    'job-succeeded',
    'job-runnable-after-spot-reclaim',
    'job-running',
  ];
  it('terminal jobs never change; FAILED/SUCCEEDED always leave a terminal job', async () => {
    for (const fixture of fixtures) {
      for (const state of JOB_STATES) {
        store = new MemoryStore();
        jobs = new JobStore(store);
        await seed(state, state === 'queued' ? 0 : 1);
        const before = await current();
        await run(fixture);
        const after = await current();
        if (before.status === 'succeeded' || before.status === 'failed' || before.status === 'cancelled') {
          expect(after, `${fixture} on ${state}`).toEqual(before);
        } else if (/failed|succeeded/.test(fixture)) {
          expect(['succeeded', 'failed', 'cancelled'], `${fixture} on ${state}`).toContain(after.status);
        }
      }
    }
  });
});

describe('failureOf', () => {
  it('names the exit code and container reason when Batch gives no better one', () => {
    const e = recordedEvent<BatchJobStateChange>('batch/job-failed-exit-code.json');
    e.detail.attempts[0].container = { exitCode: 2, reason: 'worker crashed' };
    expect(failureOf(e.detail)).toEqual({ code: 'worker_failed', message: 'the worker exited with code 2 (worker crashed)' });
  });
});
