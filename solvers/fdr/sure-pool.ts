/**
 * @module SURE candidates in parallel (specs/fdr.md §1.9, §8: "SURE candidates can run in parallel worker threads
 * on CPU"): a small pool of node:worker_threads, each running whole candidates (base + R probe solves, float64,
 * the same code as the sequential path) on the data shared through SharedArrayBuffers, probes drawn up front by
 * the caller, so every SURE row is bit-identical to the sequential one. Abort and snapshot requests travel through
 * a shared Int32Array (worker threads check it every 10 iterations); the pool keeps the job state (rows, candidates
 * in flight) current for checkpoints.
 */
import { Worker } from 'node:worker_threads';
import type { FdrCheckpointer, FdrJobState } from './checkpoint.js';
import type { FitParams } from './fit.js';
import type { Candidate, CandidateGrid, CandidateProgress, NoiseEstimate, SureRow } from './sure.js';

const WORKER_URL = new URL('./sure-worker.ts', import.meta.url);

/**
 * The worker's bootstrap: registers tsx's ESM hooks inside the thread, then imports sure-worker.ts. (On Node 20,
 * `execArgv: ['--import', tsx]` registers the hooks too late for a .ts entry: "Unknown file extension .ts".)
 */
function workerBoot(): string {
  let api = 'tsx/esm/api';
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    // bare specifier, resolved by the worker
  }
  return `import(${JSON.stringify(api)}).then((a) => { a.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
}

/** Data a worker thread receives once (typed arrays on SharedArrayBuffers). */
export interface SureWorkerData {
  f: Float64Array;
  counts: Int32Array;
  cellVar: Float64Array;
  /** R·N, probe r at [r·N, (r+1)·N). */
  probes: Float64Array;
  R: number;
  N: number;
  yRange: number;
  value01: number;
  base: Omit<FitParams, 'lambda' | 'nu'>;
  epsilon: number;
  maxIterations: number;
  tolerance: number;
  /** [0] abort flag, [1] snapshot-request generation. */
  ctrl: Int32Array;
}

export type SureWorkerRequest = { type: 'run'; c: number; cand: Candidate; gen: number; resume?: CandidateProgress };
export type SureWorkerReply =
  | { type: 'measure'; c: number; iteration: number; measure: number }
  | { type: 'snapshot'; c: number; gen: number; progress: CandidateProgress }
  | { type: 'done'; c: number; row: SureRow }
  | { type: 'cancelled'; c: number; progress: CandidateProgress }
  | { type: 'error'; c: number; message: string };

function sharedF64(a: ArrayLike<number>): Float64Array {
  const s = new Float64Array(new SharedArrayBuffer(a.length * 8));
  s.set(a);
  return s;
}

export interface SurePoolInput {
  cands: Candidate[];
  g: CandidateGrid;
  base: Omit<FitParams, 'lambda' | 'nu'>;
  probes: Float64Array[];
  epsilon: number;
  noise: Pick<NoiseEstimate, 'value01' | 'cellVar'>;
  maxIterations: number;
  tolerance: number;
  workers: number;
  signal: AbortSignal;
  /** Updated in place: rows as candidates finish, partial for candidates in flight. */
  state: FdrJobState;
  checkpoint: FdrCheckpointer;
  onMeasure(candidate: number, iteration: number, measure: number): void;
}

/** Runs the unfinished candidates on `workers` threads; resolves true when the signal stopped them. */
export function runSurePool(inp: SurePoolInput): Promise<boolean> {
  const { cands, g, probes, state, checkpoint } = inp;
  const N = g.N;
  const R = probes.length;
  const flat = new Float64Array(new SharedArrayBuffer(Math.max(1, R * N) * 8));
  for (let r = 0; r < R; r++) flat.set(probes[r], r * N);
  const counts = new Int32Array(new SharedArrayBuffer(N * 4));
  counts.set(g.counts);
  const ctrl = new Int32Array(new SharedArrayBuffer(8));
  const data: SureWorkerData = {
    f: sharedF64(g.f),
    counts,
    cellVar: sharedF64(inp.noise.cellVar),
    probes: flat,
    R,
    N,
    yRange: g.yRange,
    value01: inp.noise.value01,
    base: inp.base,
    epsilon: inp.epsilon,
    maxIterations: inp.maxIterations,
    tolerance: inp.tolerance,
    ctrl,
  };
  const queue: number[] = [];
  for (const c of state.partial.keys()) if (!state.rows[c]) queue.push(c);
  for (let c = 0; c < cands.length; c++) if (!state.rows[c] && !state.partial.has(c)) queue.push(c);
  const W = Math.max(1, Math.min(inp.workers, queue.length));
  const boot = workerBoot();

  return new Promise<boolean>((resolve, reject) => {
    const pool: Worker[] = [];
    const running = new Map<Worker, number>();
    const answered = new Map<number, number>();
    let gen = 0;
    let pendingSave = false;
    let stopping = false;
    let finished = false;
    let saving: Promise<void> = Promise.resolve();

    const fail = (e: unknown) => {
      if (finished) return;
      finished = true;
      Atomics.store(ctrl, 0, 1);
      clearInterval(timer);
      inp.signal.removeEventListener('abort', onAbort);
      for (const w of pool) void w.terminate();
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const queueSave = () => {
      saving = saving.then(() => checkpoint.save(state)).catch(fail);
    };
    const trySave = () => {
      if (!pendingSave) return;
      for (const c of running.values()) if ((answered.get(c) ?? -1) < gen) return;
      pendingSave = false;
      queueSave();
    };
    const maybeFinish = () => {
      if (finished || running.size > 0 || (queue.length > 0 && !stopping)) return;
      finished = true;
      clearInterval(timer);
      inp.signal.removeEventListener('abort', onAbort);
      if (stopping) queueSave();
      saving.then(
        async () => {
          await Promise.all(pool.map((w) => w.terminate()));
          resolve(stopping);
        },
        (e) => reject(e),
      );
    };
    const dispatch = (w: Worker) => {
      const c = stopping ? undefined : queue.shift();
      if (c === undefined) {
        running.delete(w);
        maybeFinish();
        return;
      }
      running.set(w, c);
      answered.set(c, gen); // its state in `state` is current until it runs a block
      const msg: SureWorkerRequest = { type: 'run', c, cand: cands[c], gen, resume: state.partial.get(c) };
      w.postMessage(msg);
    };
    const onAbort = () => {
      if (stopping) return;
      stopping = true;
      Atomics.store(ctrl, 0, 1);
      maybeFinish();
    };
    const maybeRequest = () => {
      if (stopping || pendingSave || running.size === 0 || !checkpoint.due()) return;
      gen++;
      Atomics.store(ctrl, 1, gen);
      pendingSave = true;
      trySave();
    };
    const timer = setInterval(() => {
      if (inp.signal.aborted) onAbort();
      else maybeRequest();
    }, 100);
    inp.signal.addEventListener('abort', onAbort, { once: true });

    for (let i = 0; i < W; i++) {
      const w = new Worker(boot, { eval: true, workerData: data });
      pool.push(w);
      w.on('error', fail);
      w.on('exit', (code) => {
        if (!finished && running.has(w)) fail(new Error(`SURE worker thread exited with code ${code}`));
      });
      w.on('message', (m: SureWorkerReply) => {
        if (finished) return;
        switch (m.type) {
          case 'measure':
            inp.onMeasure(m.c, m.iteration, m.measure);
            maybeRequest();
            break;
          case 'snapshot':
            state.partial.set(m.c, m.progress);
            answered.set(m.c, m.gen);
            trySave();
            break;
          case 'done':
            state.rows[m.c] = m.row;
            state.partial.delete(m.c);
            answered.delete(m.c);
            running.delete(w);
            dispatch(w);
            trySave();
            break;
          case 'cancelled':
            state.partial.set(m.c, m.progress);
            running.delete(w);
            maybeFinish();
            break;
          case 'error':
            fail(new Error(`SURE worker thread (candidate ${m.c}): ${m.message}`));
            break;
        }
      });
      dispatch(w);
    }
    if (inp.signal.aborted) onAbort();
  });
}
