/**
 * @module `npm run bench -- fdr [--quick]`: the 2-D disc design of specs/fdr.md §4.1 (n = 5 000 on 15², 20 000 on
 * 31², L 32, λ 50, ν 0.01, tol 5e-5) drawn with Solvent's rng, both variants on the float64 CPU path, metrics of
 * §4.1 (MSE at cell centres, Hausdorff of jump-cell centres to the circle, within-1-cell fraction, mean |size|)
 * next to the reference figures of §5.2 (113.9 s / 145.9 s on a loaded 2-core CPU). Without --quick, also a SURE
 * run (3×3 grid) at n = 5 000, the `reference` variant and the A6 timing at the reference's own iteration counts.
 * SURE on worker threads: the same SURE job with 1 and 2 threads in this process (wall, speed-up, identical table).
 * Growth (issue 7, spec §4.4): 2-D disc 15²/31²/64²/128² ×32 and 3-D ball 10³/18³ ×32 — cells, d·N·P, liftedBytes,
 * measured memory, median ms/iteration of the float64 CPU iteration over a fixed count, projection to the reference's
 * iteration counts, the pre-unrolling pair loops (`pairLoops: 'generic'`) as an in-process baseline, and the gpu.js
 * 'cpu'-mode pipeline on the smallest grid.
 */
import { fdrSpecSchema } from '../shared/index.js';
import { createRng } from '../solvers/core/rng.js';
import { availableParallelism, loadavg } from 'node:os';
import { runFdr } from '../solvers/fdr/index.js';
import { gridProblem } from '../solvers/fdr/gridding.js';
import { CpuLiftedSolver, pairCount, type LiftedConfig } from '../solvers/fdr/lifted.js';
import { GpuLiftedPipeline, pipelineFloats } from '../solvers/kernels/fdr/pipeline.js';
import { fdrLiftedBytes } from '../shared/spec/fdr.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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
  /** Directed parts of the Hausdorff distance: max over jump cells of the distance to the circle (stray cells)… */
  stray: number;
  /** …and max over circle points of the distance to the nearest jump cell (gaps in the detected set). */
  gap: number;
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
  let stray = 0;
  let gap = 0;
  for (const c of centres) stray = Math.max(stray, Math.min(...circle.map((q) => dist(c, q))));
  for (const q of circle) gap = Math.max(gap, centres.length ? Math.min(...centres.map((c) => dist(c, q))) : Infinity);
  const h = Math.max(stray, gap);
  const within = centres.filter((c) => Math.abs(Math.hypot(c[0] - 0.5, c[1] - 0.5) - 0.25) <= 1 / m).length / Math.max(1, centres.length);
  const size = jumps.reduce((s, j) => s + Math.abs(j.size), 0) / Math.max(1, jumps.length);
  return { mse: se / (m * m), hausdorff: h, stray, gap, within, size, cells: centres.length };
}

interface RunOpts {
  tolerance: number;
  maxIterations: number;
  sure?: boolean;
  /** SURE threads (default: the solver's choice). */
  workers?: number;
  levels?: number;
  points?: number;
  /** Data seed of the disc (default 0). */
  seed?: number;
  /** Threads of the final solve (default: the solver's choice, 2 where the host has them). */
  threads?: number;
}

async function run(n: number, variant: 'corrected' | 'reference', opts: RunOpts) {
  const { X, y } = disc(n, opts.seed ?? 0);
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
  const out = await runFdr(spec, ctx, { sureWorkers: opts.workers, liftedThreads: opts.threads });
  const wall = (performance.now() - t0) / 1000;
  const u = (out.u as { data: number[] }).data;
  const mask = (out.jumpMask as { data: number[] }).data;
  return { out, wall, m, met: metrics(u, mask, out.jumps as { size: number }[], m) };
}

const REF = {
  5000: { its: 1071, wall: 113.9, mse: 4.6e-4, hausdorff: 0.231, within: 0.84, size: 0.143 },
  20000: { its: 531, wall: 145.9, mse: 5.3e-4, hausdorff: 0.029, within: 1.0, size: 0.139 },
} as const;


/** A full garbage collection (for clean memory deltas), through the V8 flag when node was not started with it. */
const collect: () => void = (() => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return () => {};
  }
})();

/** Full GC, a pause for V8's concurrent array-buffer sweeper to release freed backing stores, GC again. */
async function settle(): Promise<void> {
  collect();
  await new Promise((r) => setTimeout(r, 100));
  collect();
}

/** 3-D ball design of spec §4.2: f = r if r < ¼ else r + α, r = |x − ½|, α = 0.5·sd(Y | α = 0), σ 0.05. */
function ball(n: number, seed: number): { X: number[]; y: number[] } {
  const rng = createRng(seed);
  const r3 = (a: number, b: number, c: number) => Math.hypot(a - 0.5, b - 0.5, c - 0.5);
  let m1 = 0;
  let m2 = 0;
  const n0 = 20_000;
  for (let i = 0; i < n0; i++) {
    const y0 = r3(rng.next(), rng.next(), rng.next()) + SIGMA * rng.normal();
    m1 += y0;
    m2 += y0 * y0;
  }
  const alpha = 0.5 * Math.sqrt(m2 / n0 - (m1 / n0) ** 2);
  const X: number[] = new Array(3 * n);
  const y: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.next();
    const b = rng.next();
    const c = rng.next();
    X[3 * i] = a;
    X[3 * i + 1] = b;
    X[3 * i + 2] = c;
    const r = r3(a, b, c);
    y[i] = (r < 0.25 ? r : r + alpha) + SIGMA * rng.normal();
  }
  return { X, y };
}

const MB = 2 ** 20;
const median = (a: number[]) => {
  const s = a.slice().sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

interface GrowthCase {
  label: string;
  shape: number[];
  /** samples (≈ 20 per cell in 2-D, the paper's ⌊(2n/3)^{1/3}⌋ rule in 3-D). */
  n: number;
  /** Timed blocks (at most; see cap). */
  its: number;
  /** Iterations per timed block. */
  block: number;
  /** Also time the JS pair loops (the default before the wasm path), interleaved block by block. */
  baseline: boolean;
  ref?: { its: number; wall: number };
}

/**
 * One growth case in its own function, so that its solvers are unreachable once it returns (locals of the caller's
 * async frame would otherwise keep the previous case alive across the next memory snapshot).
 */
async function growthCase(c: GrowthCase, L: number, cap: number): Promise<(string | number | null)[]> {
  const d = c.shape.length;
  const { X, y } = d === 2 ? disc(c.n, 0) : ball(c.n, 0);
  const g = gridProblem({ kind: 'samples', X: { shape: [c.n, d], data: X }, y }, { resolution: c.shape, normalize: 'per-axis', variant: 'reference' });
  const cfg: LiftedConfig = { shape: g.shape, levels: L, lambda: 50, nu: 0.01, variant: 'reference', h: g.h };
  const N = g.N;
  const P = pairCount(L);
  await settle();
  const m0 = process.memoryUsage();
  const solver = new CpuLiftedSolver(g.f, cfg);
  solver.iterate(2); // warm-up (JIT, first touch of every page)
  const m1 = process.memoryUsage();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const wasm = solver.pairLoops === 'wasm';
  // the same solve on two threads (wasm path only), and the JS loops that were the default before (baseline)
  const two = wasm ? new CpuLiftedSolver(g.f, cfg) : undefined;
  if (two) {
    await two.startThreads();
    two.iterate(2);
  }
  const base = c.baseline && wasm ? new CpuLiftedSolver(g.f, cfg) : undefined;
  if (base) {
    base.pairLoops = 'unrolled';
    base.iterate(2);
  }
  // blocks of B iterations as runLifted runs them (measure on the last), interleaved solver by solver
  const B = c.block;
  const tNew: number[] = [];
  const tTwo: number[] = [];
  const tOld: number[] = [];
  let spent = 0;
  const time = (run: () => void) => {
    const t0 = performance.now();
    run();
    return (performance.now() - t0) / B;
  };
  for (let i = 0; i < c.its && (i < 3 || spent < cap); i++) {
    const dt = time(() => solver.advance(B));
    tNew.push(dt);
    spent += dt * B;
    if (two) {
      const d2 = time(() => two.advance(B));
      tTwo.push(d2);
      spent += d2 * B;
    }
    if (base) {
      const d0 = time(() => base.advance(B));
      tOld.push(d0);
      spent += d0 * B;
    }
  }
  await two?.dispose();
  const ms = median(tNew);
  const ms2 = two ? median(tTwo) : null;
  const msOld = base ? median(tOld) : null;
  const best = ms2 ?? ms;
  const work = d * N * P;
  const lifted = fdrLiftedBytes(d, N, L);
  const ab = m1.arrayBuffers - m0.arrayBuffers;
  const refMs = c.ref ? (1000 * c.ref.wall) / c.ref.its : null;
  return [
    `${c.label} ${c.shape.join('×')}×${L}`,
    N,
    work,
    lifted / MB,
    ab / MB,
    ab / lifted,
    (m1.heapUsed - m0.heapUsed) / MB,
    (m1.rss - m0.rss) / MB,
    peakRss / MB,
    wasm ? 'wasm' : 'JS',
    tNew.length * B,
    ms,
    ms2,
    (1e6 * ms) / work,
    msOld,
    msOld === null ? null : msOld / ms,
    msOld === null || ms2 === null ? null : msOld / ms2,
    c.ref ? c.ref.its : null,
    c.ref ? (c.ref.its * best) / 1000 : null,
    c.ref ? c.ref.wall : null,
    refMs,
    refMs === null ? null : ms / refMs,
    refMs === null || ms2 === null ? null : ms2 / refMs,
  ];
}

/** Growth of time and memory with the grid (issue 7), float64 CPU iteration, `reference` variant, L 32. */
async function growth(quick: boolean): Promise<BenchTable[]> {
  const L = 32;
  const cases: GrowthCase[] = [
    { label: '2-D disc', shape: [15, 15], n: 5000, its: quick ? 5 : 20, block: 10, baseline: true, ref: { its: REF[5000].its, wall: REF[5000].wall } },
    { label: '2-D disc', shape: [31, 31], n: 20000, its: quick ? 5 : 20, block: 10, baseline: true, ref: { its: REF[20000].its, wall: REF[20000].wall } },
    { label: '2-D disc', shape: [64, 64], n: 20 * 64 * 64, its: quick ? 3 : 10, block: 2, baseline: !quick },
    { label: '2-D disc', shape: [128, 128], n: 20 * 128 * 128, its: quick ? 2 : 6, block: 1, baseline: !quick },
    { label: '3-D ball', shape: [10, 10, 10], n: 1500, its: quick ? 5 : 10, block: 2, baseline: true },
    { label: '3-D ball', shape: [18, 18, 18], n: 10000, its: quick ? 2 : 5, block: 1, baseline: !quick },
  ];
  const rows: (string | number | null)[][] = [];
  const cap = quick ? 6000 : 15000; // ms of timed iterations per case (at least 3 iterations)
  const t00 = performance.now();
  const load0 = loadavg()[0];
  for (const c of cases) rows.push(await growthCase(c, L, cap));
  const cpuWall = (performance.now() - t00) / 1000;
  // gpu.js pipeline in its JavaScript ('cpu') mode, smallest grid only (slow: every kernel is an interpreted loop).
  const gRows: (string | number | null)[][] = [];
  {
    const { X, y } = disc(5000, 0);
    const g = gridProblem({ kind: 'samples', X: { shape: [5000, 2], data: X }, y }, { resolution: [15, 15], normalize: 'per-axis', variant: 'reference' });
    const cfg: LiftedConfig = { shape: g.shape, levels: L, lambda: 50, nu: 0.01, variant: 'reference', h: g.h };
    await settle();
    const m0 = process.memoryUsage();
    const pipe = new GpuLiftedPipeline(g.f, cfg, 'cpu');
    try {
      pipe.iterate(1);
      const m1 = process.memoryUsage();
      const ts: number[] = [];
      for (let i = 0; i < (quick ? 2 : 5); i++) {
        const t0 = performance.now();
        pipe.iterate(1);
        ts.push(performance.now() - t0);
      }
      const ms = median(ts);
      const cpuMs = rows[0][11] as number;
      const refMs = (1000 * REF[5000].wall) / REF[5000].its;
      gRows.push(['2-D disc 15×15×32', (4 * pipelineFloats(2, g.N, L)) / MB, (m1.arrayBuffers - m0.arrayBuffers) / MB, (m1.heapUsed - m0.heapUsed) / MB, ts.length, ms, ms / cpuMs, (REF[5000].its * ms) / 1000, REF[5000].wall, ms / refMs]);
    } finally {
      pipe.destroy();
    }
  }
  return [
    {
      title: `fdr — growth of time and memory (float64 CPU iteration, reference variant, L ${L}, λ 50, ν 0.01; issue 7, spec §4.4)`,
      columns: [
        'grid',
        'cells N',
        'd·N·P',
        'liftedBytes MiB',
        'typed arrays Δ MiB',
        'Δ / liftedBytes',
        'heap Δ MiB',
        'RSS Δ MiB',
        'peak RSS MiB',
        'path',
        'its timed',
        'ms/it 1 thread',
        'ms/it 2 threads',
        'ns per d·N·P (1 thread)',
        'ms/it JS loops (before)',
        'speed-up 1 thread',
        'speed-up 2 threads',
        'ref its',
        'projected s at ref its (best)',
        'ref wall s',
        'ref ms/it',
        'ratio 1 thread (goal ≤ 0.02)',
        'ratio 2 threads (goal ≤ 0.02)',
      ],
      rows,
      notes: [
        'Data: 2-D disc of §4.1 (≈ 20 samples per cell) and 3-D ball of §4.2 (n 1 500 / 10 000, ⌊(2n/3)^{1/3}⌋ cells), Solvent rng seed 0, gridded by gridding.ts; P = L(L+1)/2 = 528.',
        'liftedBytes = 16·d·N·P + 96·N·L + 32·N (spec); typed arrays Δ / heap Δ / RSS Δ = process.memoryUsage() after constructing the solver and 2 warm-up iterations minus before (after a full GC); peak RSS = process.resourceUsage().maxRSS so far (whole bench process, cases run in this order). On the wasm path the lifted arrays live in one WebAssembly.Memory, which process.memoryUsage() does not count as array buffers: RSS Δ is its measure there.',
        `ms/it = median over timed blocks of iterations (10 at 15²/31², as runLifted runs them: the μ-step of each iteration fused with the next s-step; a case stops early after ${cap / 1000} s of timing, at least 3 blocks per solver); ns per d·N·P = ms/it / (d·N·P): the CPU constant b of resources() (spec start value 100 ns).`,
        "path: 'wasm' = the whole iteration in hand-assembled WebAssembly (f64x2 pair passes), d = 1–3; 1 thread and 2 threads (cells split with a helper thread) are separate solvers of the same problem, interleaved block by block. 'JS loops (before)' = the same solver with pairLoops 'unrolled' (the default before the wasm path). All bit-identical (test/solvers/fdr/lifted.test.ts).",
        'Reference: Python/PyTorch reference implementation, 1 thread, on a loaded 2-core CPU (load average 9–14, ±30%), spec §5.2: 113.9 s for 1 071 iterations (index 1 070) at 15²×32, 145.9 s for 531 (index 530) at 31²×32. Projected = ref its × ms/it (iteration only, no gridding/recovery). No reference figures exist for the larger grids.',
        `Machine: ${availableParallelism()} cores shared with other jobs, 1-min load average ${load0.toFixed(1)} at the start and ${loadavg()[0].toFixed(1)} at the end; the CPU-path cases took ${cpuWall.toFixed(1)} s.`,
      ],
    },
    {
      title: "fdr — gpu.js pipeline in 'cpu' mode (float32, JavaScript kernels), smallest grid only",
      columns: ['grid', 'device floats MiB (pipelineFloats·4)', 'typed arrays Δ MiB', 'heap Δ MiB', 'its timed', 'ms/it (median)', 'vs float64 CPU', 'projected s at 1 071 its', 'ref wall s', 'ratio ms/it vs ref'],
      rows: gRows,
      notes: ["gpu.js 'cpu' mode runs each kernel as a JavaScript loop per output texel (no GPU); it is a correctness path, not a fast one. A real GPU run needs a device (mode 'webgpu'/'gpu')."],
    },
  ];
}

export const bench: BenchFn = async ({ quick }) => {
  // growth first, so that the peak RSS column is not raised by the other runs
  const growthTables = await growth(quick);
  const cols = ['n', 'grid×L', 'variant', 'iterations', 'wall s', 'ms/it', 'ref wall s', 'wall ratio', 'MSE', 'ref MSE', 'Hausdorff', 'ref H', 'within 1 cell', 'mean |size|', 'ref size (true 0.1132)', 'jump cells'];
  const rows: (string | number | null)[][] = [];
  const seed0 = new Map<number, Awaited<ReturnType<typeof run>>>();
  for (const n of [5000, 20000] as const) {
    for (const variant of quick ? (['corrected'] as const) : (['corrected', 'reference'] as const)) {
      const r = await run(n, variant, { tolerance: 5e-5, maxIterations: 15000 });
      if (variant === 'corrected') seed0.set(n, r);
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
        "ref MSE / ref H / ref size are the `reference` variant's figures on the NumPy fixture (§5.2). The `corrected` figures of the spec (A3, float64 NumPy on the same fixture) are Hausdorff 0.287 (5k) and 0.230 (20k, one stray cell at r = 0.48), seeds 1–4 0.18–0.32 / 0.033–0.041; a single draw is no acceptance test: see the seeds table below.",
      ],
    },
  ];
  {
    // A3 (spec): Hausdorff and within-1-cell are judged as the median over 5 data sets (accept at 20k: median H ≤ 0.045,
    // median within ≥ 0.95). One draw is decided by a single stray cell (cells → circle) or a single gap (circle → cells).
    const seedRows: (string | number | null)[][] = [];
    const A3 = {
      5000: { its: '211–221', cells: '34–46', h: '0.18–0.32 (no accept)', within: '0.70–0.94' },
      20000: { its: '281', cells: '44–50', h: 'median ≤ 0.045', within: 'median ≥ 0.95' },
    } as const;
    for (const n of [5000, 20000] as const) {
      const hs: number[] = [];
      const ws: number[] = [];
      const its: number[] = [];
      const cs: number[] = [];
      for (let seed = 0; seed < 5; seed++) {
        const r = seed === 0 ? (seed0.get(n) ?? (await run(n, 'corrected', { tolerance: 5e-5, maxIterations: 15000 }))) : await run(n, 'corrected', { tolerance: 5e-5, maxIterations: 15000, seed });
        hs.push(r.met.hausdorff);
        ws.push(r.met.within);
        its.push(r.out.iterations as number);
        cs.push(r.met.cells);
        seedRows.push([n, `${r.m}²×32`, seed, r.out.iterations, r.met.cells, r.met.hausdorff, r.met.stray, r.met.gap, r.met.within, r.met.mse, r.met.size]);
      }
      seedRows.push([n, 'median of 5', null, median(its), median(cs), median(hs), null, null, median(ws), null, null]);
      seedRows.push([n, 'spec A3', null, A3[n].its, A3[n].cells, A3[n].h, null, null, A3[n].within, null, null]);
    }
    tables.push({
      title: 'fdr — A3 over 5 data sets: corrected, 2-D disc (§4.1) with Solvent rng seeds 0–4, λ 50, ν 0.01, tol 5e-5',
      columns: ['n', 'grid×L', 'seed', 'iterations', 'jump cells', 'Hausdorff', 'stray: cells → circle', 'gap: circle → cells', 'within 1 cell', 'MSE', 'mean |size|'],
      rows: seedRows,
      notes: [
        'Hausdorff = max(stray, gap), jump-cell centres ((i + ½)/n per axis, X normalised per axis) vs 2 000 points of the circle r = ¼ (§4.1). 1 cell = 1/15 = 0.067 (5k), 1/31 = 0.032 (20k).',
        'The jump threshold √ν = 0.1 sits just below α/range ≈ 0.11: where the circle crosses a cell diagonally the jump is split over two forward differences below √ν (a gap), and cone slope + noise can exceed √ν away from the circle (a stray cell; at 15² the cone alone gives ≈ 0.07 per cell). Spec §7 pitfall 9.',
      ],
    });
  }
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
      for (const threads of [1, 2]) {
        const r = await run(n, 'reference', { tolerance: 0, maxIterations: its, threads });
        a6.push([n, `${r.m}²×32`, threads === 1 ? '1' : 'auto (1–2)', its, r.wall, (1000 * r.wall) / its, REF[n].wall, r.wall / REF[n].wall]);
      }
    }
    tables.push({
      title: 'fdr — A6 timing at the reference iteration counts (reference variant, tolerance 0, whole job)',
      columns: ['n', 'grid×L', 'threads', 'iterations', 'wall s', 'ms/it', 'ref wall s', 'ratio (goal ≤ 0.02)'],
      rows: a6,
      notes: [
        "wall = the whole runFdr job (gridding, lifted solve, recovery), float64 wasm path; threads = threads of the lifted solve: 1, or the solver's default 'auto' (a helper thread where the host has 2 cores, used by a ThreadTuner only while 2 threads measure faster than 1 — on a loaded host barrier waits can make 2 slower).",
        'Reference: Python/PyTorch, 1 thread, loaded 2-core CPU (load average 9–14, ±30%), spec A6: 113.9 s and 145.9 s.',
      ],
    });
    const s = sureSeq ?? (await run(5000, 'corrected', { tolerance: 5e-5, maxIterations: 15000, sure: true, workers: 1 }));
    const sure = s.out.sure as { table: { lambda: number; nu: number; sure: number; iterations: number[] }[]; chosen: number; noiseVariance: { value: number } };
    tables.push({
      title: `fdr — SURE (corrected, 3×3 grid, R 1) at n 5 000: chose λ ${s.out.lambda}, ν ${s.out.nu}; σ̂² ${sure.noiseVariance.value.toExponential(3)} (true 2.5e-3)`,
      columns: ['λ', 'ν', 'SURE (y²)', 'iterations'],
      rows: sure.table.map((r) => [r.lambda, r.nu, r.sure, r.iterations.join('/')]),
      notes: [`whole job ${s.wall.toFixed(1)} s; final fit MSE ${s.met.mse.toExponential(3)}, Hausdorff ${s.met.hausdorff.toFixed(3)}, mean |size| ${s.met.size.toFixed(3)}`],
    });
  }
  tables.push(...growthTables);
  return tables;
};
