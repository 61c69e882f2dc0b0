/** functions/aws/env.ts: defaults, coercion, and one error that names every bad variable. */
import { describe, expect, it } from 'vitest';
import { EnvError, parseEnv, queueEnvSchema, scheduleSyncEnvSchema } from '../../../functions/aws/env.js';

const queueEnv = {
  SOLVENT_BUCKET: 'bucket',
  SOLVENT_GPU_JOB_QUEUE: 'gq',
  SOLVENT_CPU_JOB_QUEUE: 'cq',
  SOLVENT_GPU_JOB_DEFINITION: 'gd',
  SOLVENT_CPU_JOB_DEFINITION: 'cd',
};

describe('parseEnv', () => {
  it('applies defaults and coerces numbers', () => {
    const env = parseEnv(queueEnvSchema, { ...queueEnv, SOLVENT_MAX_ACTIVE_JOBS: '7' });
    expect(env).toMatchObject({ SOLVENT_MAX_ACTIVE_JOBS: 7, SOLVENT_MAX_ATTEMPTS: 3, SOLVENT_BASE_URL: '', SOLVENT_VERSION: '0.0.0' });
  });
  it('names every missing or malformed variable', () => {
    try {
      parseEnv(scheduleSyncEnvSchema, { SOLVENT_BUCKET: 'b' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      for (const name of ['SOLVENT_SCHEDULE_GROUP', 'SOLVENT_SCHEDULE_ROLE_ARN', 'SOLVENT_SCHEDULE_TARGET_ARN']) expect((e as Error).message).toContain(name);
    }
    expect(() => parseEnv(queueEnvSchema, { ...queueEnv, SOLVENT_MAX_ATTEMPTS: '0' })).toThrow(/SOLVENT_MAX_ATTEMPTS/);
  });
});
