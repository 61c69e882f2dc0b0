/**
 * Checkpoint and resume (issue 10) and parallel SURE (issue 7): a run stopped by the signal (in the final solve,
 * in the middle of a SURE candidate, sequential or on worker threads) and resumed from its checkpoint gives the
 * same u, jumps, SURE table and iteration counts as an uninterrupted run, bit for bit on the float64 CPU path;
 * periodic checkpoints (fake clock) resume the same way; a checkpoint of another spec is ignored; SURE on 2 worker
 * threads equals the sequential SURE; the lifted snapshot round-trips through the gpu.js pipeline's layout.
 */
import { describe, expect, it } from 'vitest';
import { JobStore, fdrSpecSchema, validateSpec, type FdrSpecInput, type JobStatus } from '../../../shared/index.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../functions/worker/checkpoint-codec.js';
import { createJsonLogger } from '../../../functions/json-logger.js';
import { runJob } from '../../../functions/worker/run-job.js';
import { createKernels } from '../../../solvers/kernels/registry.js';
import { MemoryStore } from '../../support/memory-store.js';
import { createRng } from '../../../solvers/core/rng.js';
import type { CheckpointData, SolverOutput } from '../../../solvers/core/types.js';
import { decodeState, encodeState, fingerprint, type FdrCheckpointMeta } from '../../../solvers/fdr/checkpoint.js';
import { runFdr, type FdrRunOptions } from '../../../solvers/fdr/index.js';
import { CpuLiftedSolver, exportCpuState, type LiftedConfig } from '../../../solvers/fdr/lifted.js';
import { GpuLiftedPipeline } from '../../../solvers/kernels/fdr/pipeline.js';
import { makeTestContext, type TestContext } from '../../support/run-context.js';

function stepGrid(n: number, seed: number): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.push((Math.hypot(i - n / 2, j - n / 2) < n / 3 ? 1 : 0) + 0.1 * rng.normal());
  return out;
}

const fixedSpec = (over: Record<string, unknown> = {}) =>
  fdrSpecSchema.parse({
    solver: 'fdr',
    problem: { kind: 'grid', values: { shape: [6, 6], data: stepGrid(6, 1) } },
    options: { levels: 6, lambda: 20, nu: 0.05, maxIterations: 400, tolerance: 1e-9, ...over },
  } satisfies FdrSpecInput);

const sureSpec = () =>
  fdrSpecSchema.parse({
    solver: 'fdr',
    problem: { kind: 'grid', values: { shape: [5, 5], data: stepGrid(5, 2) } },
    options: { levels: 5, maxIterations: 120, tolerance: 1e-9, sure: { probes: 2, search: { points: 2, lambda: [5, 50], nu: [0.01, 0.2] } } },
  } satisfies FdrSpecInput);

function same(a: SolverOutput, b: SolverOutput): void {
  expect(b.stop).toBe(a.stop);
  expect(b.iterations).toBe(a.iterations);
  expect(b.u).toEqual(a.u);
  expect(b.jumpMask).toEqual(a.jumpMask);
  expect(b.jumps).toEqual(a.jumps);
  expect(b.lambda).toBe(a.lambda);
  expect(b.nu).toBe(a.nu);
  expect((b.sure as { table?: unknown } | null)?.table).toEqual((a.sure as { table?: unknown } | null)?.table);
}

/** A second attempt: fresh context (same seed) reading the first attempt's checkpoints. */
async function resumeFrom(first: TestContext, pick?: number): Promise<TestContext> {
  const ctx = await makeTestContext();
  ctx.checkpoint = {
    load: async <T>() => first.checkpoints[pick ?? first.checkpoints.length - 1] as CheckpointData<T> | undefined,
    save: first.checkpoint.save,
  };
  return ctx;
}

/** Aborts once a progress point of `phase` reaches `iteration` (optionally of `candidate`). */
function abortAt(ctx: TestContext, phase: string, iteration: number, candidate?: number): void {
  ctx.progress = (p) => {
    ctx.progressLog.push(p);
    if (p.phase === phase && p.iteration >= iteration && (candidate === undefined || p.candidate === candidate)) ctx.controller.abort();
  };
}

describe('checkpoint and resume', () => {
  it('final solve: abort at iteration 50, resume → identical u, jumps, total iterations', async () => {
    const spec = fixedSpec();
    const whole = await runFdr(spec, await makeTestContext());
    expect(whole.iterations).toBeGreaterThan(80);
    const a = await makeTestContext();
    abortAt(a, 'final', 50);
    const first = await runFdr(spec, a);
    expect(first.stop).toBe('cancelled');
    expect(first.iterations).toBe(60); // the block of 10 finishes, then the signal is seen
    expect(a.checkpoints.length).toBe(1);
    const meta = (a.checkpoints[0] as CheckpointData<FdrCheckpointMeta>).meta;
    expect(meta.final?.lifted?.iteration).toBe(60);
    const b = await resumeFrom(a);
    const second = await runFdr(spec, b);
    same(whole, second);
    expect(b.progressLog.filter((p) => p.phase === 'final').map((p) => p.iteration)[0]).toBe(60);
  });

  it('sequential SURE: abort inside a probe solve of candidate 1, resume → identical table, pick, u', async () => {
    const spec = sureSpec();
    const opts: FdrRunOptions = { sureWorkers: 1 };
    const whole = await runFdr(spec, await makeTestContext(), opts);
    const a = await makeTestContext();
    let seen = 0;
    a.progress = (p) => {
      if (p.phase === 'sure' && p.candidate === 1 && p.iteration === 50 && ++seen === 2) a.controller.abort(); // 2nd solve (probe 1)
    };
    const first = await runFdr(spec, a, opts);
    expect(first.stop).toBe('cancelled');
    const meta = (a.checkpoints.at(-1) as CheckpointData<FdrCheckpointMeta>).meta;
    expect(meta.rows.filter((r) => r !== null).length).toBe(1);
    expect(meta.partial).toMatchObject([{ candidate: 1, solve: 1, hasU0: true, lifted: { iteration: 60 } }]);
    const second = await runFdr(spec, await resumeFrom(a), opts);
    same(whole, second);
    const table = (second.sure as { table: { iterations: number[] }[] }).table;
    expect(table.length).toBe(4);
    expect(table.every((r) => r.iterations.length === 3)).toBe(true);
  });

  it('periodic checkpoints (fake clock, 30 s apart): resuming from any of them is identical', async () => {
    const spec = sureSpec();
    const whole = await runFdr(spec, await makeTestContext(), { sureWorkers: 1 });
    const a = await makeTestContext();
    let clock = 0;
    a.now = () => (clock += 1000); // 1 s per call: a save every ~30 calls
    const full = await runFdr(spec, a, { sureWorkers: 1 });
    same(whole, full);
    expect(a.checkpoints.length).toBeGreaterThan(3);
    for (const k of [0, Math.floor(a.checkpoints.length / 2), a.checkpoints.length - 1]) {
      same(whole, await runFdr(spec, await resumeFrom(a, k), { sureWorkers: 1 }));
    }
  });

  it('a checkpoint of another spec is ignored (fingerprint)', async () => {
    const a = await makeTestContext();
    abortAt(a, 'final', 50);
    await runFdr(fixedSpec(), a);
    const other = fixedSpec({ lambda: 21 });
    const whole = await runFdr(other, await makeTestContext());
    same(whole, await runFdr(other, await resumeFrom(a)));
    expect(fingerprint('a', [new Float64Array([1])])).not.toBe(fingerprint('a', [new Float64Array([1 + 2 ** -52])]));
  });

  it('encode/decode round-trip keeps NaN measures and typed arrays; wrong hash or candidate count → undefined', () => {
    const u0 = new Float64Array([0.25, 0.5]);
    const st = {
      rows: [null, { lambda: 1, nu: 0.1, sure: 2, divergence: 3, iterations: [10, 20], stop: 'converged' }],
      partial: new Map([[0, { solve: 1, its: [7], divSum: 0.125, weighted: 0, baseStop: 'converged', u0, lifted: { iteration: 30, measure: Number.NaN, arrays: { v: new Float64Array([1, 0]) } } }]]),
    };
    const enc = encodeState('h', st);
    const bin = decodeCheckpoint<FdrCheckpointMeta>(encodeCheckpoint(enc.meta, enc.arrays)); // the worker's binary format
    const json = bin.meta;
    const dec = decodeState('h', 2, bin);
    expect(dec?.rows).toEqual(st.rows);
    const p = dec?.partial.get(0);
    expect(p?.u0).toEqual(u0);
    expect(p?.lifted?.iteration).toBe(30);
    expect(Number.isNaN(p?.lifted?.measure)).toBe(true);
    expect(p?.lifted?.arrays.v).toEqual(new Float64Array([1, 0]));
    expect(decodeState('x', 2, { meta: json, arrays: enc.arrays })).toBeUndefined();
    expect(decodeState('h', 3, { meta: json, arrays: enc.arrays })).toBeUndefined();
  });
});

describe('through the worker (SIGTERM → requeue → resume)', () => {
  it('the retried attempt resumes the final solve and returns the uninterrupted result', async () => {
    const input = fixedSpec() as unknown as FdrSpecInput;
    const whole = await runFdr(fixedSpec(), await makeTestContext());
    const store = new MemoryStore();
    const jobs = new JobStore(store);
    const status: JobStatus = { id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', tenant: 't', solver: 'fdr', status: 'queued', createdAt: 'now', attempts: 0, maxAttempts: 3 };
    await jobs.create(validateSpec(input), status);
    const stop = new AbortController();
    const deps = { store, now: Date.now, log: createJsonLogger(() => {}), solverVersion: { version: 't', commit: 't' }, kernels: () => createKernels('cpu') };
    const onProgress = (p: { phase?: string; iteration: number }) => p.phase === 'final' && p.iteration >= 50 && stop.abort();
    const first = await runJob({ tenant: 't', jobId: status.id }, { ...deps, stopSignal: stop.signal, onProgress });
    expect(first?.status).toBe('queued');
    const seen: number[] = [];
    const second = await runJob({ tenant: 't', jobId: status.id }, { ...deps, onProgress: (p) => p.phase === 'final' && seen.push(p.iteration) });
    expect(second?.status).toBe('succeeded');
    expect(second?.attempts).toBe(2);
    expect(seen[0]).toBe(60); // resumed from the checkpoint saved on SIGTERM, not from iteration 0
    const result = await jobs.readResult('t', status.id);
    expect(result?.iterations).toBe(whole.iterations);
    expect(result?.u).toEqual(whole.u);
    expect(result?.jumps).toEqual(whole.jumps);
  });
});

describe('parallel SURE (worker threads)', () => {
  it('2 threads == sequential (table, pick, u), and abort on threads + resume sequentially == whole', async () => {
    const spec = sureSpec();
    const seq = await runFdr(spec, await makeTestContext(), { sureWorkers: 1 });
    const par = await runFdr(spec, await makeTestContext(), { sureWorkers: 2 });
    same(seq, par);
    const a = await makeTestContext();
    abortAt(a, 'sure', 60, 1);
    const first = await runFdr(spec, a, { sureWorkers: 2 });
    expect(first.stop).toBe('cancelled');
    const meta = (a.checkpoints.at(-1) as CheckpointData<FdrCheckpointMeta>).meta;
    expect(meta.partial.length + meta.rows.filter((r) => r !== null).length).toBeGreaterThanOrEqual(2);
    expect(meta.partial.some((p) => p.lifted !== null)).toBe(true);
    same(seq, await runFdr(spec, await resumeFrom(a), { sureWorkers: 1 }));
    same(seq, await runFdr(spec, await resumeFrom(a), { sureWorkers: 2 }));
  }, 60_000);

  it('periodic snapshots from the threads (interval 0): resuming from one taken mid-candidate is identical', async () => {
    const spec = sureSpec();
    const seq = await runFdr(spec, await makeTestContext(), { sureWorkers: 1 });
    const a = await makeTestContext();
    same(seq, await runFdr(spec, a, { sureWorkers: 2, checkpointIntervalMs: 0 }));
    const k = a.checkpoints.findIndex((c) => (c as CheckpointData<FdrCheckpointMeta>).meta.partial.some((p) => p.lifted !== null && p.lifted.iteration > 0));
    expect(k).toBeGreaterThanOrEqual(0);
    same(seq, await runFdr(spec, await resumeFrom(a, k), { sureWorkers: 1 }));
  }, 60_000);
});

describe('lifted snapshot layout through the gpu.js pipeline (mode cpu)', () => {
  it('exportState ≈ the float64 state after 30 its; importing the float64 state and continuing tracks the CPU', () => {
    const shape = [4, 3];
    const L = 5;
    const rng = createRng(9);
    const f = new Float64Array(12).map(() => rng.next());
    const cfg: LiftedConfig = { shape, levels: L, lambda: 30, nu: 0.02, variant: 'corrected', h: shape.map((n) => 1 / n) };
    const cpu = new CpuLiftedSolver(f, cfg);
    const gpu = new GpuLiftedPipeline(f, cfg, 'cpu');
    cpu.iterate(30);
    gpu.iterate(30);
    const ec = exportCpuState(cpu.state);
    const eg = gpu.exportState();
    for (const k of ['v', 'vprev', 'px', 'pt', 's', 'mu']) {
      expect(eg[k].length).toBe(ec[k].length);
      let m = 0;
      for (let i = 0; i < ec[k].length; i++) m = Math.max(m, Math.abs(eg[k][i] - ec[k][i]));
      expect(m, k).toBeLessThan(1e-4);
    }
    const resumed = new GpuLiftedPipeline(f, cfg, 'cpu');
    resumed.importState(ec);
    resumed.iterate(20);
    cpu.iterate(20);
    const v = resumed.readV();
    let m = 0;
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] - cpu.state.v[i]));
    expect(m).toBeLessThan(1e-4);
    gpu.destroy();
    resumed.destroy();
  });
});
