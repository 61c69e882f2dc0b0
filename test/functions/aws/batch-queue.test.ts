/**
 * BatchJobQueue with aws-sdk-client-mock: queue/definition chosen from resources(), identity and resources passed to
 * SubmitJob, the Batch job id recorded in batch.json, cancel = TerminateJob of that id, describe = DescribeJobs.
 */
import { BatchClient, DescribeJobsCommand, SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BatchJobQueue, batchJobName, resourceRequirements } from '../../../functions/aws/batch-queue.js';
import { batchKey } from '../../../shared/store/keys.js';
import { decodeJson } from '../../../shared/store/job-store.js';
import { MemoryStore } from '../../support/memory-store.js';

const batch = mockClient(BatchClient);
const JOB = '01JDQ7Z8X9K3M4N5P6Q7R8S9T0';
let store: MemoryStore;
const queue = () =>
  new BatchJobQueue({
    store,
    bucket: 'solvent-bucket',
    gpu: { queue: 'arn:gpu-queue', jobDefinition: 'arn:gpu-def:3' },
    cpu: { queue: 'arn:cpu-queue', jobDefinition: 'arn:cpu-def:3' },
    client: new BatchClient({ region: 'eu-west-1' }),
    nowIso: () => '2026-11-26T00:00:00.000Z',
  });

beforeEach(() => {
  batch.reset();
  store = new MemoryStore();
});

describe('submit', () => {
  it('sends a GPU job to the GPU queue with one GPU, its vCPUs, memory, timeout and identity', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'b-123', jobName: 'x', jobArn: 'arn:job/b-123' });
    await queue().submit({ tenant: 'acme', jobId: JOB, solver: 'fdr', resources: { gpu: true, vcpus: 4, memoryMiB: 8192.5, timeoutS: 1800 } });
    const calls = batch.commandCalls(SubmitJobCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.jobQueue).toBe('arn:gpu-queue');
    expect(input.jobDefinition).toBe('arn:gpu-def:3');
    expect(input.jobName).toBe(`solvent-fdr-${JOB}`);
    expect(input.parameters).toEqual({ tenant: 'acme', jobId: JOB, solver: 'fdr' });
    expect(input.containerOverrides?.environment).toEqual([
      { name: 'SOLVENT_TENANT', value: 'acme' },
      { name: 'SOLVENT_JOB_ID', value: JOB },
      { name: 'SOLVENT_BUCKET', value: 'solvent-bucket' },
    ]);
    expect(input.containerOverrides?.resourceRequirements).toEqual([
      { type: 'VCPU', value: '4' },
      { type: 'MEMORY', value: '8193' },
      { type: 'GPU', value: '1' },
    ]);
    expect(input.timeout).toEqual({ attemptDurationSeconds: 1800 });
    expect(input.tags).toMatchObject({ 'solvent:tenant': 'acme', 'solvent:job': JOB });
    const record = decodeJson((await store.get(batchKey('acme', JOB)))!.body);
    expect(record).toEqual({ batchJobId: 'b-123', jobQueue: 'arn:gpu-queue', jobDefinition: 'arn:gpu-def:3', submittedAt: '2026-11-26T00:00:00.000Z' });
  });

  it('sends a CPU job to the CPU queue without a GPU; timeouts below Batch’s minimum are raised to 60 s', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'b-9', jobName: 'x', jobArn: 'arn' });
    await queue().submit({ tenant: 'acme', jobId: JOB, solver: 'bcd', resources: { gpu: false, vcpus: 0.5, memoryMiB: 100, timeoutS: 5 } });
    const input = batch.commandCalls(SubmitJobCommand)[0].args[0].input;
    expect(input.jobQueue).toBe('arn:cpu-queue');
    expect(input.jobDefinition).toBe('arn:cpu-def:3');
    expect(input.containerOverrides?.resourceRequirements).toEqual([
      { type: 'VCPU', value: '1' },
      { type: 'MEMORY', value: '512' },
    ]);
    expect(input.timeout?.attemptDurationSeconds).toBe(60);
  });

  it('a rejected submission throws and records nothing', async () => {
    batch.on(SubmitJobCommand).rejects(new Error('ClientException: job queue is disabled'));
    await expect(queue().submit({ tenant: 'acme', jobId: JOB, solver: 'bcd', resources: { gpu: false, vcpus: 1, memoryMiB: 1024, timeoutS: 60 } })).rejects.toThrow(/disabled/);
    expect(await store.get(batchKey('acme', JOB))).toBeUndefined();
  });
});

describe('cancel and describe', () => {
  it('cancel terminates the recorded Batch job; without a record it does nothing', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'b-77', jobName: 'x', jobArn: 'arn' });
    batch.on(TerminateJobCommand).resolves({});
    await queue().cancel({ tenant: 'acme', jobId: JOB });
    expect(batch.commandCalls(TerminateJobCommand)).toHaveLength(0);
    await queue().submit({ tenant: 'acme', jobId: JOB, solver: 'bcd', resources: { gpu: false, vcpus: 1, memoryMiB: 1024, timeoutS: 60 } });
    await queue().cancel({ tenant: 'acme', jobId: JOB });
    expect(batch.commandCalls(TerminateJobCommand)[0].args[0].input).toEqual({ jobId: 'b-77', reason: 'cancelled by request' });
  });

  it('another tenant’s cancel cannot reach the job (records are per tenant)', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'b-77', jobName: 'x', jobArn: 'arn' });
    await queue().submit({ tenant: 'acme', jobId: JOB, solver: 'bcd', resources: { gpu: false, vcpus: 1, memoryMiB: 1024, timeoutS: 60 } });
    await queue().cancel({ tenant: 'other', jobId: JOB });
    expect(batch.commandCalls(TerminateJobCommand)).toHaveLength(0);
  });

  it('describe reports Batch status, reason, attempts and exit code', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'b-5', jobName: 'x', jobArn: 'arn' });
    batch.on(DescribeJobsCommand).resolves({
      jobs: [
        {
          jobId: 'b-5',
          jobName: 'x',
          jobQueue: 'q',
          jobDefinition: 'd',
          startedAt: 1,
          status: 'FAILED',
          statusReason: 'Essential container in task exited',
          attempts: [{ container: { exitCode: 70 } }],
        },
      ],
    });
    expect(await queue().describe({ tenant: 'acme', jobId: JOB })).toBeUndefined();
    await queue().submit({ tenant: 'acme', jobId: JOB, solver: 'bcd', resources: { gpu: false, vcpus: 1, memoryMiB: 1024, timeoutS: 60 } });
    expect(await queue().describe({ tenant: 'acme', jobId: JOB })).toEqual({
      batchJobId: 'b-5',
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      attempts: 1,
      exitCode: 70,
    });
    expect(batch.commandCalls(DescribeJobsCommand)[0].args[0].input).toEqual({ jobs: ['b-5'] });
  });
});

describe('names and requirements', () => {
  it('Batch job names keep to the allowed characters and length', () => {
    const name = batchJobName({ solver: 'bcd', jobId: `${'A'.repeat(140)}.x` });
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
  });
  it('GPU requirements only for GPU jobs', () => {
    expect(resourceRequirements({ gpu: false, vcpus: 2, memoryMiB: 2048, timeoutS: 1 }).map((r) => r.type)).toEqual(['VCPU', 'MEMORY']);
  });
});
