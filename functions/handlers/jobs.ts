/**
 * @module Job handlers (DESIGN §3): submit (with idempotency keys, dry runs and upload refs), get, result, cancel,
 * list. Pure functions of (input, request context, deps): no environment, no runtime APIs.
 */
import {
  ConflictError,
  InvalidRequestError,
  InvalidSpecError,
  JobStore,
  NotFoundError,
  RateLimitedError,
  SolventError,
  decodeJson,
  encodeJson,
  isJobId,
  isTerminal,
  keys,
  readJson,
  validateSpec,
  UPLOAD_REF_PATTERN,
  type JobRecord,
  type JobSpec,
  type JobStatus,
  type ResultEnvelope,
  type SubmitResponse,
} from '../../shared/index.js';
import { resourcesFor } from '../../solvers/registry.js';
import { canonicalJson, sha256Hex } from './hash.js';
import { jobLinks } from './links.js';
import type { Deps, RequestContext } from './deps.js';

export interface SubmitInput {
  body: unknown;
  idempotencyKey?: string;
  dryRun?: boolean;
  scheduleId?: string;
}

export type SubmitOutput =
  | { status: 202 | 200; body: SubmitResponse }
  | { status: 200; body: { valid: true; resources: ReturnType<typeof resourcesFor>; estimate: { timeoutS: number; memoryMiB: number; note: string } } };

const iso = (deps: Deps) => new Date(deps.clock.now()).toISOString();

/** Replaces `problem: {ref: "uploads/<id>"}` by the uploaded problem (tenant-scoped). */
async function resolveProblemRef(body: unknown, ctx: RequestContext, deps: Deps): Promise<unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const problem = (body as Record<string, unknown>).problem;
  if (!problem || typeof problem !== 'object' || !('ref' in problem)) return body;
  const ref = (problem as { ref: unknown }).ref;
  if (typeof ref !== 'string' || !UPLOAD_REF_PATTERN.test(ref)) {
    throw new InvalidSpecError('invalid problem reference', [{ path: 'problem.ref', message: 'must look like uploads/<id>' }]);
  }
  const got = await deps.store.get(keys.uploadKey(ctx.tenant, ref.slice('uploads/'.length)));
  if (!got) throw new InvalidSpecError('unknown upload', [{ path: 'problem.ref', message: `no upload ${ref} (upload it first with POST /v1/uploads)` }]);
  let uploaded: unknown;
  try {
    uploaded = decodeJson(got.body);
  } catch {
    throw new InvalidSpecError('upload is not JSON', [{ path: 'problem.ref', message: `${ref} is not a JSON problem object` }]);
  }
  return { ...(body as object), problem: uploaded };
}

/**
 * Jobs a spec names (root `options.bridge.job`) must be succeeded jobs of the right solver in the same tenant: a
 * 400 naming the field, before anything is stored.
 */
async function checkJobRefs(spec: JobSpec, ctx: RequestContext, deps: Deps): Promise<void> {
  if (spec.solver !== 'root' || !spec.options.bridge) return;
  const id = spec.options.bridge.job;
  const path = 'options.bridge.job';
  const st = (await new JobStore(deps.store).readStatus(ctx.tenant, id))?.status;
  if (!st) throw new InvalidSpecError('unknown job', [{ path, message: `no job ${id}` }]);
  if (st.solver !== 'root') throw new InvalidSpecError('not a root job', [{ path, message: `job ${id} is a ${st.solver} job, not root` }]);
  if (st.status !== 'succeeded') {
    throw new InvalidSpecError('job has no trained bridge yet', [{ path, message: `job ${id} is ${st.status}; only a succeeded root job has a trained bridge` }]);
  }
}

export async function submitJob(input: SubmitInput, ctx: RequestContext, deps: Deps): Promise<SubmitOutput> {
  const resolved = await resolveProblemRef(input.body, ctx, deps);
  const spec = validateSpec(resolved);
  await checkJobRefs(spec, ctx, deps);
  const resources = resourcesFor(spec);
  if (input.dryRun) {
    return {
      status: 200,
      body: {
        valid: true,
        resources,
        estimate: { timeoutS: resources.timeoutS, memoryMiB: resources.memoryMiB, note: 'upper bounds from the solver sizing rules' },
      },
    };
  }
  const jobs = new JobStore(deps.store);
  const id = deps.newId();

  let idempotencyRecord: string | undefined;
  if (input.idempotencyKey !== undefined) {
    const key = input.idempotencyKey;
    if (key.length === 0 || key.length > 256) throw new InvalidRequestError('Idempotency-Key must be 1..256 characters');
    const keyHash = await sha256Hex(key);
    const bodyHash = await sha256Hex(canonicalJson(input.body));
    const recKey = keys.idempotencyKey(ctx.tenant, keyHash);
    const won = await deps.store.putIfAbsent(recKey, encodeJson({ jobId: id, bodyHash, createdAt: iso(deps) }));
    if (!won) {
      const rec = (await readJson<{ jobId: string; bodyHash: string }>(deps.store, recKey))?.value;
      if (!rec) throw new ConflictError('idempotency record vanished; retry');
      if (rec.bodyHash !== bodyHash) throw new ConflictError('Idempotency-Key was already used with a different body');
      const status = await waitForStatus(jobs, ctx.tenant, rec.jobId, deps);
      return { status: 200, body: { id: rec.jobId, status: status?.status ?? 'queued', links: jobLinks(deps.baseUrl, rec.jobId) } };
    }
    idempotencyRecord = recKey;
  }

  try {
    await enforceActiveCap(jobs, ctx.tenant, deps);
  } catch (e) {
    // a refused submit must not leave the key bound to a job that was never created
    if (idempotencyRecord) await deps.store.delete(idempotencyRecord).catch(() => {});
    throw e;
  }
  const status: JobStatus = {
    id,
    tenant: ctx.tenant,
    solver: spec.solver,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(spec.tags !== undefined ? { tags: spec.tags } : {}),
    ...(input.scheduleId !== undefined ? { scheduleId: input.scheduleId } : {}),
    status: 'queued',
    createdAt: iso(deps),
    attempts: 0,
    maxAttempts: deps.limits.maxAttempts,
  };
  let created: boolean;
  try {
    created = await jobs.create(spec, status);
  } catch (e) {
    await discardPartialJob(deps, ctx.tenant, id, idempotencyRecord);
    throw e;
  }
  if (!created) throw new ConflictError(`job id ${id} already exists`);
  try {
    await deps.queue.submit({ tenant: ctx.tenant, jobId: id, solver: spec.solver, resources });
  } catch (e) {
    await jobs.apply(ctx.tenant, id, { type: 'fail', error: { code: 'enqueue_failed', message: (e as Error).message } }, () => iso(deps));
    throw e;
  }
  deps.log.info('job submitted', { tenant: ctx.tenant, jobId: id, solver: spec.solver });
  return { status: 202, body: { id, status: 'queued', links: jobLinks(deps.baseUrl, id) } };
}

/**
 * A store write failed while a job was being created (e.g. a full disk): remove what was written, newest first, so
 * no status is left without its listing entry (an invisible job that a restart would run) and a retry with the same
 * Idempotency-Key creates the job instead of naming one that does not exist. Best effort.
 */
async function discardPartialJob(deps: Deps, tenant: string, id: string, idempotencyRecord: string | undefined): Promise<void> {
  for (const key of [keys.activeJobKey(tenant, id), keys.jobIndexKey(tenant, id), keys.statusKey(tenant, id), keys.specKey(tenant, id), idempotencyRecord]) {
    if (key) await deps.store.delete(key).catch((e: Error) => deps.log.error('could not discard a partly created job', { tenant, jobId: id, key, error: e.message }));
  }
  deps.log.error('job creation failed; partial documents discarded', { tenant, jobId: id });
}

/** A concurrent duplicate may see the idempotency record before the job's status exists: wait briefly. */
async function waitForStatus(jobs: JobStore, tenant: string, id: string, deps: Deps): Promise<JobStatus | undefined> {
  for (let i = 0; i < 40; i++) {
    const s = await jobs.readStatus(tenant, id);
    if (s) return s.status;
    await new Promise((r) => setTimeout(r, 50));
  }
  deps.log.warn('idempotent duplicate found no status', { tenant, jobId: id });
  return undefined;
}

/** Per-tenant cap on queued + running jobs: O(cap) listing of active markers, verified only at the cap. */
async function enforceActiveCap(jobs: JobStore, tenant: string, deps: Deps): Promise<void> {
  const cap = deps.limits.maxActiveJobsPerTenant;
  if (!Number.isFinite(cap)) return;
  let active = await jobs.countActive(tenant, cap, false);
  if (active >= cap) active = await jobs.countActive(tenant, cap, true);
  if (active >= cap) throw new RateLimitedError(`too many active jobs: ${active} queued or running, the limit is ${cap} per tenant`, cap);
}

function requireId(id: string): void {
  if (!isJobId(id)) throw new NotFoundError(`no job ${JSON.stringify(id).slice(0, 40)}`);
}

export async function getJob(id: string, ctx: RequestContext, deps: Deps): Promise<JobRecord> {
  requireId(id);
  const jobs = new JobStore(deps.store);
  const got = await jobs.readStatus(ctx.tenant, id);
  if (!got) throw new NotFoundError(`no job ${id}`);
  const progress = got.status.status === 'queued' ? undefined : await jobs.readProgress(ctx.tenant, id);
  return toRecord(got.status, deps, progress?.latest);
}

export function toRecord(s: JobStatus, deps: Deps, progress?: JobRecord['progress']): JobRecord {
  const r: JobRecord = {
    id: s.id,
    solver: s.solver,
    status: s.status,
    createdAt: s.createdAt,
    attempts: s.attempts,
    links: jobLinks(deps.baseUrl, s.id),
  };
  if (s.name !== undefined) r.name = s.name;
  if (s.tags !== undefined) r.tags = s.tags;
  if (s.scheduleId !== undefined) r.scheduleId = s.scheduleId;
  if (s.startedAt !== undefined) r.startedAt = s.startedAt;
  if (s.finishedAt !== undefined) r.finishedAt = s.finishedAt;
  if (s.error !== undefined && s.status !== 'succeeded') r.error = s.error;
  if (progress !== undefined) r.progress = progress;
  return r;
}

export async function getResult(id: string, ctx: RequestContext, deps: Deps): Promise<ResultEnvelope> {
  requireId(id);
  const jobs = new JobStore(deps.store);
  const got = await jobs.readStatus(ctx.tenant, id);
  if (!got) throw new NotFoundError(`no job ${id}`);
  const st = got.status;
  if (!isTerminal(st.status)) throw new ConflictError(`job ${id} is ${st.status}; the result is available once it has finished`);
  const result = await jobs.readResult(ctx.tenant, id);
  if (!result) {
    const reason = st.error ? `: ${st.error.message}` : '';
    throw new ConflictError(`job ${id} ${st.status} without a result${reason}`);
  }
  const artifacts = await Promise.all(
    (result.artifacts ?? []).map(async (a) => {
      const key = keys.artifactKey(ctx.tenant, id, a.name);
      const url = (await deps.store.presign(key, 'GET', 900)) ?? `${deps.baseUrl}/v1/jobs/${id}/artifacts/${a.name}`;
      return { ...a, url };
    }),
  );
  return { ...result, artifacts };
}

export async function getArtifact(id: string, name: string, ctx: RequestContext, deps: Deps): Promise<Uint8Array> {
  requireId(id);
  let key: string;
  try {
    key = keys.artifactKey(ctx.tenant, id, name);
  } catch {
    throw new NotFoundError(`no artifact ${JSON.stringify(name).slice(0, 60)}`);
  }
  const got = await deps.store.get(key);
  if (!got) throw new NotFoundError(`no artifact ${name} for job ${id}`);
  return got.body;
}

export async function cancelJob(id: string, ctx: RequestContext, deps: Deps): Promise<{ id: string; status: JobStatus['status']; links: ReturnType<typeof jobLinks> }> {
  requireId(id);
  const jobs = new JobStore(deps.store);
  const got = await jobs.readStatus(ctx.tenant, id);
  if (!got) throw new NotFoundError(`no job ${id}`);
  if (isTerminal(got.status.status)) throw new ConflictError(`job ${id} already ${got.status.status}`);
  await jobs.requestCancel(ctx.tenant, id, iso(deps));
  let status = got.status.status;
  if (status === 'queued') {
    try {
      status = (await jobs.apply(ctx.tenant, id, { type: 'cancel', reason: 'cancelled by request before it started' }, () => iso(deps))).status;
    } catch (e) {
      if (!(e instanceof SolventError)) throw e; // it started meanwhile: the worker sees the marker
      status = (await jobs.readStatus(ctx.tenant, id))?.status.status ?? status;
    }
  }
  await deps.queue.cancel({ tenant: ctx.tenant, jobId: id });
  deps.log.info('job cancel requested', { tenant: ctx.tenant, jobId: id, status });
  return { id, status, links: jobLinks(deps.baseUrl, id) };
}

export interface ListInput {
  status?: string;
  limit?: number;
  cursor?: string;
}

export async function listJobs(input: ListInput, ctx: RequestContext, deps: Deps): Promise<{ jobs: JobRecord[]; next?: string }> {
  const limit = input.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidRequestError('limit must be an integer in 1..100');
  if (input.cursor !== undefined && !/^[0-9A-Z]{26}$/.test(input.cursor)) throw new InvalidRequestError('invalid cursor');
  const states = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
  if (input.status !== undefined && !states.includes(input.status)) throw new InvalidRequestError(`status must be one of ${states.join(', ')}`);
  const jobs = new JobStore(deps.store);
  const out: JobRecord[] = [];
  let cursor = input.cursor;
  let pages = 0;
  for (;;) {
    const page = await jobs.listIds(ctx.tenant, input.status ? Math.min(100, limit * 2) : limit - out.length, cursor);
    const statuses = await Promise.all(page.ids.map((id) => jobs.readStatus(ctx.tenant, id).catch(() => undefined)));
    let lastIndex = -1;
    for (let i = 0; i < page.ids.length; i++) {
      const s = statuses[i];
      lastIndex = i;
      if (!s) continue;
      if (input.status && s.status.status !== input.status) continue;
      out.push(toRecord(s.status, deps));
      if (out.length >= limit) break;
    }
    const consumedAll = lastIndex === page.ids.length - 1;
    if (out.length >= limit) {
      const more = !consumedAll || page.next !== undefined;
      return { jobs: out, ...(more ? { next: cursorOf(page.ids[lastIndex]) } : {}) };
    }
    if (!page.next || ++pages >= 20) return { jobs: out, ...(page.next ? { next: page.next } : {}) };
    cursor = page.next;
  }
}

/** The cursor is the inverted id (the index key's last segment). */
function cursorOf(id: string): string {
  return keys.jobIndexKey('x', id).slice(keys.jobIndexPrefix('x').length);
}

export type { JobSpec };
