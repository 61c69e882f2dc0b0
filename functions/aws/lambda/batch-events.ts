/** @module Lambda entry for EventBridge "Batch Job State Change" events (ends jobs Batch ended). */
import { createJsonLogger } from '../../json-logger.js';
import { handleBatchEvent } from '../batch-events.js';
import { baseEnvSchema, parseEnv } from '../env.js';
import { S3ObjectStore } from '../s3-store.js';

const env = parseEnv(baseEnvSchema);
const deps = {
  store: new S3ObjectStore({ bucket: env.SOLVENT_BUCKET }),
  clock: { now: () => Date.now() },
  log: createJsonLogger(undefined, { component: 'batch-events' }),
};

export async function handler(event: unknown): Promise<{ outcome: string }> {
  return { outcome: await handleBatchEvent(event, deps) };
}
