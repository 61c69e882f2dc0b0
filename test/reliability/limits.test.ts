/**
 * Limits (DESIGN §2, §3): per-solver size limits from the spec schemas answer 413 `too_large` naming the limit (on
 * submit, dry run and schedules), the per-tenant cap on queued + running jobs answers 429 `rate_limited` naming the
 * cap (and frees up as jobs finish), and the inline body limit answers 413.
 */
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../examples/index.js';
import { BCD_LIMITS, BILEVEL_LIMITS, FDR_LIMITS, INLINE_BODY_LIMIT_BYTES, JobStore, ROOT_LIMITS, keys } from '../../shared/index.js';
import { expectEnvelope, makeHarness, type Harness } from './harness.js';

const example = (name: string) => structuredClone(EXAMPLES.find((e) => e.name === name)?.spec) as Record<string, unknown>;

const oversized: { name: string; limit: number; path: string; spec: () => unknown }[] = [
  {
    name: 'bcd: number of variables',
    limit: BCD_LIMITS.maxVariables,
    path: 'problem.A.shape.1',
    spec: () => ({ solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, BCD_LIMITS.maxVariables + 1], indptr: [0, 0], indices: [], values: [] }, b: [1] } }),
  },
  {
    name: 'bcd: dense block size',
    limit: BCD_LIMITS.maxDenseBlock,
    path: 'options.blockSize',
    spec: () => ({ solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, 3000], indptr: [0, 0], indices: [], values: [] }, b: [1] }, options: { blockSize: 2500, update: 'matrix' } }),
  },
  {
    name: 'bilevel: pixels of the synthetic TV images',
    limit: BILEVEL_LIMITS.tvPixels,
    path: 'problem',
    spec: () => ({ ...example('bilevel.tv-denoising'), problem: { kind: 'tv-denoising', synthetic: { count: 64, size: 1024, noise: 0.1 } } }),
  },
  {
    name: 'root: categorical sequence length',
    limit: ROOT_LIMITS.maxLength,
    path: 'problem.X.shape.1',
    spec: () => ({ solver: 'root', problem: { kind: 'categorical', alphabetSize: 2, X: { shape: [2, ROOT_LIMITS.maxLength + 1], data: new Array(2 * (ROOT_LIMITS.maxLength + 1)).fill(0) }, y: [0, 1] } }),
  },
  {
    name: 'fdr: bytes of the lifted state',
    limit: FDR_LIMITS.maxLiftedBytes,
    path: 'options.levels',
    spec: () => {
      const s = example('fdr.samples'); // 1-D samples
      return { ...s, options: { ...(s.options as object), resolution: FDR_LIMITS.maxAxis1d, levels: 128 } };
    },
  },
];

describe('per-solver size limits → 413 naming the limit', () => {
  for (const c of oversized) {
    it(c.name, async () => {
      const h = makeHarness();
      for (const path of ['/v1/jobs', '/v1/jobs?dryRun=true']) {
        const a = await h.request('POST', path, { body: c.spec() });
        expect(a.status, `${path}: ${a.text.slice(0, 300)}`).toBe(413);
        expectEnvelope(a);
        expect(a.json.error.code).toBe('too_large');
        expect(a.json.error.limit).toBe(c.limit);
        expect(a.json.error.message).toContain(String(c.limit));
        expect(a.json.error.issues.map((i: { path: string }) => i.path)).toContain(c.path);
      }
      const s = await h.request('POST', '/v1/schedules', { body: { rate: '1 hour', spec: c.spec() } });
      expect(s.status).toBe(413);
      expect(s.json.error.limit).toBe(c.limit);
      expect(s.json.error.issues.map((i: { path: string }) => i.path)).toContain(`spec.${c.path}`);
      expect(h.queue.submitted).toHaveLength(0);
      expect((await h.store.list('tenants/')).keys).toEqual([]);
    });
  }
  it('each example is accepted as it is (the limits are not hit by ordinary specs)', async () => {
    const h = makeHarness();
    for (const e of EXAMPLES) {
      const a = await h.request('POST', '/v1/jobs?dryRun=true', { body: e.spec });
      expect(a.status, `${e.name}: ${a.text.slice(0, 200)}`).toBe(200);
    }
  });
});

describe('per-tenant cap on active jobs → 429 naming the cap', () => {
  const spec = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, 1], data: [1] }, b: [1] } };
  const submit = (h: Harness, tenant = 'alpha', headers?: Record<string, string>) => h.request('POST', '/v1/jobs', { body: spec, tenant, headers });
  const iso = (h: Harness) => () => new Date(h.deps.clock.now()).toISOString();

  it('refuses the job over the cap, counts only queued + running jobs, per tenant', async () => {
    const h = makeHarness({ limits: { maxActiveJobsPerTenant: 3 } });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submit(h)).json.id);
    const over = await submit(h);
    expect(over.status).toBe(429);
    expectEnvelope(over);
    expect(over.json.error).toMatchObject({ code: 'rate_limited', limit: 3 });
    expect(over.json.error.message).toMatch(/limit is 3/);
    expect(h.queue.submitted).toHaveLength(3);
    expect((await h.request('GET', '/v1/jobs?limit=100')).json.jobs).toHaveLength(3);
    // the other tenant has its own cap
    expect((await submit(h, 'beta')).status).toBe(202);
    // a running job still counts; a cancelled one frees a slot
    const jobs = new JobStore(h.store);
    await jobs.apply('alpha', ids[0], { type: 'start' }, iso(h));
    expect((await submit(h)).status).toBe(429);
    expect((await h.request('POST', `/v1/jobs/${ids[1]}/cancel`)).status).toBe(202);
    expect((await submit(h)).status).toBe(202);
    expect((await submit(h)).status).toBe(429);
    // a finished job frees a slot too
    await jobs.apply('alpha', ids[0], { type: 'fail', error: { code: 'x', message: 'y' } }, iso(h));
    expect((await submit(h)).status).toBe(202);
  });

  it('a stale active marker (crash between status write and marker delete) does not hold a slot', async () => {
    const h = makeHarness({ limits: { maxActiveJobsPerTenant: 2 } });
    const a = (await submit(h)).json.id;
    await submit(h);
    // the job ended but its marker stayed behind
    const jobs = new JobStore(h.store);
    const st = await jobs.readStatus('alpha', a);
    await h.store.put(keys.statusKey('alpha', a), JSON.stringify({ ...st?.status, status: 'failed', finishedAt: new Date(0).toISOString() }));
    expect(await h.store.head(keys.activeJobKey('alpha', a))).toBeDefined();
    expect((await submit(h)).status).toBe(202);
    expect(await h.store.head(keys.activeJobKey('alpha', a))).toBeUndefined();
  });

  it('a refused submit does not bind its Idempotency-Key: the retry after a slot frees creates the job', async () => {
    const h = makeHarness({ limits: { maxActiveJobsPerTenant: 1 } });
    const first = (await submit(h)).json.id;
    const headers = { 'idempotency-key': 'later' };
    expect((await submit(h, 'alpha', headers)).status).toBe(429);
    expect((await h.request('POST', `/v1/jobs/${first}/cancel`)).status).toBe(202);
    const retry = await submit(h, 'alpha', headers);
    expect(retry.status).toBe(202);
    expect((await h.request('GET', `/v1/jobs/${retry.json.id}`)).status).toBe(200);
  });
});

describe('request body limit', () => {
  it('a body one byte over the inline limit is refused with 413; one at the limit is read', async () => {
    const h = makeHarness();
    const frame = '{"solver":"bcd","pad":""}';
    const at = `{"solver":"bcd","pad":"${'x'.repeat(INLINE_BODY_LIMIT_BYTES - frame.length)}"}`;
    expect(at.length).toBe(INLINE_BODY_LIMIT_BYTES);
    const ok = await h.request('POST', '/v1/jobs?dryRun=true', { raw: at, headers: { 'content-type': 'application/json' } });
    expect(ok.status).toBe(400); // read and validated (an invalid spec), not refused for its size
    expect(ok.json.error.code).toBe('invalid_spec');
    const over = await h.request('POST', '/v1/jobs?dryRun=true', { raw: `${at} `, headers: { 'content-type': 'application/json' } });
    expect(over.status).toBe(413);
    expect(over.json.error).toMatchObject({ code: 'too_large', limit: INLINE_BODY_LIMIT_BYTES });
    expect(over.json.error.message).toContain(String(INLINE_BODY_LIMIT_BYTES));
  });
});
