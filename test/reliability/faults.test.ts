/**
 * Faults (DESIGN §4, §5): a solver that throws, a solver past its time limit, a full disk at every write of a
 * submit and of a run, truncated or garbage status/spec/result/progress/idempotency/schedule documents, and the
 * restart path (ProcessQueue.recover) over corrupt status files. Every job ends in a documented state with a
 * reason, every API answer is an envelope (5xx only where the store itself fails), and the job list stays whole.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProcessQueue } from '../../functions/local/process-queue.js';
import { runJob, type WorkerDeps } from '../../functions/worker/run-job.js';
import { createJsonLogger } from '../../functions/json-logger.js';
import { JobStore, SolverError, keys, ulidTimeMs, validateSpec, type Body, type JobSpec, type ListOptions, type ObjectStore, type PutOptions } from '../../shared/index.js';
import { resourcesFor, type Solver } from '../../solvers/registry.js';
import { createKernels } from '../../solvers/kernels/registry.js';
import type { RunContext, SolverOutput } from '../../solvers/core/types.js';
import { MemoryStore } from '../support/memory-store.js';
import { expectEnvelope, fsSandbox, makeHarness, type Harness } from './harness.js';

const problem = { kind: 'least-squares', A: { shape: [2, 2], data: [1, 0, 0, 1] }, b: [1, 2] };
const spec = (name = 'job') => ({ solver: 'bcd', problem, name, backend: 'cpu' });

function enospc(): NodeJS.ErrnoException {
  const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
  e.code = 'ENOSPC';
  return e;
}

/** An ObjectStore whose writes fail with ENOSPC when `full(key, n)` says so (n counts writes from 0). */
class FullDiskStore implements ObjectStore {
  writes = 0;
  constructor(
    readonly inner: ObjectStore,
    public full: (key: string, n: number) => boolean = () => false,
  ) {}
  private check(key: string): void {
    if (this.full(key, this.writes++)) throw enospc();
  }
  get(key: string) {
    return this.inner.get(key);
  }
  head(key: string) {
    return this.inner.head(key);
  }
  async put(key: string, body: Body, o?: PutOptions) {
    this.check(key);
    return this.inner.put(key, body, o);
  }
  async putIfAbsent(key: string, body: Body, o?: PutOptions) {
    this.check(key);
    return this.inner.putIfAbsent(key, body, o);
  }
  list(prefix: string, o?: ListOptions) {
    return this.inner.list(prefix, o);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  presign(key: string, method: 'GET' | 'PUT', expiresS: number) {
    return this.inner.presign(key, method, expiresS);
  }
}

type Behavior = (spec: JobSpec, ctx: RunContext) => Promise<SolverOutput>;
const fakeSolver = (run: Behavior): Solver<JobSpec> => ({ name: 'bcd', schema: undefined as never, resources: () => ({ gpu: false, vcpus: 1, memoryMiB: 64, timeoutS: 1 }), run });
const ok: Behavior = async (_s, ctx) => {
  ctx.progress({ iteration: 1, objective: 1, elapsedMs: 1 });
  await ctx.artifacts.write('x.npy', new Float64Array([1, 2]), [2]);
  return { stop: 'converged', iterations: 1, history: [{ iteration: 1, objective: 1 }], options: {}, x: [1, 2] };
};

const cpu = createKernels('cpu');
function workerDeps(h: Harness, run: Behavior, store: ObjectStore = h.store): WorkerDeps & { logLines: string[] } {
  const logLines: string[] = [];
  return {
    store,
    now: () => h.deps.clock.now(),
    log: createJsonLogger((l) => logLines.push(l)),
    solverVersion: { version: '0.0.0', commit: 'test' },
    solverOverride: async () => fakeSolver(run),
    kernels: () => cpu,
    cancelPollMs: 20,
    logLines,
  };
}

async function submit(h: Harness, name = 'job'): Promise<string> {
  const a = await h.request('POST', '/v1/jobs', { body: spec(name) });
  expect(a.status).toBe(202);
  return a.json.id;
}
const T = 'alpha';
const get = async (h: Harness, id: string) => h.request('GET', `/v1/jobs/${id}`);
const listIds = async (h: Harness) => ((await h.request('GET', '/v1/jobs?limit=100')).json.jobs as { id: string; status: string }[]);
const activeCount = (h: Harness) => new JobStore(h.store).countActive(T, 100, false);

afterEach(() => {
  vi.useRealTimers();
});

describe('solver faults', () => {
  it('a solver that throws ends the job failed with its reason; result answers 409; no active marker left', async () => {
    const h = makeHarness();
    for (const [err, code] of [
      [new SolverError('matrix is singular'), 'solver_error'],
      [new TypeError('x is not a function'), 'internal'],
    ] as const) {
      const id = await submit(h);
      const end = await runJob({ tenant: T, jobId: id }, workerDeps(h, async () => Promise.reject(err)));
      expect(end?.status).toBe('failed');
      const g = await get(h, id);
      expect(g.json.status).toBe('failed');
      expect(g.json.error.code).toBe(code);
      expect(g.json.error.message).toContain(err.message);
      const r = await h.request('GET', `/v1/jobs/${id}/result`);
      expect(r.status).toBe(409);
      expectEnvelope(r);
      expect(r.json.error.message).toContain(err.message);
    }
    expect(await activeCount(h)).toBe(0);
  });

  it('a solver past its time limit ends failed with code timeout (cooperative or not)', async () => {
    const h = makeHarness();
    const limitMs = resourcesFor(validateSpec(spec())).timeoutS * 1000;
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    // cooperative: stops when the signal aborts
    const coop: Behavior = (_s, ctx) =>
      new Promise((res) => ctx.signal.addEventListener('abort', () => res({ stop: 'cancelled', iterations: 3, history: [], options: {} }), { once: true }));
    // stubborn: ignores the signal and returns a normal result late
    const stubborn: Behavior = () => new Promise((res) => setTimeout(() => res({ stop: 'converged', iterations: 9, history: [], options: {} }), limitMs + 5000));
    for (const run of [coop, stubborn]) {
      const id = await submit(h);
      const p = runJob({ tenant: T, jobId: id }, workerDeps(h, run));
      await vi.advanceTimersByTimeAsync(limitMs + 6000);
      const end = await p;
      expect(end?.status).toBe('failed');
      expect(end?.error?.code).toBe('timeout');
      expect((await get(h, id)).json.error.message).toMatch(/time limit/);
      expect(await h.store.head(keys.resultKey(T, id))).toBeUndefined();
    }
  });
});

describe('disk full', () => {
  it('on submit: every failing write gives an envelope, no job half-created, nothing queued', async () => {
    for (let n = 0; n < 4; n++) {
      const store = new FullDiskStore(new MemoryStore());
      const h = makeHarness({ store });
      await submit(h, 'before'); // 4 writes
      const before = store.writes;
      store.full = (_k, i) => i === before + n;
      const a = await h.request('POST', '/v1/jobs', { body: spec('during') });
      expect(a.status, `write ${n}`).toBeGreaterThanOrEqual(500);
      expectEnvelope(a);
      expect(a.json.error.message).toMatch(/storage|space/i);
      store.full = () => false;
      const jobs = await listIds(h);
      expect(jobs).toHaveLength(1);
      expect(h.queue.submitted).toHaveLength(1);
      // no status document without a listing entry (such a job would be invisible yet run after a restart)
      const statuses = (await store.list('tenants/')).keys.filter((k) => k.endsWith('/status.json'));
      expect(statuses).toHaveLength(1);
      expect(await activeCount(h)).toBe(1);
      expect((await h.request('POST', '/v1/jobs', { body: spec('after') })).status).toBe(202);
    }
  });

  it('on submit with an Idempotency-Key: the retry after the failure creates the job (the key is not left dangling)', async () => {
    const store = new FullDiskStore(new MemoryStore());
    const h = makeHarness({ store });
    const headers = { 'idempotency-key': 'retry-me' };
    store.full = (k) => k.endsWith('/status.json');
    const a = await h.request('POST', '/v1/jobs', { body: spec(), headers });
    expect(a.status).toBe(503);
    store.full = () => false;
    const b = await h.request('POST', '/v1/jobs', { body: spec(), headers });
    expect(b.status).toBe(202);
    expect((await get(h, b.json.id)).status).toBe(200);
    const c = await h.request('POST', '/v1/jobs', { body: spec(), headers });
    expect(c.status).toBe(200);
    expect(c.json.id).toBe(b.json.id);
  });

  it('a queue that refuses the job: the job is listed failed with enqueue_failed, nothing stays active', async () => {
    const h = makeHarness();
    h.queue.failNext = true;
    const a = await h.request('POST', '/v1/jobs', { body: spec() });
    expect(a.status).toBe(500);
    expectEnvelope(a);
    const jobs = await listIds(h);
    expect(jobs.map((j) => j.status)).toEqual(['failed']);
    expect((await get(h, jobs[0].id)).json.error.code).toBe('enqueue_failed');
    expect(await activeCount(h)).toBe(0);
  });

  it('on the result write: the job ends failed with the reason, never succeeded without a result', async () => {
    const store = new FullDiskStore(new MemoryStore());
    const h = makeHarness({ store });
    const id = await submit(h);
    store.full = (k) => k.endsWith('/result.json');
    const end = await runJob({ tenant: T, jobId: id }, workerDeps(h, ok, store));
    expect(end?.status).toBe('failed');
    expect(end?.error?.message).toMatch(/ENOSPC|space/);
    const r = await h.request('GET', `/v1/jobs/${id}/result`);
    expect(r.status).toBe(409);
    expectEnvelope(r);
  });

  it('on artifacts: failed with the reason; on progress: the job still succeeds', async () => {
    const store = new FullDiskStore(new MemoryStore());
    const h = makeHarness({ store });
    const a = await submit(h);
    store.full = (k) => k.includes('/artifacts/');
    expect((await runJob({ tenant: T, jobId: a }, workerDeps(h, ok, store)))?.status).toBe('failed');
    const b = await submit(h);
    store.full = (k) => k.endsWith('/progress.json');
    expect((await runJob({ tenant: T, jobId: b }, workerDeps(h, ok, store)))?.status).toBe('succeeded');
    expect((await h.request('GET', `/v1/jobs/${b}/result`)).status).toBe(200);
  });

  it('at every write of a run: the job ends terminal with a reason, or is left running/queued and a restart completes it', async () => {
    const probe = new FullDiskStore(new MemoryStore());
    const hp = makeHarness({ store: probe });
    const pid = await submit(hp);
    const w0 = probe.writes;
    await runJob({ tenant: T, jobId: pid }, workerDeps(hp, ok, probe));
    const runWrites = probe.writes - w0;
    expect(runWrites).toBeGreaterThan(3);
    for (let n = 0; n < runWrites; n++) {
      for (const permanent of [false, true]) {
        const sb = fsSandbox();
        const store = new FullDiskStore(sb.store);
        const h = makeHarness({ store });
        const id = await submit(h);
        const start = store.writes;
        store.full = (_k, i) => (permanent ? i >= start + n : i === start + n);
        const end = await runJob({ tenant: T, jobId: id }, workerDeps(h, ok, store)).catch((e: Error) => e);
        store.full = () => false;
        const st = (await get(h, id)).json;
        const ctx = `write ${n} ${permanent ? 'onwards' : 'only'}: ${JSON.stringify(st)} ${end instanceof Error ? end.message : end?.status}`;
        if (st.status === 'succeeded') {
          expect((await h.request('GET', `/v1/jobs/${id}/result`)).status, ctx).toBe(200);
          continue;
        }
        if (st.status === 'failed') {
          expect(st.error?.message, ctx).toBeTruthy();
          continue;
        }
        // left running or queued (nothing could be written): a restart requeues it and the next run completes it
        expect(['running', 'queued'], ctx).toContain(st.status);
        const q = new ProcessQueue({ concurrency: 0, store, dataRoot: sb.root, log: createJsonLogger(() => {}), now: () => h.deps.clock.now(), prewarm: false });
        const rec = await q.recover();
        expect(rec.requeued + rec.resumed, ctx).toBe(1);
        await q.close();
        const again = await runJob({ tenant: T, jobId: id }, workerDeps(h, ok, store));
        expect(again?.status, ctx).toBe('succeeded');
      }
    }
  });

  it('cancel and uploads on a full disk answer an envelope and change nothing', async () => {
    const store = new FullDiskStore(new MemoryStore());
    const h = makeHarness({ store });
    const id = await submit(h);
    store.full = () => true;
    const c = await h.request('POST', `/v1/jobs/${id}/cancel`);
    expectEnvelope(c);
    expect(c.status).toBe(503);
    expect((await get(h, id)).json.status).toBe('queued');
    const u = await h.request('PUT', '/v1/uploads/abc', { raw: '{}' });
    expect(u.status).toBe(503);
    expectEnvelope(u);
    expect((await h.request('GET', '/v1/jobs')).status).toBe(200); // reads still work
  });
});

describe('corrupt or truncated documents', () => {
  const GARBAGE = ['', '{', '{"id":', 'null', '[]', '"x"', '{"status":"running"}', '\u0000\u0001\u0002', 'x'.repeat(1000)];

  it('status.json: GET/result/cancel answer a clear error, the list keeps the other jobs, the worker fails the job', async () => {
    for (const junk of GARBAGE) {
      const h = makeHarness();
      const good = await submit(h, 'good');
      const bad = await submit(h, 'bad');
      await h.store.put(keys.statusKey(T, bad), junk);
      for (const [m, p] of [
        ['GET', `/v1/jobs/${bad}`],
        ['GET', `/v1/jobs/${bad}/result`],
        ['POST', `/v1/jobs/${bad}/cancel`],
      ]) {
        const a = await h.request(m, p);
        expectEnvelope(a, `${m} ${p} ${JSON.stringify(junk)}`);
        expect(a.json.error.message, junk).toMatch(/corrupt/);
        expect(a.json.error.message).not.toContain('tenants/');
      }
      const l = await h.request('GET', '/v1/jobs?limit=100');
      expect(l.status).toBe(200);
      expect(l.json.jobs.map((j: { id: string }) => j.id)).toContain(good);
      // the worker ends it failed with a reason; then GET and the list show it again
      const end = await runJob({ tenant: T, jobId: bad }, workerDeps(h, ok));
      expect(end?.status, JSON.stringify(junk)).toBe('failed');
      const g = await get(h, bad);
      expect(g.status).toBe(200);
      expect(g.json).toMatchObject({ status: 'failed', solver: 'bcd', error: { code: 'corrupt_state' } });
      expect(Date.parse(g.json.createdAt)).toBe(ulidTimeMs(bad));
      expect((await listIds(h)).map((j) => j.id)).toEqual([bad, good]);
      expect(await activeCount(h)).toBe(1);
    }
  });

  it('spec.json garbage or no longer valid: the worker fails the job with a reason', async () => {
    for (const junk of ['', '{"solver":', '{"solver":"bcd","problem":{"kind":"nope"}}', 'null']) {
      const h = makeHarness();
      const id = await submit(h);
      await h.store.put(keys.specKey(T, id), junk);
      const end = await runJob({ tenant: T, jobId: id }, workerDeps(h, ok));
      expect(end?.status).toBe('failed');
      expect(end?.error?.message).toMatch(/spec/);
      expect(await activeCount(h)).toBe(0);
    }
  });

  it('result.json garbage: GET result answers a clear error; progress.json garbage is ignored', async () => {
    const h = makeHarness();
    const id = await submit(h);
    expect((await runJob({ tenant: T, jobId: id }, workerDeps(h, ok)))?.status).toBe('succeeded');
    await h.store.put(keys.resultKey(T, id), '{"solver":"bcd","stop":');
    const r = await h.request('GET', `/v1/jobs/${id}/result`);
    expectEnvelope(r);
    expect(r.json.error.message).toMatch(/corrupt/);
    await h.store.put(keys.progressKey(T, id), '{');
    const g = await get(h, id);
    expect(g.status).toBe(200);
    expect(g.json.status).toBe('succeeded');
  });

  it('a corrupt idempotency record or schedule document gives a clear error, and the schedule list survives', async () => {
    const h = makeHarness();
    const first = await h.request('POST', '/v1/jobs', { body: spec(), headers: { 'idempotency-key': 'k' } });
    expect(first.status).toBe(202);
    const rec = (await h.store.list(`${keys.tenantPrefix(T)}idempotency/`)).keys[0];
    await h.store.put(rec, '{"jobId":');
    const again = await h.request('POST', '/v1/jobs', { body: spec(), headers: { 'idempotency-key': 'k' } });
    expectEnvelope(again);
    expect(again.status).not.toBe(400); // not the caller's malformed JSON
    expect(again.json.error.message).toMatch(/corrupt/);

    const s1 = (await h.request('POST', '/v1/schedules', { body: { rate: '1 hour', spec: spec() } })).json.id;
    const s2 = (await h.request('POST', '/v1/schedules', { body: { rate: '1 hour', spec: spec() } })).json.id;
    await h.store.put(keys.scheduleKey(T, s1), '{"id":');
    const l = await h.request('GET', '/v1/schedules');
    expect(l.status).toBe(200);
    expect(l.json.schedules.map((s: { id: string }) => s.id)).toEqual([s2]);
    const g = await h.request('GET', `/v1/schedules/${s1}`);
    expectEnvelope(g);
    expect(g.json.error.message).toMatch(/corrupt/);
    expect((await h.request('DELETE', `/v1/schedules/${s1}`)).status).toBe(200);
    expect((await h.request('GET', `/v1/schedules/${s1}`)).status).toBe(404);
  });

  it('restart: recover() fails corrupt jobs with a reason, requeues the rest, and the list stays whole', async () => {
    const sb = fsSandbox();
    const h = makeHarness({ store: sb.store });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await submit(h, `r${i}`));
    const jobs = new JobStore(sb.store);
    const iso = () => new Date(h.deps.clock.now()).toISOString();
    await jobs.apply(T, ids[1], { type: 'start' }, iso); // running when the server stopped
    await sb.store.put(keys.statusKey(T, ids[2]), '{"id":"'); // truncated
    await sb.store.put(keys.statusKey(T, ids[3]), '{"id":"x","status":"warp"}'); // wrong shape
    await sb.store.delete(keys.specKey(T, ids[4])); // spec lost
    await jobs.apply(T, ids[5], { type: 'cancel' }, iso); // finished: untouched
    const log: string[] = [];
    const q = new ProcessQueue({ concurrency: 0, store: sb.store, dataRoot: sb.root, log: createJsonLogger((l) => log.push(l)), now: () => h.deps.clock.now(), prewarm: false });
    const rec = await q.recover();
    expect(rec).toEqual({ requeued: 1, resumed: 1, failed: 3 });
    expect(q.stats.pending).toBe(2);
    await q.close();
    const byId = new Map((await listIds(h)).map((j) => [j.id, j.status]));
    expect(byId.size).toBe(6);
    expect([...byId.values()].sort()).toEqual(['cancelled', 'failed', 'failed', 'failed', 'queued', 'queued']);
    for (const bad of [ids[2], ids[3], ids[4]]) {
      const g = (await get(h, bad)).json;
      expect(g.status).toBe('failed');
      expect(g.error.code).toBe('corrupt_state');
    }
    expect((await get(h, ids[4])).json.error.message).toMatch(/spec/);
    expect(log.some((l) => l.includes(ids[2]))).toBe(true);
  });
});
