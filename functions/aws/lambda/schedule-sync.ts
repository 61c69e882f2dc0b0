/** @module Lambda entry for S3 "Object Created/Deleted" events on schedule documents (EventBridge rule). */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { createJsonLogger } from '../../json-logger.js';
import { parseEnv, scheduleSyncEnvSchema } from '../env.js';
import { S3ObjectStore } from '../s3-store.js';
import { syncSchedule, type ScheduleSyncOutcome } from '../schedule-sync.js';

const env = parseEnv(scheduleSyncEnvSchema);
const deps = {
  store: new S3ObjectStore({ bucket: env.SOLVENT_BUCKET }),
  scheduler: new SchedulerClient({}),
  config: { group: env.SOLVENT_SCHEDULE_GROUP, roleArn: env.SOLVENT_SCHEDULE_ROLE_ARN, targetArn: env.SOLVENT_SCHEDULE_TARGET_ARN },
  log: createJsonLogger(undefined, { component: 'schedule-sync' }),
};

export async function handler(event: unknown): Promise<{ outcome: ScheduleSyncOutcome }> {
  return { outcome: await syncSchedule(event, deps) };
}
