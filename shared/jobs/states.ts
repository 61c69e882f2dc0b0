/** @module Job states (DESIGN §4) and the job status document stored in status.json. */
import { z } from 'zod';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];
export function isTerminal(s: JobState): boolean {
  return TERMINAL_STATES.includes(s);
}

export const jobErrorSchema = z.object({ code: z.string(), message: z.string() });
export type JobError = z.infer<typeof jobErrorSchema>;

export const jobStatusSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  solver: z.enum(['bcd', 'bilevel', 'root', 'fdr']),
  name: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  scheduleId: z.string().optional(),
  status: z.enum(JOB_STATES),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: jobErrorSchema.optional(),
  /** Worker attempts started so far (a requeue after a crash or restart starts another). */
  attempts: z.number().int().min(0),
  /** How many times the job may be started in all (first run + retries). */
  maxAttempts: z.number().int().min(1),
  cancelRequested: z.boolean().optional(),
});
export type JobStatus = z.infer<typeof jobStatusSchema>;
