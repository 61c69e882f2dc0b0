/** @module Lambda entry that EventBridge Scheduler invokes for each firing of a schedule. */
import { createAwsDeps } from '../deps.js';
import { parseEnv, queueEnvSchema } from '../env.js';
import { runSchedule, type ScheduleRunResult } from '../schedule-run.js';

const deps = createAwsDeps(parseEnv(queueEnvSchema));

export async function handler(event: unknown): Promise<ScheduleRunResult> {
  return runSchedule(event, deps);
}
