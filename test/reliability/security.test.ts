/**
 * Security properties: API keys are stored only as SHA-256 hashes (local keys file and AWS key records), compared
 * with `timingSafeEqual` against every record (no early exit), never written to logs or echoed in answers, and the
 * structured JSON logs carry job ids.
 */
import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HashedKeyAuth, newApiKey as newAwsKey, storeApiKey } from '../../functions/aws/api-keys.js';
import { createJsonLogger } from '../../functions/json-logger.js';
import { LocalKeyAuth, newApiKey } from '../../functions/local/api-keys.js';
import { runJob } from '../../functions/worker/run-job.js';
import { createKernels } from '../../solvers/kernels/registry.js';
import type { ObjectStore } from '../../shared/index.js';
import { MemoryStore } from '../support/memory-store.js';
import { fsSandbox, makeHarness } from './harness.js';

vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:crypto')>();
  return { ...orig, timingSafeEqual: vi.fn(orig.timingSafeEqual) };
});

const spec = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [2, 2], data: [1, 0, 0, 1] }, b: [1, 2] }, backend: 'cpu' };

describe('API keys at rest', () => {
  it('the local keys file holds hashes only (mode 0600), and a reload still authenticates', async () => {
    const { root } = fsSandbox();
    const auth = LocalKeyAuth.at(root);
    const keys = [newApiKey(), newApiKey(), newApiKey()];
    for (const [i, k] of keys.entries()) await auth.add(k, `t${i}`);
    const file = join(root, 'auth', 'keys.json');
    const text = readFileSync(file, 'utf8');
    for (const k of keys) {
      expect(text).not.toContain(k);
      expect(text).not.toContain(k.slice(3, 20)); // not even a fragment of the secret part
      expect(text).toContain(createHash('sha256').update(k).digest('hex'));
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = LocalKeyAuth.at(root);
    await again.load();
    expect(await again.authenticate(keys[1])).toEqual({ tenant: 't1' });
    expect(await again.authenticate(`${keys[1]}x`)).toBeUndefined();
    expect(await again.authenticate(keys[1].slice(0, -1))).toBeUndefined();
    expect(await again.authenticate('')).toBeUndefined();
  });

  it('local keys are compared in constant time against every record (no early exit)', async () => {
    const { root } = fsSandbox();
    const auth = LocalKeyAuth.at(root);
    const keys = [newApiKey(), newApiKey(), newApiKey(), newApiKey()];
    for (const k of keys) await auth.add(k, 'x');
    const spy = vi.mocked(nodeCrypto.timingSafeEqual);
    for (const probe of [keys[0], keys[3], 'sk_wrong']) {
      spy.mockClear();
      await auth.authenticate(probe);
      expect(spy).toHaveBeenCalledTimes(keys.length);
    }
  });

  it('AWS key records hold the digest only and are checked with timingSafeEqual', async () => {
    const store = new MemoryStore();
    const { key, id, record } = newAwsKey('tenant-a', new Date(0).toISOString());
    await storeApiKey(store, id, record);
    for (const [k, o] of store.objects) {
      expect(k).not.toContain(key);
      expect(new TextDecoder().decode(o.body)).not.toContain(key);
    }
    const auth = new HashedKeyAuth(store);
    const spy = vi.mocked(nodeCrypto.timingSafeEqual);
    spy.mockClear();
    expect(await auth.authenticate(key)).toEqual({ tenant: 'tenant-a' });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await auth.authenticate(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined(); // a near miss (never the key itself)
  });
});

describe('no secrets in logs or answers', () => {
  it('a whole run with an Authorization header: the key appears in no log line and no answer; job logs carry job ids', async () => {
    const h = makeHarness();
    const key = h.keyOf.alpha;
    const answers: string[] = [];
    const call = async (m: string, p: string, body?: unknown) => {
      const a = await h.request(m, p, body === undefined ? {} : { body });
      answers.push(a.text);
      return a;
    };
    const id = (await call('POST', '/v1/jobs', spec)).json.id;
    await call('POST', '/v1/jobs', { ...spec, seed: -1 });
    await call('GET', `/v1/jobs/${id}`);
    await call('GET', '/v1/jobs');
    const workerLines: string[] = [];
    const cpu = createKernels('cpu');
    await runJob(
      { tenant: 'alpha', jobId: id },
      {
        store: h.store,
        now: () => h.deps.clock.now(),
        log: createJsonLogger((l) => workerLines.push(l)),
        solverVersion: { version: '0', commit: 'x' },
        kernels: () => cpu,
        solverOverride: async () => ({
          name: 'bcd',
          schema: undefined as never,
          resources: () => ({ gpu: false, vcpus: 1, memoryMiB: 1, timeoutS: 1 }),
          async run(_s, ctx) {
            // a careless solver logging secrets by field name, also nested: redacted
            ctx.log('solver note', { authorization: `Bearer ${key}`, nested: { apiKey: key, headers: { Authorization: `Bearer ${key}` } }, detail: `sent Bearer ${key}` });
            ctx.log(`upstream call with Bearer ${key} failed`, { cause: new Error(`refused: Bearer ${key}`) });
            throw new Error('boom');
          },
        }),
      },
    );
    await call('GET', `/v1/jobs/${id}`);
    await call('GET', `/v1/jobs/${id}/result`);
    await call('POST', `/v1/jobs/${id}/cancel`);
    // an unauthenticated call with a wrong key that looks like the real one
    const bad = await h.request('GET', '/v1/jobs', { key: `${key}0` });
    answers.push(bad.text);
    const lines = [...h.logLines, ...workerLines];
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) {
      const o = JSON.parse(l);
      expect(o).toMatchObject({ time: expect.any(String), level: expect.stringMatching(/^(info|warn|error)$/), msg: expect.any(String) });
      expect(l).not.toContain(key);
      expect(l).not.toContain(key.slice(3));
    }
    for (const a of answers) expect(a).not.toContain(key.slice(3));
    const byMsg = (m: string) => lines.map((l) => JSON.parse(l)).filter((o) => o.msg === m);
    expect(byMsg('job submitted')[0]).toMatchObject({ jobId: id, tenant: 'alpha' });
    expect(byMsg('job started')[0]).toMatchObject({ jobId: id });
    expect(byMsg('job failed')[0]).toMatchObject({ jobId: id });
    expect(byMsg('solver note')[0]).toMatchObject({ jobId: id, authorization: '[redacted]', nested: { apiKey: '[redacted]', headers: { Authorization: '[redacted]' } } });
  });

  it('an unhandled error logs path and stack, never the request headers', async () => {
    const store = new MemoryStore();
    const broken: ObjectStore = Object.assign(Object.create(store), { list: async () => Promise.reject(new Error('disk on fire')) });
    const h = makeHarness({ store: broken });
    const a = await h.request('GET', '/v1/jobs');
    expect(a.status).toBe(500);
    expect(a.json.error).toEqual({ code: 'internal', message: 'internal error' });
    const l = h.logLines.find((x) => x.includes('unhandled error'));
    expect(l).toBeDefined();
    expect(l).toContain('/v1/jobs');
    expect(l).not.toContain(h.keyOf.alpha);
  });
});
