/**
 * @module HTTP API request/response schemas (DESIGN §3): job record, error envelope, progress, result envelope,
 * uploads and schedules. The OpenAPI document is generated from these.
 */
import { z } from 'zod';
import { JOB_STATES, jobErrorSchema } from '../jobs/states.js';
import { SOLVER_NAMES } from '../spec/common.js';

export const issueSchema = z.object({ path: z.string(), message: z.string() });
export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(issueSchema).optional(),
    limit: z.number().optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

export const STOP_REASONS = ['converged', 'max_iterations', 'budget', 'cancelled'] as const;
export type StopReason = (typeof STOP_REASONS)[number];

/** One progress report: iteration, objective (or loss), a stopping measure, elapsed time; solvers may add fields. */
export const progressPointSchema = z
  .object({
    iteration: z.number(),
    objective: z.number().nullable().optional(),
    measure: z.number().nullable().optional(),
    elapsedMs: z.number(),
    phase: z.string().optional(),
    cost: z.number().optional(),
  })
  .catchall(z.union([z.number(), z.string(), z.null()]));
export type ProgressPoint = z.infer<typeof progressPointSchema>;

export const progressDocSchema = z.object({
  latest: progressPointSchema,
  history: z.array(progressPointSchema),
  updatedAt: z.string(),
});
export type ProgressDoc = z.infer<typeof progressDocSchema>;

export const linksSchema = z.object({
  self: z.string(),
  result: z.string(),
  cancel: z.string(),
});

export const jobRecordSchema = z.object({
  id: z.string(),
  solver: z.enum(SOLVER_NAMES),
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  scheduleId: z.string().optional(),
  status: z.enum(JOB_STATES),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  attempts: z.number().optional(),
  progress: progressPointSchema.optional(),
  error: jobErrorSchema.optional(),
  links: linksSchema,
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const submitResponseSchema = z.object({
  id: z.string(),
  status: z.enum(JOB_STATES),
  links: linksSchema,
});
export type SubmitResponse = z.infer<typeof submitResponseSchema>;

export const resourcesSchema = z.object({
  gpu: z.boolean(),
  vcpus: z.number(),
  memoryMiB: z.number(),
  timeoutS: z.number(),
});

export const dryRunResponseSchema = z.object({
  valid: z.literal(true),
  resources: resourcesSchema,
  estimate: z.object({ timeoutS: z.number(), memoryMiB: z.number(), note: z.string().optional() }),
});

export const jobListSchema = z.object({
  jobs: z.array(jobRecordSchema),
  next: z.string().optional(),
});

export const artifactSchema = z.object({
  name: z.string(),
  dtype: z.enum(['float64', 'int32', 'float32', 'uint8']),
  shape: z.array(z.number().int()),
  bytes: z.number().int().optional(),
  url: z.string().optional(),
});
export type Artifact = z.infer<typeof artifactSchema>;

export const solverVersionSchema = z.object({ version: z.string(), commit: z.string() });

/** The common result envelope every solver result carries (DESIGN §6), plus the solver's own outputs. */
export const resultEnvelopeSchema = z
  .object({
    solver: z.enum(SOLVER_NAMES),
    stop: z.enum(STOP_REASONS),
    iterations: z.number(),
    elapsedMs: z.number(),
    history: z.array(z.record(z.string(), z.unknown())),
    solverVersion: solverVersionSchema,
    backend: z.string(),
    device: z.string().optional(),
    seed: z.number(),
    options: z.record(z.string(), z.unknown()),
    startedAt: z.string(),
    finishedAt: z.string(),
    artifacts: z.array(artifactSchema),
  })
  .catchall(z.unknown());
export type ResultEnvelope = z.infer<typeof resultEnvelopeSchema>;

export const uploadResponseSchema = z.object({ ref: z.string(), uploadUrl: z.string(), expiresAt: z.string() });

export const scheduleInputSchema = z
  .object({
    cron: z.string().min(1).max(200).optional(),
    rate: z
      .string()
      .regex(/^\d+ (second|seconds|minute|minutes|hour|hours|day|days)$/, 'must look like "6 hours" or "30 seconds"')
      .optional(),
    timezone: z.string().max(64).optional(),
    name: z.string().max(200).optional(),
    enabled: z.boolean().default(true),
    spec: z.record(z.string(), z.unknown()),
  })
  .strict()
  .refine((s) => (s.cron === undefined) !== (s.rate === undefined), { message: 'give exactly one of cron or rate', path: ['cron'] });
export type ScheduleInput = z.infer<typeof scheduleInputSchema>;

export const scheduleRecordSchema = z.object({
  id: z.string(),
  cron: z.string().optional(),
  rate: z.string().optional(),
  timezone: z.string().optional(),
  name: z.string().optional(),
  enabled: z.boolean(),
  spec: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  next: z.string().nullable(),
  lastRunAt: z.string().optional(),
  lastJobId: z.string().optional(),
});
export type ScheduleRecord = z.infer<typeof scheduleRecordSchema>;
