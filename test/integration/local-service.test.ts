/**
 * The local service end to end over HTTP on 127.0.0.1 (DESIGN §9): submit → progress → succeeded → result, cancel,
 * bad input, tenants, idempotency, a killed worker, and a restart with jobs in flight. Worker processes run the
 * test-only solver module (test/support/test-solvers.ts) so that faults can be staged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, waitFor, type TestService } from '../support/local-service.js';

const A = { shape: [2, 2], data: [1, 0, 0, 1] };
const spec = (tags: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  solver: 'bcd',
  problem: { kind: 'least-squares', A, b: [1, 2] },
  tags,
  ...extra,
});

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  await svc.auth.add('sk_other_tenant_key_987654', 'other');
});
afterAll(async () => {
  await svc?.close();
});

const status = async (id: string) => (await svc.call('GET', `/v1/jobs/${id}`)).json;
const until = (id: string, states: string[]) => waitFor(async () => {
  const s = await status(id);
  return states.includes(s.status) ? s : undefined;
});

describe('local service over HTTP', () => {
  it('serves health, the OpenAPI document and the solver catalog', async () => {
    expect((await svc.call('GET', '/healthz')).json.ok).toBe(true);
    const doc = (await svc.call('GET', '/openapi.json')).json;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/jobs', '/v1/jobs/{id}', '/v1/jobs/{id}/result', '/v1/jobs/{id}/cancel', '/v1/uploads', '/v1/schedules', '/v1/solvers']));
    const cat = (await svc.call('GET', '/v1/solvers', undefined, {}, 'none')).json;
    expect(cat.solvers.map((s: { name: string }) => s.name)).toEqual(['bcd', 'bilevel', 'root', 'fdr']);
  });

  it('refuses requests without a valid key (401)', async () => {
    const r = await svc.call('GET', '/v1/jobs', undefined, {}, 'wrong-key');
    expect(r.status).toBe(401);
    expect(r.json.error.code).toBe('unauthorized');
  });

  it('submit → progress visible → succeeded → result', async () => {
    const sub = await svc.call('POST', '/v1/jobs', spec({ behavior: 'sleep', ms: '2500' }, { seed: 7, name: 'progress run' }));
    expect(sub.status).toBe(202);
    expect(sub.json).toMatchObject({ status: 'queued', links: { self: `/v1/jobs/${sub.json.id}` } });
    const id = sub.json.id;
    const running = await waitFor(async () => {
      const s = await status(id);
      return s.status === 'running' && s.progress?.iteration > 0 ? s : undefined;
    });
    expect(running.progress.objective).toBeGreaterThan(0);
    expect((await svc.call('GET', `/v1/jobs/${id}/result`)).status).toBe(409);
    const done = await until(id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.name).toBe('progress run');
    const res = await svc.call('GET', `/v1/jobs/${id}/result`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ solver: 'bcd', stop: 'max_iterations', seed: 7, backend: 'cpu' });
    expect(res.json.iterations).toBeGreaterThan(5);
    expect(res.json.history.length).toBe(res.json.iterations);
    expect(res.json.solverVersion.version).toMatch(/\d+\.\d+\.\d+/);
    expect(res.json.artifacts[0]).toMatchObject({ name: 'x.npy', dtype: 'float64', shape: [3] });
    const art = await fetch(svc.url + res.json.artifacts[0].url, { headers: { authorization: `Bearer ${svc.apiKey}` } });
    const bytes = new Uint8Array(await art.arrayBuffer());
    expect(String.fromCharCode(...bytes.slice(1, 6))).toBe('NUMPY');
  });

  it('same seed ⇒ same result; the rng is seeded per job', async () => {
    const a = (await svc.call('POST', '/v1/jobs', spec({}, { seed: 42 }))).json.id;
    const b = (await svc.call('POST', '/v1/jobs', spec({}, { seed: 42 }))).json.id;
    await until(a, ['succeeded']);
    await until(b, ['succeeded']);
    const ra = (await svc.call('GET', `/v1/jobs/${a}/result`)).json;
    const rb = (await svc.call('GET', `/v1/jobs/${b}/result`)).json;
    expect(ra.draw).toBe(rb.draw);
  });

  it('invalid spec → 400 listing every issue with its JSON path; nothing stored', async () => {
    const before = (await svc.call('GET', '/v1/jobs?limit=100')).json.jobs.length;
    const r = await svc.call('POST', '/v1/jobs', { solver: 'bcd', problem: { kind: 'lasso', A: { shape: [2, 2], data: [1, 2, 3] }, b: [1, 'x'], lambda: -1 }, seed: -3 });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_spec');
    const paths = r.json.error.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['problem.A.data', 'problem.b.1', 'problem.lambda', 'seed']));
    const unknown = await svc.call('POST', '/v1/jobs', { solver: 'nope', problem: {} });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.issues[0].path).toBe('solver');
    const malformed = await svc.call('POST', '/v1/jobs', '{"solver": ');
    expect(malformed.status).toBe(400);
    expect((await svc.call('GET', '/v1/jobs?limit=100')).json.jobs.length).toBe(before);
  });

  it('dry run validates and sizes without storing or running', async () => {
    const before = (await svc.call('GET', '/v1/jobs?limit=100')).json.jobs.length;
    const r = await svc.call('POST', '/v1/jobs?dryRun=true', spec());
    expect(r.status).toBe(200);
    expect(r.json.valid).toBe(true);
    expect(r.json.resources.memoryMiB).toBeGreaterThan(0);
    expect((await svc.call('GET', '/v1/jobs?limit=100')).json.jobs.length).toBe(before);
  });

  it('a body over the inline limit → 413 naming the limit', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024 + 10);
    const r = await svc.call('POST', '/v1/jobs', { solver: 'bcd', pad: big });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe('too_large');
    expect(r.json.error.limit).toBe(5 * 1024 * 1024);
  });

  it('unknown id → 404; another tenant’s job → 404 on every endpoint', async () => {
    expect((await svc.call('GET', '/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
    expect((await svc.call('GET', '/v1/jobs/../../etc')).status).toBe(404);
    const id = (await svc.call('POST', '/v1/jobs', spec())).json.id;
    const other = 'sk_other_tenant_key_987654';
    expect((await svc.call('GET', `/v1/jobs/${id}`, undefined, {}, other)).status).toBe(404);
    expect((await svc.call('GET', `/v1/jobs/${id}/result`, undefined, {}, other)).status).toBe(404);
    expect((await svc.call('POST', `/v1/jobs/${id}/cancel`, undefined, {}, other)).status).toBe(404);
    const list = (await svc.call('GET', '/v1/jobs?limit=100', undefined, {}, other)).json;
    expect(list.jobs.map((j: { id: string }) => j.id)).not.toContain(id);
    await until(id, ['succeeded']);
  });

  it('Idempotency-Key: same body ⇒ one job (also under concurrent duplicates); other body ⇒ 409', async () => {
    const body = spec({}, { name: 'idem' });
    const first = await svc.call('POST', '/v1/jobs', body, { 'idempotency-key': 'key-1' });
    const second = await svc.call('POST', '/v1/jobs', body, { 'idempotency-key': 'key-1' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);
    const conflict = await svc.call('POST', '/v1/jobs', spec({}, { name: 'other' }), { 'idempotency-key': 'key-1' });
    expect(conflict.status).toBe(409);
    const burst = await Promise.all(Array.from({ length: 8 }, () => svc.call('POST', '/v1/jobs', body, { 'idempotency-key': 'key-2' })));
    expect(new Set(burst.map((r) => r.json.id)).size).toBe(1);
    expect(burst.filter((r) => r.status === 202)).toHaveLength(1);
  });

  it('cancel: a queued job ends cancelled at once, a running one is stopped, a finished one answers 409', async () => {
    const blockers = [];
    for (let i = 0; i < 2; i++) blockers.push((await svc.call('POST', '/v1/jobs', spec({ behavior: 'sleep', ms: '4000' }))).json.id);
    const queued = (await svc.call('POST', '/v1/jobs', spec({ behavior: 'sleep', ms: '4000' }))).json.id;
    const c1 = await svc.call('POST', `/v1/jobs/${queued}/cancel`);
    expect(c1.status).toBe(202);
    const s1 = await until(queued, ['cancelled']);
    expect(s1.startedAt).toBeUndefined();
    await until(blockers[0], ['running']);
    const c2 = await svc.call('POST', `/v1/jobs/${blockers[0]}/cancel`);
    expect(c2.status).toBe(202);
    const s2 = await until(blockers[0], ['cancelled', 'succeeded', 'failed']);
    expect(s2.status).toBe('cancelled');
    const done = await until(blockers[1], ['succeeded']);
    expect((await svc.call('POST', `/v1/jobs/${done.id}/cancel`)).status).toBe(409);
    expect((await status(done.id)).status).toBe('succeeded');
  });

  it('a worker killed with SIGKILL ends its job failed with the reason', async () => {
    const id = (await svc.call('POST', '/v1/jobs', spec({ behavior: 'sleep', ms: '20000' }))).json.id;
    await until(id, ['running']);
    const pid = await waitFor(async () => svc.queue.pidOf(id));
    process.kill(pid, 'SIGKILL');
    const s = await until(id, ['failed']);
    expect(s.error.code).toBe('worker_crashed');
    expect(s.error.message).toContain('SIGKILL');
  });

  it('solver errors and process exits end the job failed with the reason', async () => {
    const a = (await svc.call('POST', '/v1/jobs', spec({ behavior: 'throw' }))).json.id;
    const b = (await svc.call('POST', '/v1/jobs', spec({ behavior: 'exit' }))).json.id;
    const sa = await until(a, ['failed']);
    expect(sa.error).toEqual({ code: 'solver_error', message: 'the test solver failed on purpose' });
    const sb = await until(b, ['failed']);
    expect(sb.error.message).toContain('code 3');
    expect((await svc.call('GET', `/v1/jobs/${a}/result`)).status).toBe(409);
  });

  it('root: a later job samples from an earlier job’s trained bridge (same seed ⇒ same candidates); bad references → 400', async () => {
    const problem = { kind: 'benchmark', task: 'quadratic', dim: 2 };
    const options = { epochs: 2, functionsPerEpoch: 1, startPoints: 32, gpRows: 100, gradientSteps: 5, stepSize: 0.05, hidden: 16, batchSize: 16, accumulate: 1, samplingSteps: 10, candidates: 4 };
    const first = (await svc.call('POST', '/v1/jobs', { solver: 'root', problem, options, seed: 2 })).json.id;
    const busy = (await svc.call('POST', '/v1/jobs', { ...spec({ behavior: 'sleep', ms: '3000' }) })).json.id;
    await until(first, ['succeeded']);
    const later = { solver: 'root', problem, options: { samplingSteps: 10, candidates: 4, bridge: { job: first } }, seed: 2 };
    const id = (await svc.call('POST', '/v1/jobs', later)).json.id;
    expect((await until(id, ['succeeded', 'failed'])).status).toBe('succeeded');
    const [a, b] = await Promise.all([first, id].map(async (j) => (await svc.call('GET', `/v1/jobs/${j}/result`)).json));
    expect(b.candidates).toEqual(a.candidates);
    expect(b.training).toEqual({ bridgeFrom: first });
    const refuse = async (job: string, key?: string) => {
      const r = await svc.call('POST', '/v1/jobs', { ...later, options: { ...later.options, bridge: { job } } }, {}, key);
      expect(r.status).toBe(400);
      expect(r.json.error.issues[0].path).toBe('options.bridge.job');
      return r.json.error.issues[0].message as string;
    };
    expect(await refuse('01ARZ3NDEKTSV4RRFFQ69G5FAV')).toMatch(/no job/);
    expect(await refuse(first, 'sk_other_tenant_key_987654')).toMatch(/no job/); // another tenant's job is not visible
    expect(await refuse(busy)).toMatch(/bcd job/);
    await until(busy, ['succeeded']);
  });

  it('lists the caller’s jobs newest first with a cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await svc.call('POST', '/v1/jobs', spec({}, { name: `list-${i}` }))).json.id);
    const p1 = (await svc.call('GET', '/v1/jobs?limit=3')).json;
    expect(p1.jobs.map((j: { id: string }) => j.id)).toEqual(ids.slice(2).reverse());
    const p2 = (await svc.call('GET', `/v1/jobs?limit=2&cursor=${p1.next}`)).json;
    expect(p2.jobs.map((j: { id: string }) => j.id)).toEqual(ids.slice(0, 2).reverse());
    for (const id of ids) await until(id, ['succeeded']);
    const succeeded = (await svc.call('GET', '/v1/jobs?status=succeeded&limit=100')).json.jobs;
    expect(succeeded.every((j: { status: string }) => j.status === 'succeeded')).toBe(true);
    expect((await svc.call('GET', '/v1/jobs?limit=0')).status).toBe(400);
  });
});

describe('restart', () => {
  it('jobs queued or running when the server stops run after it starts again', async () => {
    const first = await startTestService({ concurrency: 1 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await first.call('POST', '/v1/jobs', spec({ behavior: 'sleep', ms: '1500' }))).json.id);
    await waitFor(async () => ((await first.call('GET', `/v1/jobs/${ids[0]}`)).json.status === 'running' ? true : undefined));
    await first.close();
    const states = await Promise.all(ids.map(async (id) => (await fetch(`${first.url}/v1/jobs/${id}`).catch(() => undefined))?.status));
    expect(states.every((s) => s === undefined)).toBe(true); // the server is down
    const second = await startTestService({ dataRoot: first.dataRoot, concurrency: 2 });
    try {
      expect(second.recovered.requeued + second.recovered.resumed).toBe(3);
      for (const id of ids) {
        const s = await waitFor(async () => {
          const r = (await second.call('GET', `/v1/jobs/${id}`)).json;
          return ['succeeded', 'failed', 'cancelled'].includes(r.status) ? r : undefined;
        });
        expect(s.status).toBe('succeeded');
      }
    } finally {
      await second.close();
    }
  });
});
