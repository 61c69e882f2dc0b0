/**
 * @module Worker-thread entry of the SURE pool (specs/fdr.md §1.9, §8): evaluates whole candidates on the float64
 * CPU path with the shared data of sure-pool.ts, answers snapshot requests (checkpoints) between blocks of 10
 * iterations and stops when the shared abort flag is set, returning its progress.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { cpuLiftedSolve } from './fit.js';
import type { SureWorkerData, SureWorkerReply, SureWorkerRequest } from './sure-pool.js';
import { evaluateCandidate, type CandidateJob, type CandidateProgress } from './sure.js';

const wd = workerData as SureWorkerData;
const port = parentPort;
if (!port) throw new Error('sure-worker.ts must run in a worker thread');
const { ctrl } = wd;
const signal = {
  get aborted() {
    return Atomics.load(ctrl, 0) === 1;
  },
};
const probes = Array.from({ length: wd.R }, (_, r) => wd.probes.subarray(r * wd.N, (r + 1) * wd.N));
let current = -1;
const job: CandidateJob = {
  g: { f: wd.f, N: wd.N, counts: wd.counts, yRange: wd.yRange },
  base: wd.base,
  probes,
  epsilon: wd.epsilon,
  noise: { value01: wd.value01, cellVar: wd.cellVar },
  solve: cpuLiftedSolve,
  solveOpts: {
    maxIterations: wd.maxIterations,
    tolerance: wd.tolerance,
    signal,
    onMeasure: (iteration, measure) => post({ type: 'measure', c: current, iteration, measure }),
  },
};

function post(m: SureWorkerReply): void {
  const transfer: ArrayBuffer[] = [];
  const p = 'progress' in m ? m.progress : undefined;
  if (p?.lifted) for (const a of Object.values(p.lifted.arrays)) transfer.push(a.buffer as ArrayBuffer);
  if (p?.u0) {
    p.u0 = p.u0.slice(); // the worker keeps its own u0
    transfer.push(p.u0.buffer as ArrayBuffer);
  }
  port?.postMessage(m, transfer);
}

port.on('message', async (msg: SureWorkerRequest) => {
  if (msg.type !== 'run') return;
  current = msg.c;
  let answered = msg.gen;
  try {
    const out = await evaluateCandidate(msg.cand, job, {
      resume: msg.resume,
      onBlock: async (take: () => Promise<CandidateProgress>) => {
        const g = Atomics.load(ctrl, 1);
        if (g > answered) {
          answered = g;
          post({ type: 'snapshot', c: msg.c, gen: g, progress: await take() });
        }
      },
    });
    if (out.row) post({ type: 'done', c: msg.c, row: out.row });
    else post({ type: 'cancelled', c: msg.c, progress: out.cancelled });
  } catch (e) {
    post({ type: 'error', c: msg.c, message: (e as Error)?.stack ?? String(e) });
  }
});
