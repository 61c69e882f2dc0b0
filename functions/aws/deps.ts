/**
 * @module Builds the handlers' `Deps` for the Lambda runtime from the parsed environment: S3 store, Batch queue,
 * wall clock, ULID ids, JSON logs. Called once per container by the Lambda entries.
 */
import { randomBytes } from 'node:crypto';
import type { BatchClient } from '@aws-sdk/client-batch';
import type { S3Client } from '@aws-sdk/client-s3';
import { ulidFactory } from '../../shared/jobs/ids.js';
import type { Logger } from '../../shared/ports/index.js';
import type { Deps } from '../handlers/deps.js';
import { createJsonLogger } from '../json-logger.js';
import { BatchJobQueue } from './batch-queue.js';
import type { QueueEnv } from './env.js';
import { S3ObjectStore } from './s3-store.js';

export interface AwsClients {
  s3?: S3Client;
  batch?: BatchClient;
}

export function createAwsDeps(env: QueueEnv, clients: AwsClients = {}, log: Logger = createJsonLogger()): Deps {
  const store = new S3ObjectStore({ bucket: env.SOLVENT_BUCKET, client: clients.s3 });
  const queue = new BatchJobQueue({
    store,
    bucket: env.SOLVENT_BUCKET,
    gpu: { queue: env.SOLVENT_GPU_JOB_QUEUE, jobDefinition: env.SOLVENT_GPU_JOB_DEFINITION },
    cpu: { queue: env.SOLVENT_CPU_JOB_QUEUE, jobDefinition: env.SOLVENT_CPU_JOB_DEFINITION },
    client: clients.batch,
  });
  return {
    store,
    queue,
    clock: { now: () => Date.now() },
    newId: ulidFactory(() => Date.now(), (n) => new Uint8Array(randomBytes(n))),
    log,
    limits: { maxActiveJobsPerTenant: env.SOLVENT_MAX_ACTIVE_JOBS, maxAttempts: env.SOLVENT_MAX_ATTEMPTS },
    baseUrl: env.SOLVENT_BASE_URL,
    version: env.SOLVENT_VERSION,
  };
}
