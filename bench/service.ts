/**
 * @module Local service benchmark (issues 2 and 10): submit→succeeded latency of a trivial job through the HTTP API
 * (p50/p95, vs the same job run in-process without HTTP or a worker process), sustained submissions per second over
 * loopback with N concurrent clients (vs GET /healthz as the HTTP floor), status-poll latency under load, and the
 * check that every accepted job is recorded exactly once and ends succeeded; idempotency keys under concurrent
 * duplicates yield one job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startLocalServer } from '../functions/local/server.js';
import { createJsonLogger } from '../functions/json-logger.js';
import { FsObjectStore } from '../functions/local/fs-store.js';
import { runJob } from '../functions/worker/run-job.js';
import { JobStore, ulidFactory, validateSpec, type JobStatus } from '../shared/index.js';
import type { BenchFn, BenchTable } from './table.js';

const trivial = { solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [2, 2], data: [2, 0, 0, 4] }, b: [2, 4] }, options: { maxIterations: 100 } };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

export const bench: BenchFn = async ({ quick }) => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'solvent-bench-'));
  const quiet = createJsonLogger(() => {});
  const s = await startLocalServer({ port: 0, dataRoot, apiKey: 'sk_bench_key_0123456789', log: quiet, scheduler: false, maxActiveJobsPerTenant: 100000 });
  const H = { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' };
  const post = async (body: unknown, extra: Record<string, string> = {}) => {
    const r = await fetch(`${s.url}/v1/jobs`, { method: 'POST', headers: { ...H, ...extra }, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as { id: string } };
  };
  const get = async (id: string) => (await (await fetch(`${s.url}/v1/jobs/${id}`, { headers: H })).json()) as { status: string };
  const waitDone = async (id: string) => {
    for (;;) {
      const r = await get(id);
      if (r.status === 'succeeded' || r.status === 'failed' || r.status === 'cancelled') return r.status;
      await new Promise((res) => setTimeout(res, 20));
    }
  };
  const tables: BenchTable[] = [];
  try {
    // 1. Latency, sequential.
    const n = quick ? 8 : 30;
    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const { json } = await post(trivial);
      const st = await waitDone(json.id);
      if (st !== 'succeeded') throw new Error(`trivial job ${st}`);
      lat.push(performance.now() - t0);
    }
    // Baseline: the same job through the worker code in this process (no HTTP, no process start).
    const store = new FsObjectStore(join(dataRoot, 'inproc'));
    const jobs = new JobStore(store);
    const newId = ulidFactory(Date.now, (k) => new Uint8Array(randomBytes(k)));
    const inproc: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const id = newId();
      const st: JobStatus = { id, tenant: 'b', solver: 'bcd', status: 'queued', createdAt: new Date().toISOString(), attempts: 0, maxAttempts: 1 };
      await jobs.create(validateSpec(trivial), st);
      await runJob({ tenant: 'b', jobId: id }, { store, now: Date.now, log: quiet, solverVersion: { version: 'bench', commit: '' } });
      inproc.push(performance.now() - t0);
    }
    tables.push({
      title: 'submit → succeeded latency, trivial bcd job (2×2 least squares), sequential',
      columns: ['path', 'jobs', 'p50 ms', 'p95 ms', 'ratio p50 vs in-process'],
      rows: [
        ['HTTP + worker process (local service)', n, pct(lat, 50), pct(lat, 95), pct(lat, 50) / pct(inproc, 50)],
        ['in-process runJob (baseline)', n, pct(inproc, 50), pct(inproc, 95), 1],
      ],
      notes: ['the difference is mostly the worker process start (Node + tsx) per job, by design: one process per job'],
    });

    // 2. Sustained submissions with concurrent clients.
    const total = quick ? 60 : 300;
    const clients = 16;
    const ids: string[] = [];
    const subLat: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < total) {
          next++;
          const t = performance.now();
          const r = await post(trivial);
          subLat.push(performance.now() - t);
          if (r.status !== 202) throw new Error(`submit answered ${r.status}`);
          ids.push(r.json.id);
        }
      }),
    );
    const submitS = (performance.now() - t0) / 1000;
    // status polls while the queue drains
    const pollLat: number[] = [];
    const drainT0 = performance.now();
    let pending = [...ids];
    while (pending.length > 0) {
      const batch = pending.slice(0, 32);
      const res = await Promise.all(
        batch.map(async (id) => {
          const t = performance.now();
          const r = await get(id);
          pollLat.push(performance.now() - t);
          return r.status;
        }),
      );
      const done = new Set(batch.filter((_, i) => res[i] === 'succeeded' || res[i] === 'failed'));
      if (res.some((x) => x === 'failed')) throw new Error('a job failed under load');
      pending = pending.filter((id) => !done.has(id));
      if (done.size === 0) await new Promise((r) => setTimeout(r, 50));
    }
    const drainS = (performance.now() - t0) / 1000;
    // exactly once: every id distinct and listed once
    const listed = new Map<string, number>();
    let cursor: string | undefined;
    do {
      const page = (await (await fetch(`${s.url}/v1/jobs?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: H })).json()) as { jobs: { id: string }[]; next?: string };
      for (const j of page.jobs) listed.set(j.id, (listed.get(j.id) ?? 0) + 1);
      cursor = page.next;
    } while (cursor);
    const once = ids.every((id) => listed.get(id) === 1) && new Set(ids).size === ids.length;
    // HTTP floor: GET /healthz with the same client count
    const hN = total * 3;
    let hNext = 0;
    const h0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (hNext < hN) {
          hNext++;
          await (await fetch(`${s.url}/healthz`)).json();
        }
      }),
    );
    const healthRps = hN / ((performance.now() - h0) / 1000);
    // idempotency under concurrent duplicates
    const dup = await Promise.all(Array.from({ length: 32 }, () => post(trivial, { 'idempotency-key': 'bench-dup' })));
    const dupIds = new Set(dup.map((r) => r.json.id));
    tables.push({
      title: `sustained load: ${total} submissions from ${clients} concurrent clients over loopback (${cpus().length} worker processes at a time)`,
      columns: ['measure', 'value', 'ratio to HTTP floor'],
      rows: [
        ['submissions/s accepted (202)', total / submitS, total / submitS / healthRps],
        ['submit p50 / p99 ms', `${pct(subLat, 50).toFixed(1)} / ${pct(subLat, 99).toFixed(1)}`, null],
        ['GET /healthz req/s (floor)', healthRps, 1],
        ['status poll p50 / p99 ms (while draining)', `${pct(pollLat, 50).toFixed(1)} / ${pct(pollLat, 99).toFixed(1)}`, null],
        ['all jobs succeeded, seconds from first submit', drainS, null],
        ['jobs completed per second (worker processes)', total / drainS, null],
        ['every job recorded exactly once', once ? 'yes' : 'NO', null],
        ['32 concurrent duplicates with one Idempotency-Key → jobs', dupIds.size, null],
      ],
    });
  } finally {
    await s.close();
    rmSync(dataRoot, { recursive: true, force: true });
  }
  return tables;
};
