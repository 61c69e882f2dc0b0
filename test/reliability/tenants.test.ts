/**
 * Tenant isolation (DESIGN §3 "a tenant never sees or touches another tenant's jobs (404, not 403)"): random
 * interleavings of two tenants' operations — submit (also with the same Idempotency-Key), get, result, cancel,
 * list, uploads (and submits naming the other's upload), schedules, artifacts — against the in-process app. The
 * other tenant's ids always answer 404, listings hold exactly the caller's entries, and no answer carries an id
 * or result that belongs to the other tenant.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobStore, keys, type ResultEnvelope } from '../../shared/index.js';
import { expectClientError, makeHarness, type Answer, type Harness } from './harness.js';

const TENANTS = ['alpha', 'beta'] as const;
type Tenant = (typeof TENANTS)[number];
const other = (t: Tenant): Tenant => (t === 'alpha' ? 'beta' : 'alpha');

const problem = { kind: 'least-squares', A: { shape: [2, 2], data: [1, 0, 0, 1] }, b: [1, 2] };
const spec = (t: Tenant, n: number) => ({ solver: 'bcd', problem, name: `${t}-job-${n}` });

type Op =
  | { op: 'submit'; t: Tenant; idem?: string }
  | { op: 'finish'; t: Tenant; pick: number }
  | { op: 'get' | 'result' | 'cancel' | 'artifact'; t: Tenant; own: boolean; pick: number }
  | { op: 'list'; t: Tenant; status?: string }
  | { op: 'upload'; t: Tenant }
  | { op: 'submitRef'; t: Tenant; own: boolean; pick: number }
  | { op: 'schedule'; t: Tenant }
  | { op: 'scheduleGet' | 'scheduleDelete'; t: Tenant; own: boolean; pick: number }
  | { op: 'scheduleList'; t: Tenant };

const tenant = fc.constantFrom<Tenant>(...TENANTS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('submit' as const), t: tenant, idem: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('finish' as const), t: tenant, pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'result' as const, 'cancel' as const, 'artifact' as const), t: tenant, own: fc.boolean(), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('list' as const), t: tenant, status: fc.option(fc.constantFrom('queued', 'succeeded', 'cancelled'), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('upload' as const), t: tenant }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('submitRef' as const), t: tenant, own: fc.boolean(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('schedule' as const), t: tenant }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('scheduleGet' as const, 'scheduleDelete' as const), t: tenant, own: fc.boolean(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('scheduleList' as const), t: tenant }) },
);

interface Model {
  jobs: Record<Tenant, string[]>;
  uploads: Record<Tenant, string[]>;
  schedules: Record<Tenant, string[]>;
  finished: Record<Tenant, Set<string>>;
  idem: Record<Tenant, Record<string, string>>;
}

function freshModel(): Model {
  return {
    jobs: { alpha: [], beta: [] },
    uploads: { alpha: [], beta: [] },
    schedules: { alpha: [], beta: [] },
    finished: { alpha: new Set(), beta: new Set() },
    idem: { alpha: {}, beta: {} },
  };
}

/** Ends a queued job as the worker would: running → result.json (marked with its tenant) → succeeded. */
async function finishJob(h: Harness, t: Tenant, id: string): Promise<boolean> {
  const jobs = new JobStore(h.store);
  const iso = () => new Date(h.deps.clock.now()).toISOString();
  const st = await jobs.readStatus(t, id);
  if (st?.status.status !== 'queued') return false;
  await jobs.apply(t, id, { type: 'start' }, iso);
  await h.store.put(keys.artifactKey(t, id, 'x.npy'), new TextEncoder().encode(`secret-of-${t}`));
  const result = { solver: 'bcd', stop: 'converged', iterations: 1, elapsedMs: 1, history: [], options: {}, tenantMarker: `secret-of-${t}`, artifacts: [{ name: 'x.npy', dtype: 'float64', shape: [1], bytes: 10 }] };
  await jobs.writeResult(t, id, result as unknown as ResultEnvelope);
  await jobs.apply(t, id, { type: 'succeed' }, iso);
  return true;
}

/** No answer to `t` mentions anything of the other tenant, except what `t` itself put in the request. */
function expectNoLeak(a: Answer, t: Tenant, m: Model, asked: string): void {
  const o = other(t);
  const foreign = [...m.jobs[o], ...m.uploads[o], ...m.schedules[o], `secret-of-${o}`, `${o}-job-`, `tenants/${o}`];
  for (const f of foreign) {
    if (asked.includes(f)) continue;
    if (a.text.includes(f)) throw new Error(`answer to ${t} leaks ${f}: ${a.text.slice(0, 200)}`);
  }
}

async function run(h: Harness, ops: Op[]): Promise<void> {
  const m = freshModel();
  let n = 0;
  const pick = (xs: string[], i: number) => (xs.length ? xs[i % xs.length] : '01ARZ3NDEKTSV4RRFFQ69G5FAV');
  for (const op of ops) {
    const t = op.t;
    const call = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const a = await h.request(method, path, { tenant: t, ...(body !== undefined ? { body } : {}), headers });
      expect(a.status, `${method} ${path}`).toBeLessThan(500);
      expectNoLeak(a, t, m, path + JSON.stringify(body ?? ''));
      return a;
    };
    switch (op.op) {
      case 'submit': {
        const a = await call('POST', '/v1/jobs', spec(t, n++), op.idem ? { 'idempotency-key': op.idem } : undefined);
        if (op.idem && m.idem[t][op.idem]) {
          // same key, other body (names differ): 409 for this tenant only
          expect(a.status).toBe(409);
        } else {
          expect(a.status).toBe(202);
          m.jobs[t].push(a.json.id);
          if (op.idem) m.idem[t][op.idem] = a.json.id;
        }
        break;
      }
      case 'finish': {
        const id = m.jobs[t].length ? m.jobs[t][op.pick % m.jobs[t].length] : undefined;
        if (id && (await finishJob(h, t, id))) m.finished[t].add(id);
        break;
      }
      case 'get':
      case 'result':
      case 'cancel':
      case 'artifact': {
        const owner = op.own ? t : other(t);
        const id = pick(m.jobs[owner], op.pick);
        const path = { get: `/v1/jobs/${id}`, result: `/v1/jobs/${id}/result`, cancel: `/v1/jobs/${id}/cancel`, artifact: `/v1/jobs/${id}/artifacts/x.npy` }[op.op];
        const a = await call(op.op === 'cancel' ? 'POST' : 'GET', path);
        if (!op.own || !m.jobs[t].includes(id)) {
          expect(a.status, `${op.op} of another tenant's job`).toBe(404);
          expectClientError(a);
          expect(a.json.error.code).toBe('not_found');
        } else if (op.op === 'get') {
          expect(a.status).toBe(200);
          expect(a.json.id).toBe(id);
        } else if (op.op === 'result' && m.finished[t].has(id)) {
          expect(a.status).toBe(200);
          expect(a.json.tenantMarker).toBe(`secret-of-${t}`);
        } else if (op.op === 'artifact' && m.finished[t].has(id)) {
          expect(a.status).toBe(200);
          expect(a.text).toBe(`secret-of-${t}`);
        } else expect([200, 202, 404, 409]).toContain(a.status);
        break;
      }
      case 'list': {
        const a = await call('GET', `/v1/jobs?limit=100${op.status ? `&status=${op.status}` : ''}`);
        expect(a.status).toBe(200);
        const ids: string[] = a.json.jobs.map((j: { id: string }) => j.id);
        for (const id of ids) expect(m.jobs[t]).toContain(id);
        if (!op.status) expect(new Set(ids)).toEqual(new Set(m.jobs[t]));
        break;
      }
      case 'upload': {
        const a = await call('POST', '/v1/uploads');
        expect(a.status).toBe(201);
        const id = a.json.ref.slice('uploads/'.length);
        const put = await call('PUT', `/v1/uploads/${id}`, problem);
        expect(put.status).toBe(200);
        m.uploads[t].push(id);
        break;
      }
      case 'submitRef': {
        const owner = op.own ? t : other(t);
        if (m.uploads[owner].length === 0) break;
        const ref = `uploads/${pick(m.uploads[owner], op.pick)}`;
        const a = await call('POST', '/v1/jobs', { solver: 'bcd', problem: { ref }, name: `${t}-job-${n++}` });
        if (op.own) {
          expect(a.status).toBe(202);
          m.jobs[t].push(a.json.id);
        } else {
          expect(a.status).toBe(400);
          expect(a.json.error.issues[0].path).toBe('problem.ref');
        }
        break;
      }
      case 'schedule': {
        const a = await call('POST', '/v1/schedules', { rate: '6 hours', spec: spec(t, n++) });
        expect(a.status).toBe(201);
        m.schedules[t].push(a.json.id);
        break;
      }
      case 'scheduleGet':
      case 'scheduleDelete': {
        const owner = op.own ? t : other(t);
        const id = pick(m.schedules[owner], op.pick);
        const a = await call(op.op === 'scheduleGet' ? 'GET' : 'DELETE', `/v1/schedules/${id}`);
        if (!op.own || !m.schedules[t].includes(id)) {
          expect(a.status).toBe(404);
          expect(a.json.error.code).toBe('not_found');
        } else {
          expect(a.status).toBe(200);
          if (op.op === 'scheduleDelete') m.schedules[t] = m.schedules[t].filter((s) => s !== id);
        }
        break;
      }
      case 'scheduleList': {
        const a = await call('GET', '/v1/schedules');
        expect(a.status).toBe(200);
        expect(new Set(a.json.schedules.map((s: { id: string }) => s.id))).toEqual(new Set(m.schedules[t]));
        break;
      }
    }
  }
  // In the end, every key the store holds lives under the tenant that created it.
  for (const t of TENANTS) {
    const listed = await h.store.list(keys.tenantPrefix(t));
    for (const k of listed.keys) {
      const p = keys.parseJobKey(k);
      if (p) expect(m.jobs[t]).toContain(p.jobId);
    }
  }
}

describe('tenant isolation', () => {
  it('random interleavings of two tenants never cross', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), async (ops) => {
        await run(makeHarness({ tenants: [...TENANTS] }), ops);
      }),
      { numRuns: 60, seed: 4242 },
    );
  });

  it('the same Idempotency-Key in two tenants makes two jobs', async () => {
    const h = makeHarness({ tenants: [...TENANTS] });
    const body = spec('alpha', 0);
    const a = await h.request('POST', '/v1/jobs', { tenant: 'alpha', body, headers: { 'idempotency-key': 'same' } });
    const b = await h.request('POST', '/v1/jobs', { tenant: 'beta', body, headers: { 'idempotency-key': 'same' } });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.json.id).not.toBe(b.json.id);
    expect((await h.request('GET', `/v1/jobs/${a.json.id}`, { tenant: 'beta' })).status).toBe(404);
  });

  it('a cursor taken from another tenant’s listing reveals nothing', async () => {
    const h = makeHarness({ tenants: [...TENANTS] });
    for (let i = 0; i < 3; i++) await h.request('POST', '/v1/jobs', { tenant: 'alpha', body: spec('alpha', i) });
    for (let i = 0; i < 3; i++) await h.request('POST', '/v1/jobs', { tenant: 'beta', body: spec('beta', i) });
    const pa = await h.request('GET', '/v1/jobs?limit=1', { tenant: 'alpha' });
    expect(pa.json.next).toBeDefined();
    const pb = await h.request('GET', `/v1/jobs?limit=100&cursor=${pa.json.next}`, { tenant: 'beta' });
    expect(pb.status).toBe(200);
    for (const j of pb.json.jobs) expect(j.name).toMatch(/^beta-/);
  });

  it('no key, an unknown key, or a key of a third tenant: 401 or 404, never data', async () => {
    const h = makeHarness({ tenants: [...TENANTS, 'gamma'] });
    const id = (await h.request('POST', '/v1/jobs', { tenant: 'alpha', body: spec('alpha', 0) })).json.id;
    for (const key of ['', 'sk_unknown', h.keyOf.alpha.toUpperCase(), `${h.keyOf.alpha}x`, h.keyOf.alpha.slice(0, -1)]) {
      const a = await h.request('GET', `/v1/jobs/${id}`, { key });
      expect(a.status).toBe(401);
      expect(a.json.error.code).toBe('unauthorized');
    }
    expect((await h.request('GET', `/v1/jobs/${id}`, { tenant: 'gamma' })).status).toBe(404);
    expect((await h.request('GET', '/v1/jobs', { tenant: 'gamma' })).json.jobs).toEqual([]);
  });
});
