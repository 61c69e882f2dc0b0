/**
 * Schedule handlers and the local scheduler over an in-memory store with a fake clock: validation (every issue with
 * its path, embedded spec, cron, timezone, rate minimum), next fire times against hand-computed instants and a
 * property of the rate grid, tenant isolation, and the scheduler firing real `submitJob` calls exactly once per due run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SolventError, encodeJson, keys, ulidFactory, type JobStatus, type QueuedJob } from '../../shared/index.js';
import type { Deps } from '../../functions/handlers/deps.js';
import {
  AWS_SCHEDULE_POLICY,
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  nextRunAt,
  rateSeconds,
} from '../../functions/handlers/schedules.js';
import { LocalScheduler } from '../../functions/local/scheduler.js';
import { MemoryStore } from '../support/memory-store.js';

const SPEC = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [2, 2], data: [1, 0, 0, 1] }, b: [1, 2] } };
const T0 = Date.parse('2026-01-15T10:00:00.000Z');

function makeDeps(start = T0) {
  let now = start;
  let seq = 0;
  const submitted: QueuedJob[] = [];
  const logs: { level: string; msg: string }[] = [];
  const deps: Deps = {
    store: new MemoryStore(),
    queue: {
      submit: async (job) => {
        submitted.push(job);
      },
      cancel: async () => {},
    },
    clock: { now: () => now },
    newId: ulidFactory(
      () => now,
      () => Uint8Array.from({ length: 10 }, (_, i) => (i === 9 ? ++seq & 255 : 0)),
    ),
    log: {
      info: (msg) => logs.push({ level: 'info', msg }),
      warn: (msg) => logs.push({ level: 'warn', msg }),
      error: (msg) => logs.push({ level: 'error', msg }),
    },
    limits: { maxActiveJobsPerTenant: 1000, maxAttempts: 3 },
    baseUrl: '',
    version: 'test',
  };
  return { deps, submitted, logs, advance: (ms: number) => (now += ms), at: () => now };
}

async function issuesOf(p: Promise<unknown>): Promise<{ status: number; code: string; paths: string[] }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof SolventError)) throw e;
    return { status: e.status, code: e.code, paths: (e.issues ?? []).map((i) => i.path) };
  }
  throw new Error('expected a SolventError');
}

describe('rates and next fire times', () => {
  it('parses rates in seconds to days', () => {
    expect(rateSeconds('30 seconds')).toBe(30);
    expect(rateSeconds('1 minute')).toBe(60);
    expect(rateSeconds('6 hours')).toBe(21600);
    expect(rateSeconds('2 days')).toBe(172800);
    expect(rateSeconds('6 weeks')).toBeUndefined();
    expect(rateSeconds('hours')).toBeUndefined();
  });

  it('computes cron instants in the given timezone', () => {
    const base = { enabled: true, createdAt: '2026-01-01T00:00:00.000Z' };
    // 03:00 in Paris in January is 02:00 UTC; at 10:00Z on the 15th the next one is the 16th.
    expect(new Date(nextRunAt({ ...base, cron: '0 3 * * *', timezone: 'Europe/Paris' }, T0)!).toISOString()).toBe('2026-01-16T02:00:00.000Z');
    // In July (CEST, UTC+2) it is 01:00 UTC.
    expect(new Date(nextRunAt({ ...base, cron: '0 3 * * *', timezone: 'Europe/Paris' }, Date.parse('2026-07-01T12:00:00Z'))!).toISOString()).toBe(
      '2026-07-02T01:00:00.000Z',
    );
    expect(new Date(nextRunAt({ ...base, cron: '*/15 * * * *' }, T0 + 1000)!).toISOString()).toBe('2026-01-15T10:15:00.000Z');
    expect(nextRunAt({ ...base, enabled: false, cron: '* * * * *' }, T0)).toBeNull();
  });

  it('fires rates on the grid createdAt + k·interval, strictly after now and within one interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: -1e9, max: 1e10 }), (seconds, offset) => {
        const createdAt = new Date(T0).toISOString();
        const now = T0 + offset;
        const next = nextRunAt({ enabled: true, createdAt, rate: `${seconds} seconds` }, now)!;
        const ms = seconds * 1000;
        expect(next).toBeGreaterThan(now);
        // Before its creation a schedule first fires one interval after createdAt.
        if (now >= T0) expect(next - now).toBeLessThanOrEqual(ms);
        else expect(next).toBe(T0 + ms);
        expect((next - T0) % ms).toBe(0);
        expect(next).toBeGreaterThan(T0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('schedule handlers', () => {
  it('creates a schedule, stores it under the tenant and reports next', async () => {
    const { deps } = makeDeps();
    const rec = await createSchedule({ body: { rate: '6 hours', spec: SPEC, name: 'nightly' } }, { tenant: 'acme' }, deps);
    expect(rec.next).toBe('2026-01-15T16:00:00.000Z');
    expect(rec.enabled).toBe(true);
    expect(rec.createdAt).toBe('2026-01-15T10:00:00.000Z');
    expect(await deps.store.head(keys.scheduleKey('acme', rec.id))).toBeDefined();
    expect(await getSchedule(rec.id, { tenant: 'acme' }, deps)).toEqual(rec);
    expect((await listSchedules({ tenant: 'acme' }, deps)).schedules.map((s) => s.id)).toEqual([rec.id]);
  });

  it('lists every issue with its path', async () => {
    const { deps } = makeDeps();
    const ctx = { tenant: 'acme' };
    expect(await issuesOf(createSchedule({ body: { spec: SPEC } }, ctx, deps))).toMatchObject({ status: 400, paths: ['cron'] });
    expect(await issuesOf(createSchedule({ body: { cron: '* * * * *', rate: '1 hour', spec: SPEC } }, ctx, deps))).toMatchObject({ paths: ['cron'] });
    expect(await issuesOf(createSchedule({ body: { rate: 'often', spec: SPEC } }, ctx, deps))).toMatchObject({ status: 400, paths: ['rate'] });
    expect(await issuesOf(createSchedule({ body: { cron: 'nonsense', spec: SPEC } }, ctx, deps))).toMatchObject({ paths: ['cron'] });
    expect(await issuesOf(createSchedule({ body: { cron: '0 3 * * *', timezone: 'Mars/Olympus', spec: SPEC } }, ctx, deps))).toMatchObject({ paths: ['timezone'] });
    expect(await issuesOf(createSchedule({ body: { rate: '1 hour', spec: SPEC, extra: 1 } }, ctx, deps))).toMatchObject({ status: 400 });
    const bad = { ...SPEC, problem: { ...SPEC.problem, b: [1, 2, 3] }, options: { maxIterations: -1 } };
    const r = await issuesOf(createSchedule({ body: { rate: '1 hour', spec: bad } }, ctx, deps));
    expect(r.code).toBe('invalid_spec');
    expect(r.paths.every((p) => p.startsWith('spec.'))).toBe(true);
    expect(r.paths).toContain('spec.options.maxIterations');
    expect((await deps.store.list(keys.schedulesPrefix('acme'))).keys).toEqual([]);
  });

  it('accepts seconds locally but not under the AWS policy', async () => {
    const { deps } = makeDeps();
    await expect(createSchedule({ body: { rate: '30 seconds', spec: SPEC } }, { tenant: 'acme' }, deps)).resolves.toMatchObject({ rate: '30 seconds' });
    expect(await issuesOf(createSchedule({ body: { rate: '30 seconds', spec: SPEC } }, { tenant: 'acme' }, deps, AWS_SCHEDULE_POLICY))).toMatchObject({
      paths: ['rate'],
    });
  });

  it('validates an uploaded problem by its ref and keeps the ref', async () => {
    const { deps } = makeDeps();
    const ref = 'uploads/UP1';
    const withRef = { ...SPEC, problem: { ref } };
    expect(await issuesOf(createSchedule({ body: { rate: '1 hour', spec: withRef } }, { tenant: 'acme' }, deps))).toMatchObject({ paths: ['spec.problem.ref'] });
    await deps.store.put(keys.uploadKey('acme', 'UP1'), encodeJson(SPEC.problem));
    const rec = await createSchedule({ body: { rate: '1 hour', spec: withRef } }, { tenant: 'acme' }, deps);
    expect(rec.spec.problem).toEqual({ ref });
    // The upload belongs to acme only.
    expect(await issuesOf(createSchedule({ body: { rate: '1 hour', spec: withRef } }, { tenant: 'other' }, deps))).toMatchObject({ paths: ['spec.problem.ref'] });
  });

  it('hides schedules from other tenants and deletes', async () => {
    const { deps } = makeDeps();
    const rec = await createSchedule({ body: { cron: '0 3 * * *', spec: SPEC } }, { tenant: 'acme' }, deps);
    expect(await issuesOf(getSchedule(rec.id, { tenant: 'other' }, deps))).toMatchObject({ status: 404 });
    expect(await issuesOf(deleteSchedule(rec.id, { tenant: 'other' }, deps))).toMatchObject({ status: 404 });
    expect((await listSchedules({ tenant: 'other' }, deps)).schedules).toEqual([]);
    expect(await issuesOf(getSchedule('../../x', { tenant: 'acme' }, deps))).toMatchObject({ status: 404 });
    expect(await deleteSchedule(rec.id, { tenant: 'acme' }, deps)).toEqual({ id: rec.id, deleted: true });
    expect(await issuesOf(getSchedule(rec.id, { tenant: 'acme' }, deps))).toMatchObject({ status: 404 });
  });
});

describe('LocalScheduler', () => {
  async function jobStatus(deps: Deps, tenant: string, id: string): Promise<JobStatus> {
    const got = await deps.store.get(keys.statusKey(tenant, id));
    return JSON.parse(new TextDecoder().decode(got!.body)) as JobStatus;
  }

  it('submits one job per due run through submitJob, tagged with the schedule', async () => {
    const { deps, submitted, advance } = makeDeps();
    const rec = await createSchedule({ body: { rate: '2 seconds', spec: SPEC, name: 'every2' } }, { tenant: 'acme' }, deps);
    const s = new LocalScheduler(deps, { tickMs: 60_000 });
    await s.start();
    try {
      await s.tick();
      expect(submitted).toHaveLength(0);
      advance(2000);
      await s.tick();
      await s.tick(); // same instant: nothing more is due
      expect(submitted).toHaveLength(1);
      const jobId = submitted[0].jobId;
      const status = await jobStatus(deps, 'acme', jobId);
      expect(status).toMatchObject({ scheduleId: rec.id, status: 'queued', name: 'every2', tags: { schedule: rec.id } });
      const after = await getSchedule(rec.id, { tenant: 'acme' }, deps);
      expect(after).toMatchObject({ lastJobId: jobId, lastRunAt: '2026-01-15T10:00:02.000Z', next: '2026-01-15T10:00:04.000Z' });
      advance(5000); // two grid points passed (4 s, 6 s): one run, next on the grid after now
      await s.tick();
      expect(submitted).toHaveLength(2);
      expect((await getSchedule(rec.id, { tenant: 'acme' }, deps)).next).toBe('2026-01-15T10:00:08.000Z');
      await deleteSchedule(rec.id, { tenant: 'acme' }, deps);
      advance(10_000);
      await s.tick();
      expect(submitted).toHaveLength(2);
      expect(s.snapshot()).toEqual([]);
    } finally {
      await s.stop();
    }
  });

  it('fires a run missed while stopped once at start, and two schedulers on one store fire it once', async () => {
    const { deps, submitted, advance } = makeDeps();
    await createSchedule({ body: { cron: '*/5 * * * *', spec: SPEC } }, { tenant: 'acme' }, deps);
    await createSchedule({ body: { rate: '1 hour', spec: SPEC, enabled: false } }, { tenant: 'acme' }, deps);
    advance(3 * 3600_000); // the service was down for three hours
    const a = new LocalScheduler(deps, { tickMs: 60_000 });
    const b = new LocalScheduler(deps, { tickMs: 60_000, tenants: () => ['acme'] });
    await Promise.all([a.start(), b.start()]);
    try {
      await Promise.all([a.tick(), b.tick()]);
      expect(submitted).toHaveLength(1);
      expect(a.fired.length + b.fired.length).toBe(1);
      advance(5 * 60_000);
      await Promise.all([a.tick(), b.tick()]);
      expect(submitted).toHaveLength(2);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('records a submit failure without stopping the schedule', async () => {
    const { deps, advance, logs } = makeDeps();
    await deps.store.put(keys.uploadKey('acme', 'UP2'), encodeJson(SPEC.problem));
    const rec = await createSchedule({ body: { rate: '1 minute', spec: { ...SPEC, problem: { ref: 'uploads/UP2' } } } }, { tenant: 'acme' }, deps);
    await deps.store.delete(keys.uploadKey('acme', 'UP2')); // the upload vanished after the schedule was made
    const s = new LocalScheduler(deps, { tickMs: 60_000 });
    await s.start();
    advance(60_000);
    await s.tick();
    await s.stop();
    expect(s.fired).toHaveLength(1);
    expect(s.fired[0].error).toMatch(/upload/);
    expect(logs.some((l) => l.level === 'error')).toBe(true);
    expect((await getSchedule(rec.id, { tenant: 'acme' }, deps)).next).toBe('2026-01-15T10:02:00.000Z');
  });
});
