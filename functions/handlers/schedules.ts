/**
 * @module Schedule handlers (DESIGN §3 `POST/GET/DELETE /v1/schedules[/{id}]`): recurring jobs given by a cron
 * pattern (croner, with an optional IANA timezone) or a rate ("6 hours"; seconds are accepted in local mode, AWS
 * needs ≥ 1 minute). Documents live at `tenants/<t>/schedules/<id>.json`; the embedded spec is validated like a
 * job's (an upload `{ref}` problem is resolved for validation and kept as a ref). Pure functions of (input, ctx, deps).
 */
import { Cron } from 'croner';
import {
  CorruptDocumentError,
  InvalidSpecError,
  NotFoundError,
  RateLimitedError,
  SolventError,
  UPLOAD_REF_PATTERN,
  decodeJson,
  encodeJson,
  flattenIssues,
  keys,
  raiseIssues,
  readJson,
  scheduleInputSchema,
  validateSpec,
  type Issue,
  type ScheduleRecord,
} from '../../shared/index.js';
import type { Deps, RequestContext } from './deps.js';

export interface SchedulePolicy {
  /** Shortest accepted rate in seconds (local 1, AWS EventBridge Scheduler 60). */
  minRateSeconds: number;
  /** Schedules one tenant may hold. */
  maxSchedulesPerTenant: number;
}
export const LOCAL_SCHEDULE_POLICY: SchedulePolicy = { minRateSeconds: 1, maxSchedulesPerTenant: 100 };
export const AWS_SCHEDULE_POLICY: SchedulePolicy = { minRateSeconds: 60, maxSchedulesPerTenant: 100 };

const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400 };

/** "6 hours" → 21600; undefined when the text is not a rate. */
export function rateSeconds(rate: string): number | undefined {
  const m = /^(\d+) (second|minute|hour|day)s?$/.exec(rate);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_SECONDS[m[2]];
}

type Timing = Pick<ScheduleRecord, 'cron' | 'rate' | 'timezone' | 'enabled' | 'createdAt'>;

/**
 * The first fire time strictly after `nowMs` (ms since the epoch), or null for a disabled schedule or a cron
 * pattern that never fires again. Rates fire on the grid createdAt + k·interval.
 */
export function nextRunAt(s: Timing, nowMs: number): number | null {
  if (!s.enabled) return null;
  if (s.cron !== undefined) {
    const next = new Cron(s.cron, { timezone: s.timezone, paused: true }).nextRun(new Date(nowMs));
    return next ? next.getTime() : null;
  }
  const interval = s.rate !== undefined ? rateSeconds(s.rate) : undefined;
  if (!interval) return null;
  const ms = interval * 1000;
  const anchor = Date.parse(s.createdAt);
  if (nowMs < anchor) return anchor + ms;
  return anchor + (Math.floor((nowMs - anchor) / ms) + 1) * ms;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The record with `next` recomputed for `nowMs` (stored `next` values go stale when nothing fires them). */
export function withNext(record: ScheduleRecord, nowMs: number): ScheduleRecord {
  const next = nextRunAt(record, nowMs);
  return { ...record, next: next === null ? null : iso(next) };
}

function timingIssues(input: { cron?: string; rate?: string; timezone?: string }, policy: SchedulePolicy): Issue[] {
  const issues: Issue[] = [];
  if (input.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: input.timezone });
    } catch {
      issues.push({ path: 'timezone', message: `unknown time zone ${JSON.stringify(input.timezone)} (use an IANA name such as "Europe/Paris")` });
    }
  }
  if (input.cron !== undefined && issues.length === 0) {
    try {
      const next = new Cron(input.cron, { timezone: input.timezone, paused: true }).nextRun();
      if (next === null) issues.push({ path: 'cron', message: 'the pattern never fires' });
    } catch (e) {
      issues.push({ path: 'cron', message: (e as Error).message });
    }
  }
  if (input.rate !== undefined) {
    const s = rateSeconds(input.rate);
    if (s === undefined) issues.push({ path: 'rate', message: 'must look like "6 hours" or "30 seconds"' });
    else if (s < policy.minRateSeconds) issues.push({ path: 'rate', message: `is ${s} s, below the minimum of ${policy.minRateSeconds} s` });
  }
  return issues;
}

/** Validates the embedded spec; a `{ref}` problem is checked against the uploaded JSON. Paths are prefixed `spec.`. */
async function validateEmbeddedSpec(spec: Record<string, unknown>, ctx: RequestContext, deps: Deps): Promise<void> {
  let candidate: unknown = spec;
  const problem = spec.problem;
  if (problem && typeof problem === 'object' && !Array.isArray(problem) && 'ref' in problem) {
    const ref = (problem as { ref: unknown }).ref;
    if (typeof ref !== 'string' || !UPLOAD_REF_PATTERN.test(ref)) {
      throw new InvalidSpecError('invalid schedule', [{ path: 'spec.problem.ref', message: 'must look like uploads/<id>' }]);
    }
    const got = await deps.store.get(keys.uploadKey(ctx.tenant, ref.slice('uploads/'.length)));
    if (!got) throw new InvalidSpecError('invalid schedule', [{ path: 'spec.problem.ref', message: `no upload ${ref} (upload it first with POST /v1/uploads)` }]);
    try {
      candidate = { ...spec, problem: decodeJson(got.body) };
    } catch {
      throw new InvalidSpecError('invalid schedule', [{ path: 'spec.problem.ref', message: `${ref} is not a JSON problem object` }]);
    }
  }
  try {
    validateSpec(candidate);
  } catch (e) {
    if (e instanceof SolventError && e.issues) {
      const issues = e.issues.map((i) => ({ path: i.path ? `spec.${i.path}` : 'spec', message: i.message }));
      throw new SolventError(e.code, e.status, `invalid schedule spec: ${e.message}`, { issues, limit: e.limit, cause: e });
    }
    throw e;
  }
}

/** POST /v1/schedules → 201 with the stored record (`id`, `next`, …). */
export async function createSchedule(
  input: { body: unknown },
  ctx: RequestContext,
  deps: Deps,
  policy: SchedulePolicy = LOCAL_SCHEDULE_POLICY,
): Promise<ScheduleRecord> {
  const parsed = scheduleInputSchema.safeParse(input.body);
  if (!parsed.success) raiseIssues(flattenIssues(parsed.error.issues), 'schedule');
  const body = parsed.data;
  const issues = timingIssues(body, policy);
  if (issues.length > 0) throw new InvalidSpecError(`invalid schedule: ${issues[0].path}: ${issues[0].message}`, issues);
  await validateEmbeddedSpec(body.spec, ctx, deps);

  const existing = await deps.store.list(keys.schedulesPrefix(ctx.tenant), { limit: policy.maxSchedulesPerTenant + 1 });
  if (existing.keys.length >= policy.maxSchedulesPerTenant) {
    throw new RateLimitedError(`at most ${policy.maxSchedulesPerTenant} schedules per tenant; delete one first`, policy.maxSchedulesPerTenant);
  }

  const now = deps.clock.now();
  const id = deps.newId();
  const base: ScheduleRecord = {
    id,
    ...(body.cron !== undefined ? { cron: body.cron } : {}),
    ...(body.rate !== undefined ? { rate: body.rate } : {}),
    ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
    ...(body.name !== undefined ? { name: body.name } : {}),
    enabled: body.enabled,
    spec: body.spec,
    createdAt: iso(now),
    next: null,
  };
  const record = withNext(base, now);
  const written = await deps.store.putIfAbsent(keys.scheduleKey(ctx.tenant, id), encodeJson(record), { contentType: 'application/json' });
  if (!written) throw new SolventError('conflict', 409, `schedule id ${id} already exists`);
  deps.log.info('schedule created', { tenant: ctx.tenant, scheduleId: id, next: record.next });
  return record;
}

/** Reads one stored schedule, or undefined (also for ids that cannot be keys). */
export async function readSchedule(deps: Deps, tenant: string, id: string): Promise<{ record: ScheduleRecord; etag: string } | undefined> {
  if (!keys.isSafeSegment(id)) return undefined;
  const got = await readJson<ScheduleRecord>(deps.store, keys.scheduleKey(tenant, id));
  return got ? { record: got.value, etag: got.etag } : undefined;
}

/** All of a tenant's schedules, oldest first (ids are time-sortable). */
export async function readAllSchedules(deps: Deps, tenant: string): Promise<ScheduleRecord[]> {
  const prefix = keys.schedulesPrefix(tenant);
  const out: ScheduleRecord[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await deps.store.list(prefix, { startAfter, limit: 1000 });
    for (const key of page.keys) {
      if (!key.endsWith('.json')) continue;
      // one unreadable document must not hide the others (nor stop the scheduler): it is logged and skipped
      const got = await readJson<ScheduleRecord>(deps.store, key).catch((e: unknown) => {
        if (!(e instanceof CorruptDocumentError)) throw e;
        deps.log.error('corrupt schedule document skipped', { tenant, key });
        return undefined;
      });
      if (got) out.push(got.value);
    }
    if (!page.next || page.keys.length === 0) break;
    startAfter = page.next;
  }
  return out;
}

/** GET /v1/schedules → 200 `{schedules}`. */
export async function listSchedules(ctx: RequestContext, deps: Deps): Promise<{ schedules: ScheduleRecord[] }> {
  const now = deps.clock.now();
  return { schedules: (await readAllSchedules(deps, ctx.tenant)).map((s) => withNext(s, now)) };
}

/** GET /v1/schedules/{id} → 200 record; 404 for unknown ids and other tenants' schedules. */
export async function getSchedule(id: string, ctx: RequestContext, deps: Deps): Promise<ScheduleRecord> {
  const got = await readSchedule(deps, ctx.tenant, id);
  if (!got) throw new NotFoundError(`no schedule ${id}`);
  return withNext(got.record, deps.clock.now());
}

/** DELETE /v1/schedules/{id} → 200 `{id, deleted: true}`; 404 when absent. */
export async function deleteSchedule(id: string, ctx: RequestContext, deps: Deps): Promise<{ id: string; deleted: true }> {
  // a corrupt document can still be deleted (that is how its owner gets rid of it)
  const got = await readSchedule(deps, ctx.tenant, id).catch((e: unknown) => {
    if (e instanceof CorruptDocumentError) return 'corrupt' as const;
    throw e;
  });
  if (!got) throw new NotFoundError(`no schedule ${id}`);
  await deps.store.delete(keys.scheduleKey(ctx.tenant, id));
  deps.log.info('schedule deleted', { tenant: ctx.tenant, scheduleId: id });
  return { id, deleted: true };
}
