/**
 * The SDK against the real local service over HTTP on 127.0.0.1 (startLocalServer, worker processes): a least-squares
 * job whose solution and .npy artifact match the closed form, dry runs and typed validation errors, idempotency keys,
 * pagination, 401/404/409, the upload flow, and a schedule that the local scheduler fires as a tagged job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '../../functions/local/server.js';
import { SolventApiError, SolventClient, type JobSpecInput } from '../../sdk/index.js';

// A = [[1,0],[0,1],[1,1]], b = [1,2,3] is consistent: the least-squares solution is exactly x = [1, 2].
const LSQ = {
  solver: 'bcd',
  name: 'sdk lsq',
  problem: { kind: 'least-squares', A: { shape: [3, 2], data: [1, 0, 0, 1, 1, 1] }, b: [1, 2, 3] },
} satisfies JobSpecInput;

let server: LocalServer;
let client: SolventClient;
let dir: string;
const quiet = { info() {}, warn() {}, error() {} };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'solvent-sdk-'));
  server = await startLocalServer({ port: 0, dataRoot: dir, concurrency: 2, apiKey: 'sdk-test-key-0123456789', log: quiet });
  client = new SolventClient({ url: server.url, apiKey: server.apiKey });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SDK over HTTP against the local service', () => {
  it('runs a job: progress, typed result, artifact', async () => {
    const job = await client.submit(LSQ);
    expect(job).toMatchObject({ solver: 'bcd', status: 'queued', created: true });
    const seen: string[] = [];
    for await (const rec of client.progress(job, { intervalMs: 100, timeoutMs: 60_000 })) seen.push(rec.status);
    expect(seen.at(-1)).toBe('succeeded');
    const rec = await client.get(job);
    expect(rec).toMatchObject({ id: job.id, solver: 'bcd', name: 'sdk lsq', status: 'succeeded' });
    const result = await client.result(job);
    expect(result.solver).toBe('bcd');
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(2, 8);
    expect(result.objective).toBeLessThan(1e-12);
    const x = result.artifacts.find((a) => a.name === 'x.npy');
    expect(x?.url).toBeDefined();
    const arr = await client.artifact(x!);
    expect(arr.shape).toEqual([2]);
    expect([...arr.data]).toEqual(result.x);
  });

  it('dry-runs and reports every validation issue with its path', async () => {
    expect(await client.dryRun(LSQ)).toMatchObject({ valid: true });
    const bad = { ...LSQ, problem: { ...LSQ.problem, A: { shape: [3, 2], data: [1, 'x', 0, 1, 1, 1] } }, options: { maxIterations: 0 } };
    const err = await client.submit(bad as unknown as JobSpecInput).catch((e) => e);
    expect(err).toBeInstanceOf(SolventApiError);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_spec');
    expect(err.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['problem.A.data.1', 'options.maxIterations']));
  });

  it('honours idempotency keys and answers 409 for another body', async () => {
    const a = await client.submit(LSQ, { idempotencyKey: 'sdk-idem-1' });
    const b = await client.submit(LSQ, { idempotencyKey: 'sdk-idem-1' });
    expect(b.id).toBe(a.id);
    expect([a.created, b.created]).toEqual([true, false]);
    const err = await client.submit({ ...LSQ, seed: 7 }, { idempotencyKey: 'sdk-idem-1' }).catch((e) => e);
    expect(err).toMatchObject({ status: 409, code: 'conflict' });
    const final = await client.wait(a, { intervalMs: 100, timeoutMs: 60_000 });
    expect(final.status).toBe('succeeded');
    // A finished job cannot be cancelled.
    expect(await client.cancel(a).catch((e) => e)).toMatchObject({ status: 409, code: 'conflict' });
  });

  it('lists jobs newest first across pages', async () => {
    const ids: string[] = [];
    for await (const j of client.listAll({ limit: 1 })) ids.push(j.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('answers 401 for a wrong key and 404 for an unknown job', async () => {
    const stranger = new SolventClient({ url: server.url, apiKey: 'not-a-key' });
    expect(await stranger.list().catch((e) => e)).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await client.get('01ARZ3NDEKTSV4RRFFQ69G5FAV').catch((e) => e)).toMatchObject({ status: 404, code: 'not_found' });
    expect(await client.result('01ARZ3NDEKTSV4RRFFQ69G5FAV').catch((e) => e)).toMatchObject({ status: 404 });
  });

  it('submits an uploaded problem by ref', async () => {
    const job = await client.submit(LSQ, { upload: 'always' });
    const rec = await client.wait(job, { intervalMs: 100, timeoutMs: 60_000 });
    expect(rec.status).toBe('succeeded');
    expect((await client.result(job)).x[1]).toBeCloseTo(2, 8);
  });

  it('creates a schedule that the local scheduler fires as a job tagged with it', async () => {
    const sched = await client.schedules.create({ rate: '1 second', spec: { ...LSQ, name: 'scheduled lsq' } });
    expect(sched.next).not.toBeNull();
    expect((await client.schedules.list()).map((s) => s.id)).toContain(sched.id);
    let fired: string | undefined;
    for (let i = 0; i < 100 && !fired; i++) {
      await new Promise((r) => setTimeout(r, 100));
      fired = (await client.schedules.get(sched.id)).lastJobId;
    }
    await client.schedules.delete(sched.id);
    expect(fired).toBeDefined();
    const rec = await client.get(fired!);
    expect(rec.scheduleId).toBe(sched.id);
    expect(rec.name).toBe('scheduled lsq');
    expect(await client.schedules.get(sched.id).catch((e) => e)).toMatchObject({ status: 404 });
    const bad = await client.schedules.create({ rate: '1 hour', spec: { solver: 'bcd', problem: { kind: 'lasso' } } }).catch((e) => e);
    expect(bad).toMatchObject({ status: 400 });
    expect(bad.issues.every((i: { path: string }) => i.path.startsWith('spec.'))).toBe(true);
    await client.wait(fired!, { intervalMs: 100, timeoutMs: 60_000 });
  });
});
