/**
 * SDK client against a scripted fake fetch: request shapes (auth, JSON, idempotency key, query), typed errors from
 * the error envelope, contract checks on answers, retries of idempotent calls only, polling with back-off and
 * AbortSignal, pagination, the upload flow (auth header only to the API's origin) and .npy artifacts.
 */
import { describe, expect, it } from 'vitest';
import { SolventApiError, SolventClient, SolventJobError, SolventProtocolError, encodeNpy, type FetchLike, type JobSpecInput } from '../../sdk/index.js';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  at: number;
}

type Route = (call: Call) => Response | Promise<Response>;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const links = (id: string) => ({ self: `/v1/jobs/${id}`, result: `/v1/jobs/${id}/result`, cancel: `/v1/jobs/${id}/cancel` });
const record = (id: string, status: string, iteration?: number) => ({
  id,
  solver: 'bcd',
  status,
  createdAt: '2026-01-01T00:00:00.000Z',
  links: links(id),
  ...(iteration !== undefined ? { progress: { iteration, objective: 1 / (iteration + 1), elapsedMs: iteration * 10 } } : {}),
});

function fake(route: Route) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (input, init = {}) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const body = typeof init.body === 'string' ? init.body : init.body instanceof Uint8Array ? new TextDecoder().decode(init.body) : undefined;
    const call = { method: init.method ?? 'GET', url: input, headers, body, at: Date.now() };
    calls.push(call);
    if (init.signal?.aborted) throw init.signal.reason;
    return route(call);
  };
  return { calls, fetch };
}

const SPEC = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, 1], data: [2] }, b: [4] } } satisfies JobSpecInput;

describe('SolventClient requests', () => {
  it('sends the key, JSON body and idempotency key, and types the submitted job', async () => {
    const { calls, fetch } = fake(() => json(202, { id: 'J1', status: 'queued', links: links('J1') }));
    const client = new SolventClient({ url: 'http://api.test/', apiKey: 'k123', fetch });
    const job = await client.submit(SPEC, { idempotencyKey: 'idem-1' });
    expect(job).toMatchObject({ id: 'J1', solver: 'bcd', created: true, status: 'queued' });
    expect(calls[0]).toMatchObject({ method: 'POST', url: 'http://api.test/v1/jobs' });
    expect(calls[0].headers).toMatchObject({ authorization: 'Bearer k123', 'content-type': 'application/json', 'idempotency-key': 'idem-1' });
    expect(JSON.parse(calls[0].body!)).toEqual(SPEC);
  });

  it('reports an existing job for a repeated idempotency key (200) as not created', async () => {
    const { fetch } = fake(() => json(200, { id: 'J1', status: 'running', links: links('J1') }));
    const job = await new SolventClient({ url: 'http://api.test', fetch }).submit(SPEC, { idempotencyKey: 'x' });
    expect(job.created).toBe(false);
  });

  it('turns the error envelope into SolventApiError with status, code and issues', async () => {
    const issues = [
      { path: 'problem.A.shape', message: 'bad shape' },
      { path: 'options.maxIterations', message: 'too small' },
    ];
    const { fetch } = fake(() => json(400, { error: { code: 'invalid_spec', message: 'invalid job spec: 2 issue(s)', issues } }));
    const client = new SolventClient({ url: 'http://api.test', fetch });
    const err = await client.dryRun(SPEC).catch((e) => e);
    expect(err).toBeInstanceOf(SolventApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_spec', issues });
    expect(err.describe()).toContain('problem.A.shape: bad shape');
    const big = fake(() => json(413, { error: { code: 'too_large', message: 'too big', limit: 5242880 } }));
    expect(await new SolventClient({ url: 'http://api.test', fetch: big.fetch }).submit(SPEC).catch((e) => e)).toMatchObject({ status: 413, code: 'too_large', limit: 5242880 });
    const plain = fake(() => new Response('gateway exploded', { status: 500 }));
    expect(await new SolventClient({ url: 'http://api.test', fetch: plain.fetch }).get('J1').catch((e) => e)).toMatchObject({
      status: 500,
      code: 'http_500',
      message: 'gateway exploded',
    });
  });

  it('rejects answers that break the contract', async () => {
    const { fetch } = fake(() => json(200, { id: 'J1', status: 'sleeping' }));
    const err = await new SolventClient({ url: 'http://api.test', fetch }).get('J1').catch((e) => e);
    expect(err).toBeInstanceOf(SolventProtocolError);
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['status', 'links']));
  });

  it('retries idempotent requests on 503 but never a plain POST', async () => {
    let n = 0;
    const flaky = fake(() => (++n < 3 ? json(503, { error: { code: 'internal', message: 'busy' } }) : json(200, record('J1', 'queued'))));
    const client = new SolventClient({ url: 'http://api.test', fetch: flaky.fetch, retryDelayMs: 1 });
    await expect(client.get('J1')).resolves.toMatchObject({ id: 'J1' });
    expect(flaky.calls).toHaveLength(3);
    const post = fake(() => json(503, { error: { code: 'internal', message: 'busy' } }));
    await expect(new SolventClient({ url: 'http://api.test', fetch: post.fetch, retryDelayMs: 1 }).submit(SPEC)).rejects.toMatchObject({ status: 503 });
    expect(post.calls).toHaveLength(1);
  });

  it('pages through list with cursors', async () => {
    const { calls, fetch } = fake((c) => {
      const cursor = new URL(c.url).searchParams.get('cursor');
      if (!cursor) return json(200, { jobs: [record('J3', 'queued'), record('J2', 'running')], next: 'c1' });
      if (cursor === 'c1') return json(200, { jobs: [record('J1', 'succeeded')] });
      return json(400, { error: { code: 'invalid_request', message: 'bad cursor' } });
    });
    const client = new SolventClient({ url: 'http://api.test', fetch });
    const ids: string[] = [];
    for await (const j of client.listAll({ limit: 2, status: 'queued' })) ids.push(j.id);
    expect(ids).toEqual(['J3', 'J2', 'J1']);
    expect(new URL(calls[0].url).searchParams.get('limit')).toBe('2');
    expect(new URL(calls[0].url).searchParams.get('status')).toBe('queued');
  });
});

describe('SolventClient polling', () => {
  it('yields each change once, backs off while nothing changes, and ends at a terminal state', async () => {
    const script = ['queued', 'queued', 'queued', 'queued', 'running:1', 'running:1', 'running:2', 'succeeded:3'];
    let i = 0;
    const { calls, fetch } = fake(() => {
      const [status, it] = script[Math.min(i++, script.length - 1)].split(':');
      return json(200, record('J1', status, it === undefined ? undefined : Number(it)));
    });
    const client = new SolventClient({ url: 'http://api.test', fetch });
    const seen: string[] = [];
    for await (const r of client.progress('J1', { intervalMs: 10, maxIntervalMs: 200, backoff: 2 })) seen.push(`${r.status}:${r.progress?.iteration ?? ''}`);
    expect(seen).toEqual(['queued:', 'running:1', 'running:2', 'succeeded:3']);
    expect(calls).toHaveLength(script.length);
    // While queued the gaps grow (10 → 20 → 40 ms); the change to running resets the interval.
    const gaps = calls.slice(1).map((c, k) => c.at - calls[k].at);
    expect(gaps[2]).toBeGreaterThan(gaps[0]);
    expect(gaps[4]).toBeLessThan(gaps[3]);
  });

  it('wait() stops promptly on abort', async () => {
    const { fetch } = fake(() => json(200, record('J1', 'running', 1)));
    const client = new SolventClient({ url: 'http://api.test', fetch });
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(new Error('user gave up')), 50);
    await expect(client.wait('J1', { signal: ac.signal, intervalMs: 5000 })).rejects.toThrow('user gave up');
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('run() returns the typed result, or throws SolventJobError for a failed job', async () => {
    const result = {
      solver: 'bcd',
      stop: 'converged',
      iterations: 3,
      elapsedMs: 1,
      history: [],
      solverVersion: { version: '0.1.0', commit: 'abc' },
      backend: 'cpu',
      seed: 0,
      options: {},
      startedAt: 'a',
      finishedAt: 'b',
      artifacts: [],
      x: [2],
      objective: 0,
      optimality: 0,
    };
    const ok = fake((c) => {
      if (c.method === 'POST') return json(202, { id: 'J1', status: 'queued', links: links('J1') });
      if (c.url.endsWith('/result')) return json(200, result);
      return json(200, record('J1', 'succeeded', 3));
    });
    const r = await new SolventClient({ url: 'http://api.test', fetch: ok.fetch }).run(SPEC, { intervalMs: 1 });
    expect(r.x).toEqual([2]); // typed as BcdResult
    const bad = fake((c) =>
      c.method === 'POST' ? json(202, { id: 'J2', status: 'queued', links: links('J2') }) : json(200, { ...record('J2', 'failed'), error: { code: 'solver_error', message: 'Q is not positive definite' } }),
    );
    const err = await new SolventClient({ url: 'http://api.test', fetch: bad.fetch }).run(SPEC, { intervalMs: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(SolventJobError);
    expect(err.message).toContain('Q is not positive definite');
  });
});

describe('SolventClient uploads and artifacts', () => {
  it('uploads a large problem first and submits its ref; the key goes only to the API origin', async () => {
    const { calls, fetch } = fake((c) => {
      if (c.url.endsWith('/v1/uploads')) return json(201, { ref: 'uploads/U1', uploadUrl: 'https://bucket.s3.test/u/U1?sig=1', expiresAt: 'x' });
      if (c.method === 'PUT') return new Response(null, { status: 200 });
      return json(202, { id: 'J1', status: 'queued', links: links('J1') });
    });
    const client = new SolventClient({ url: 'http://api.test', apiKey: 'secret', fetch });
    const n = 700_000; // ~6 MB of JSON: above the 5 MB inline limit
    const big = { solver: 'bcd' as const, problem: { kind: 'least-squares' as const, A: { shape: [n, 1] as [number, number], data: new Array(n).fill(0.123456) }, b: new Array(n).fill(1) } };
    await client.submit(big);
    expect(calls.map((c) => `${c.method} ${new URL(c.url).host}${new URL(c.url).pathname}`)).toEqual([
      'POST api.test/v1/uploads',
      'PUT bucket.s3.test/u/U1',
      'POST api.test/v1/jobs',
    ]);
    expect(calls[1].headers.authorization).toBeUndefined();
    expect(JSON.parse(calls[1].body!).A.shape).toEqual([n, 1]);
    expect(JSON.parse(calls[2].body!).problem).toEqual({ ref: 'uploads/U1' });
    // Small specs go inline; a relative (local) upload URL gets the key.
    const local = fake((c) => (c.url.endsWith('/v1/uploads') ? json(201, { ref: 'uploads/U2', uploadUrl: '/v1/uploads/U2', expiresAt: 'x' }) : json(200, {})));
    const c2 = new SolventClient({ url: 'http://api.test', apiKey: 'secret', fetch: local.fetch });
    expect(await c2.uploads.upload({ kind: 'grid' })).toEqual({ ref: 'uploads/U2' });
    expect(local.calls[1]).toMatchObject({ method: 'PUT', url: 'http://api.test/v1/uploads/U2' });
    expect(local.calls[1].headers.authorization).toBe('Bearer secret');
  });

  it('downloads and parses .npy artifacts', async () => {
    const bytes = encodeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const { fetch } = fake(() => new Response(bytes as unknown as BodyInit, { status: 200 }));
    const a = await new SolventClient({ url: 'http://api.test', fetch }).artifact({ name: 'u.npy', dtype: 'float64', shape: [2, 3], url: '/v1/jobs/J1/artifacts/u.npy' });
    expect(a.shape).toEqual([2, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('manages schedules', async () => {
    const sched = { id: 'S1', rate: '1 hour', enabled: true, spec: SPEC, createdAt: 'c', next: 'n' };
    const { calls, fetch } = fake((c) => {
      if (c.method === 'POST') return json(201, sched);
      if (c.method === 'DELETE') return json(200, { id: 'S1', deleted: true });
      if (c.url.endsWith('/v1/schedules')) return json(200, { schedules: [sched] });
      return json(200, sched);
    });
    const client = new SolventClient({ url: 'http://api.test', fetch });
    expect(await client.schedules.create({ rate: '1 hour', spec: SPEC })).toEqual(sched);
    expect(await client.schedules.list()).toEqual([sched]);
    expect(await client.schedules.get('S1')).toEqual(sched);
    await client.schedules.delete('S1');
    expect(calls.map((c) => `${c.method} ${new URL(c.url).pathname}`)).toEqual(['POST /v1/schedules', 'GET /v1/schedules', 'GET /v1/schedules/S1', 'DELETE /v1/schedules/S1']);
  });
});
