/**
 * @module The AWS runtime's settings, parsed once from `process.env` with zod (STYLE §2.13). Each Lambda entry and
 * the worker read only the fields they need; a missing or malformed variable fails at cold start with its name.
 */
import { z } from 'zod';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Everything every entry needs: the bucket and the version string. */
export const baseEnvSchema = z.object({
  SOLVENT_BUCKET: z.string().min(3, 'SOLVENT_BUCKET names the S3 bucket of the job store'),
  SOLVENT_VERSION: z.string().default('0.0.0'),
  AWS_REGION: z.string().optional(),
});

/** Entries that submit or cancel Batch jobs (HTTP API, schedule runner). */
export const queueEnvSchema = baseEnvSchema.extend({
  SOLVENT_GPU_JOB_QUEUE: z.string().min(1),
  SOLVENT_CPU_JOB_QUEUE: z.string().min(1),
  SOLVENT_GPU_JOB_DEFINITION: z.string().min(1),
  SOLVENT_CPU_JOB_DEFINITION: z.string().min(1),
  SOLVENT_BASE_URL: z.string().default(''),
  SOLVENT_MAX_ACTIVE_JOBS: positiveInt(20),
  SOLVENT_MAX_ATTEMPTS: positiveInt(3),
});

/** The HTTP API needs what a submitter needs; its schedules reach EventBridge Scheduler through the sync Lambda. */
export const apiEnvSchema = queueEnvSchema.extend({
  /** Comma-separated origins of the web page (CloudFront) allowed by CORS. */
  SOLVENT_WEB_ORIGINS: z.string().optional(),
});

/** The authorizer reads hashed API keys and nothing else. */
export const authorizerEnvSchema = z.object({
  SOLVENT_BUCKET: z.string().min(3),
});

/** The schedule sync entry mirrors stored schedules into an EventBridge Scheduler group. */
export const scheduleSyncEnvSchema = baseEnvSchema.extend({
  SOLVENT_SCHEDULE_GROUP: z.string().min(1),
  SOLVENT_SCHEDULE_ROLE_ARN: z.string().min(1),
  SOLVENT_SCHEDULE_TARGET_ARN: z.string().min(1),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;
export type QueueEnv = z.infer<typeof queueEnvSchema>;
export type AuthorizerEnv = z.infer<typeof authorizerEnvSchema>;
export type ScheduleSyncEnv = z.infer<typeof scheduleSyncEnvSchema>;

export class EnvError extends Error {
  constructor(issues: string[]) {
    super(`invalid environment: ${issues.join('; ')}`);
    this.name = 'EnvError';
  }
}

/** Parses an environment with a schema, naming every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> {
  const r = schema.safeParse(env);
  if (!r.success) throw new EnvError(r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  return r.data;
}
