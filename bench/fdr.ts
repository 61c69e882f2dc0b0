/**
 * @module `npm run bench -- fdr [--quick]`: the 2-D disc design of specs/fdr.md §4.1 (n = 5 000 on 15², 20 000 on
 * 31², L 32, λ 50, ν 0.01, tol 5e-5) drawn with Solvent's rng, both variants on the float64 CPU path, metrics of
 * §4.1 (MSE at cell centres, Hausdorff of jump-cell centres to the circle, within-1-cell fraction, mean |size|)
 * next to the reference figures of §5.2 (113.9 s / 145.9 s on a loaded 2-core CPU). Without --quick, also a SURE
 * run (3×3 grid) at n = 5 000, the `reference` variant and the A6 timing at the reference's own iteration counts.
 * SURE on worker threads: the same SURE job with 1 and 2 threads in this process (wall, speed-up, identical table).
 */
import { fdrSpecSchema } from '../shared/index.js';
import { createRng } from '../solvers/core/rng.js';
import { availableParallelism } from 'node:os';
import { runFdr } from '../solvers/fdr/index.js';
import { makeTestContext } from '../test/support/run-context.js';
import type { BenchFn, BenchTable } from './table.js';

const ALPHA = 0.1132155116;
const SIGMA = 0.05;
const truth = (a: number, b: number) => {
  const r = Math.hypot(a - 0.5, b - 0.5);
  return r < 0.25 ? r : r + ALPHA;
};

function disc(n: number, seed: number): { X: number[]; y: number[] } {
  const rng = createRng(seed);
  const X: number[] = new Array(2 * n);
  const y: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    X[2 * i] = rng.next();
    X[2 * i + 1] = rng.next();
  }
  for (let i = 0; i < n; i++) y[i] = truth(X[2 * i], X[2 * i + 1]) + SIGMA * rng.normal();
  return { X, y };
}

interface Metrics {
  mse: number;
  hausdorff: number;
  within: number;
  size: number;
  cells: number;
}

function metrics(u: number[], mask: number[], jumps: { size: number }[], m: number): Metrics {
  let se = 0;
  const centres: [number, number][] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      const a = (i + 0.5) / m;
      const b = (j + 0.5) / m;
      se += (u[i * m + j] - truth(a, b)) ** 2;
      if (mask[i * m + j]) centres.push([a, b]);
    }
  const circle: [number, number][] = Array.from({ length: 2000 }, (_, k) => [0.5 + 0.25 * Math.cos((2 * Math.PI * k) / 2000), 0.5 + 0.25 * Math.sin((2 * Math.PI * k) / 2000)]);
  const dist = (p: [number, number], q: [number, number]) => Math.hypot(p[0] - q[0], p[1] - q[1]);
  let h = 0;
  for (const c of centres) h = Math.max(h, Math.min(...circle.map((q) => dist(c, q))));
  for (const q of circle) h = Math.max(h, centres.length ? Math.min(...centres.map((c) => dist(c, q))) : Infinity);
  const within = centres.filter((c) => Math.abs(Math.hypot(c[0] - 0.5, c[1] - 0.5) - 0.25) <= 1 / m).length / Math.max(1, centres.length);
  const size = jumps.reduce((s, j) => s + Math.abs(j.size), 0) / Math.max(1, jumps.length);
  return { mse: se / (m * m), hausdorff: h, within, size, cells: centres.length };
}

interface RunOpts {
  tolerance: number;
  maxIterations: number;
  sure?: boolean;
  /** SURE threads (default: the solver's choice). */
  workers?: number;
  levels?: number;
  points?: number;
}

async function run(n: number, variant: 'corrected' | 'reference', opts: RunOpts) {
  const { X, y } = disc(n, 0);
  const m = Math.floor(Math.sqrt(0.05 * n));
  const spec = fdrSpecSchema.parse({
    solver: 'fdr',
    backend: 'cpu',
    problem: { kind: 'samples', X: { shape: [n, 2], data: X }, y },
    options: {
      variant,
      resolution: m,
      levels: opts.levels ?? 32,
      lambda: opts.sure ? 'sure' : 50,
      nu: opts.sure ? 'sure' : 0.01,
      tolerance: opts.tolerance,
      maxIterations: opts.maxIterations,
      sure: { search: { points: opts.points ?? 3, lambda: [10, 200], nu: [0.002, 0.05] } },
    },
  });
  const ctx = await makeTestContext({ backend: 'cpu' });
  const t0 = performance.now();
  const out = await runFdr(spec, ctx, { sureWorkers: opts.workers });
  const wall = (performance.now() - t0) / 1000;
  const u = (out.u as { data: number[] }).data;
  const mask = (out.jumpMask as { data: number[] }).data;
  return { out, wall, m, met: metrics(u, mask, out.jumps as { size: number }[], m) };
}

const REF = {
  5000: { its: 1071, wall: 113.9, mse: 4.6e-4, hausdorff: 0.231, within: 0.84, size: 0.143 },
  20000: { its: 531, wall: 145.9, mse: 5.3e-4, hausdorff: 0.029, within: 1.0, size: 0.139 },
} as const;

export const bench: BenchFn = async ({ quick }) => {
  const cols = ['n', 'grid×L', 'variant', 'iterations', 'wall s', 'ms/it', 'ref wall s', 'wall ratio', 'MSE', 'ref MSE', 'Hausdorff', 'ref H', 'within 1 cell', 'mean |size|', 'ref size (true 0.1132)', 'jump cells'];
  const rows: (string | number | null)[][] = [];
  for (const n of [5000, 20000] as const) {
    for (const variant of quick ? (['corrected'] as const) : (['corrected', 'reference'] as const)) {
      const r = await run(n, variant, { tolerance: 5e-5, maxIterations: 15000 });
      const ref = REF[n];
      rows.push([n, `${r.m}²×32`, variant, r.out.iterations, r.wall, (1000 * r.wall) / r.out.iterations, ref.wall, r.wall / ref.wall, r.met.mse, ref.mse, r.met.hausdorff, ref.hausdorff, r.met.within, r.met.size, ref.size, r.met.cells]);
    }
  }
  const tables: BenchTable[] = [
    {
      title: 'fdr — 2-D disc (§4.1), float64 CPU, λ 50, ν 0.01, tol 5e-5 (to convergence)',
      columns: cols,
      rows,
      notes: [
        'Data drawn with Solvent rng (seed 0), not the NumPy fixture; α = 0.1132, σ = 0.05; metrics in y units at cell centres.',
        'Reference: Python/PyTorch reference implementation, 1 thread, loaded 2-core CPU (spec §5.2): 113.9 s (1 071 its) and 145.9 s (531 its).',
        'wall includes gridding and recovery; ratio = Solvent / reference (reference ran a different iteration count in the corrected rows).',
      ],
    },
  ];
  let sureSeq: Awaited<ReturnType<typeof run>> | undefined;
  {
    // SURE on worker threads vs sequential, same job, same process.
    const n = 5000;
    const L = quick ? 16 : 32;
    const points = quick ? 2 : 3;
    // FDR_BENCH_THREADS="1,2,4": thread counts to compare (default 1 and 2); the first is the baseline.
    const counts = (process.env.FDR_BENCH_THREADS ?? '1,2').split(',').map(Number).filter((k) => k >= 1);
    const runs = [];
    for (const k of counts) runs.push(await run(n, 'corrected', { tolerance: 5e-5, maxIterations: 15000, sure: true, workers: k, levels: L, points }));
    const seq = runs[0];
    if (counts[0] === 1) sureSeq = seq;
    const table = (o: typeof seq) => JSON.stringify((o.out.sure as { table: unknown }).table) + JSON.stringify(o.out.u);
    const its = (o: typeof seq) => (o.out.sure as { table: { iterations: number[] }[] }).table.reduce((a, r) => a + r.iterations.reduce((x, y) => x + y, 0), 0);
    tables.push({
      title: `fdr — SURE candidates on worker threads (corrected, ${points}×${points} grid, R 1, n ${n}, ${seq.m}²×${L})`,
      columns: ['threads', 'wall s', 'SURE solve iterations', `speed-up vs ${counts[0]} thread(s)`, 'identical table and u'],
      rows: runs.map((r, i) => [counts[i], r.wall, its(r), seq.wall / r.wall, table(r) === table(seq) ? 'yes' : 'NO']),
      notes: [
        `os.availableParallelism() = ${availableParallelism()}; wall = whole job (gridding, SURE, final fit, recovery); thread start-up (tsx in each thread) included.`,
        `Candidates are independent: the ideal speed-up with k free cores is about min(k, ${points * points}) less the imbalance of the last candidates and the sequential final fit.`,
      ],
    });
  }
  if (!quick) {
    const a6: (string | number | null)[][] = [];
    for (const n of [5000, 20000] as const) {
      const its = REF[n].its;
      const r = await run(n, 'reference', { tolerance: 0, maxIterations: its });
      a6.push([n, `${r.m}²×32`, its, r.wall, (1000 * r.wall) / its, REF[n].wall, r.wall / REF[n].wall]);
    }
    tables.push({ title: 'fdr — A6 timing at the reference iteration counts (reference variant, tolerance 0)', columns: ['n', 'grid×L', 'iterations', 'wall s', 'ms/it', 'ref wall s', 'ratio'], rows: a6 });
    const s = sureSeq ?? (await run(5000, 'corrected', { tolerance: 5e-5, maxIterations: 15000, sure: true, workers: 1 }));
    const sure = s.out.sure as { table: { lambda: number; nu: number; sure: number; iterations: number[] }[]; chosen: number; noiseVariance: { value: number } };
    tables.push({
      title: `fdr — SURE (corrected, 3×3 grid, R 1) at n 5 000: chose λ ${s.out.lambda}, ν ${s.out.nu}; σ̂² ${sure.noiseVariance.value.toExponential(3)} (true 2.5e-3)`,
      columns: ['λ', 'ν', 'SURE (y²)', 'iterations'],
      rows: sure.table.map((r) => [r.lambda, r.nu, r.sure, r.iterations.join('/')]),
      notes: [`whole job ${s.wall.toFixed(1)} s; final fit MSE ${s.met.mse.toExponential(3)}, Hausdorff ${s.met.hausdorff.toFixed(3)}, mean |size| ${s.met.size.toFixed(3)}`],
    });
  }
  return tables;
};
