/**
 * @module Runs one firing of a stored schedule (DESIGN §3 schedules): EventBridge Scheduler invokes the schedule
 * Lambda with `{tenant, scheduleId, scheduledTime}`, and this submits the schedule's spec through the same
 * `submitJob` handler the API uses. The idempotency key is the schedule and its scheduled time, so Scheduler's
 * retries of one firing create one job. A deleted, disabled or now-invalid schedule is skipped (and not retried).
 */
import { z } from 'zod';
import { SolventError } from '../../shared/errors.js';
import type { ScheduleRecord } from '../../shared/api/schemas.js';
import { PreconditionFailedError } from '../../shared/ports/index.js';
import { encodeJson, readJson } from '../../shared/store/job-store.js';
import { isSafeSegment, scheduleKey } from '../../shared/store/keys.js';
import type { Deps } from '../handlers/deps.js';
import { submitJob } from '../handlers/jobs.js';

export const scheduleInvocationSchema = z.object({
  tenant: z.string().refine(isSafeSegment, 'not a tenant id'),
  scheduleId: z.string().refine(isSafeSegment, 'not a schedule id'),
  /** Scheduler's `<aws.scheduler.scheduled-time>`, e.g. "2026-11-26T03:00:00Z". */
  scheduledTime: z.string().min(1).max(64).optional(),
});
export type ScheduleInvocation = z.infer<typeof scheduleInvocationSchema>;

export type ScheduleRunResult =
  | { submitted: true; jobId: string; duplicate: boolean }
  | { submitted: false; reason: 'invalid_event' | 'deleted' | 'disabled' | 'rejected'; message?: string };

export async function runSchedule(raw: unknown, deps: Deps): Promise<ScheduleRunResult> {
  const parsed = scheduleInvocationSchema.safeParse(raw);
  if (!parsed.success) {
    deps.log.error('schedule run: malformed invocation', { issues: parsed.error.issues.map((i) => i.message) });
    return { submitted: false, reason: 'invalid_event' };
  }
  const { tenant, scheduleId } = parsed.data;
  const firedAt = parsed.data.scheduledTime ?? new Date(deps.clock.now()).toISOString();
  const key = scheduleKey(tenant, scheduleId);
  const got = await readJson<ScheduleRecord>(deps.store, key);
  if (!got) {
    deps.log.warn('schedule run: the schedule no longer exists', { tenant, scheduleId });
    return { submitted: false, reason: 'deleted' };
  }
  if (!got.value.enabled) return { submitted: false, reason: 'disabled' };

  let out: Awaited<ReturnType<typeof submitJob>>;
  try {
    out = await submitJob({ body: got.value.spec, idempotencyKey: `schedule:${scheduleId}:${firedAt}`, scheduleId }, { tenant }, deps);
  } catch (e) {
    // A client error (invalid spec, too many active jobs) will not heal by retrying this firing.
    if (e instanceof SolventError && e.status < 500) {
      deps.log.warn('schedule run: job rejected', { tenant, scheduleId, code: e.code, error: e.message });
      return { submitted: false, reason: 'rejected', message: e.message };
    }
    throw e;
  }
  if (!('id' in out.body)) throw new Error('submitJob answered a dry run');
  const jobId = out.body.id;
  deps.log.info('schedule fired', { tenant, scheduleId, jobId, scheduledTime: firedAt });

  // Best effort: note the run on the schedule; a concurrent change (or deletion) wins.
  try {
    const record: ScheduleRecord = { ...got.value, lastRunAt: firedAt, lastJobId: jobId };
    await deps.store.put(key, encodeJson(record), { contentType: 'application/json', ifMatch: got.etag });
  } catch (e) {
    if (!(e instanceof PreconditionFailedError)) throw e;
  }
  return { submitted: true, jobId, duplicate: out.status === 200 };
}
