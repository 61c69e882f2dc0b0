/**
 * @module `npm run bench -- root [--quick] [--epochs=N (config D epochs, default 2)] [--seeds=0,1] [--options=JSON] [--skip-quad] [--cpu]`: TF-Bind-8 (exact oracle) with ROOT
 * (both variants) vs the GA-on-GP baseline vs random designs, next to PAPER Table 1 and the random-128 baseline
 * (specs/root.md §5, Acceptance C), plus the 2-D quadratic. With a real GPU adapter (kernels `auto`) ROOT runs the
 * paper's full configuration; on the CPU it runs config "D" of §3 for a stated number of its epochs. Every ROOT row
 * reports the result's `timing` per epoch (GP: Gram, Cholesky, walks; network: training batches; sampling), and unit
 * costs measured in the same process (Cholesky vs n³, walk step vs 2P·n, batch vs H²) project the full run (§8).
 */
import { rootSpecSchema } from '../shared/index.js';
import { createRng } from '../solvers/core/rng.js';
import type { Kernels } from '../solvers/kernels/ops.js';
import { BridgeTrainer } from '../solvers/root/bridge/train.js';
import { GpMean, GpWorkspace } from '../solvers/root/gp.js';
import { solver } from '../solvers/root/index.js';
import type { RootTimingRecord } from '../solvers/root/timing.js';
import { makeTestContext } from '../test/support/run-context.js';
import type { BenchFn, BenchTable } from './table.js';

type Backend = 'cpu' | 'gpu';

interface Run {
  p100: number;
  p80: number;
  p50: number;
  mean: number;
  fraction: number;
  ms: number;
  timing?: RootTimingRecord;
}

type Cell = string | number | null;

async function runOnce(problem: Record<string, unknown>, options: Record<string, unknown>, seed: number, backend: Backend): Promise<Run | undefined> {
  const spec = rootSpecSchema.parse({ solver: 'root', problem, options, seed, backend });
  const ctx = await makeTestContext({ seed, backend });
  ctx.now = () => performance.now();
  const t0 = performance.now();
  try {
    const r = (await solver.run(spec, ctx)) as unknown as { scores: { p100: number; p80: number; p50: number; mean: number; fractionAboveOfflineBest: number }; timing?: RootTimingRecord };
    return { p100: r.scores.p100, p80: r.scores.p80, p50: r.scores.p50, mean: r.scores.mean, fraction: r.scores.fractionAboveOfflineBest, ms: performance.now() - t0, timing: r.timing };
  } catch (e) {
    console.log(`  skipped: ${(e as Error).message}`);
    return undefined;
  }
}

function meanStd(v: number[]): string {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
  return `${m.toFixed(3)} ± ${s.toFixed(3)}`;
}

async function row(label: string, problem: Record<string, unknown>, options: Record<string, unknown>, seeds: number[], reference: string, backend: Backend): Promise<{ cells: Cell[]; runs: Run[] } | undefined> {
  const runs: Run[] = [];
  for (const s of seeds) {
    const r = await runOnce(problem, options, s, backend);
    if (!r) return undefined;
    runs.push(r);
  }
  const cells: Cell[] = [
    label,
    seeds.length,
    meanStd(runs.map((r) => r.p100)),
    meanStd(runs.map((r) => r.p80)),
    meanStd(runs.map((r) => r.p50)),
    meanStd(runs.map((r) => r.mean)),
    meanStd(runs.map((r) => r.fraction)),
    Math.round(runs.reduce((a, r) => a + r.ms, 0) / runs.length),
    reference,
  ];
  return { cells, runs };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** Median ms of `reps` calls after one warm-up. */
function timeSync(fn: () => void, reps: number): number {
  fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

function gaussian(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

interface GpUnit {
  n: number;
  gramMs: number;
  cholMs: number;
  /** ms of one ∇g call for `walkers` rows (one walk step). */
  stepMs: number;
  walkers: number;
}

/** Gram build, Cholesky + solves (GpMean.fit with its timer) and one walk step (∇g of `walkers` rows) at n rows, d = 24. */
function gpUnit(kernels: Kernels, n: number, walkers: number): GpUnit {
  const d = 24;
  const X = gaussian(n * d, n);
  const y = gaussian(n, n + 1);
  const timer = { now: () => performance.now(), gramMs: 0, choleskyMs: 0 };
  const work = new GpWorkspace(n);
  let gp = GpMean.fit(kernels, n, d, X, y, 6.25, 6.25, 0.01, work, timer);
  const reps = n <= 1000 ? 3 : 1;
  timer.gramMs = 0;
  timer.choleskyMs = 0;
  for (let r = 0; r < reps; r++) gp = GpMean.fit(kernels, n, d, X, y, 6.25, 6.25, 0.01, work, timer);
  const W = gaussian(walkers * d, 7);
  const G = new Float64Array(walkers * d);
  const stepMs = timeSync(() => gp.gradient(walkers, W, G), 1);
  return { n, gramMs: timer.gramMs / reps, cholMs: timer.choleskyMs / reps, stepMs, walkers };
}

interface NetUnit {
  H: number;
  batchMs: number;
  fwd64Ms: number;
  fwd128Ms: number;
}

/** One training batch of 64 pairs (forward, backward, Adam every 2nd) and forward passes of 64 / 128 rows at width H, d = 24. */
function netUnit(kernels: Kernels, H: number, reps: number): NetUnit {
  const d = 24;
  const trainer = new BridgeTrainer(kernels, { d, hidden: H, batchSize: 64, accumulate: 2, learningRate: 1e-3, cfgDropout: 0.15 }, createRng(1), 128);
  const pairs = { count: 64, xHigh: gaussian(64 * d, 2), xLow: gaussian(64 * d, 3), yHigh: gaussian(64, 4), yLow: gaussian(64, 5) };
  const order = Int32Array.from({ length: 64 }, (_, i) => i);
  const batchMs = timeSync(() => trainer.trainBatch(pairs, order, 0, 64, (b) => createRng(b)), reps);
  const f = trainer.denoiser(trainer.params);
  const x = gaussian(128 * d, 6);
  const yh = gaussian(128, 8);
  const out = new Float64Array(128 * d);
  const fwd64Ms = timeSync(() => f(64, x, 500, yh, yh, out), reps);
  const fwd128Ms = timeSync(() => f(128, x, 500, yh, yh, out), reps);
  return { H, batchMs, fwd64Ms, fwd128Ms };
}

/** Least-squares c of t ≈ c·u through the origin. */
function fitThroughOrigin(u: number[], t: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < u.length; i++) {
    num += u[i] * t[i];
    den += u[i] * u[i];
  }
  return num / den;
}

// Paper's full TF-Bind-8 configuration (spec §1.4, §3, §8).
const FULL = { epochs: 100, functions: 8, nGp: 15_000, d: 24, starts: 1024, steps: 100, H: 1024, batchesPerEpoch: 116, samplerSteps: 200, Q: 128, valPerEpoch: 816 };

function fmtDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export const bench: BenchFn = async ({ quick, args }) => {
  const tables: BenchTable[] = [];
  const columns = ['method', 'seeds', 'p100', 'p80', 'p50', 'mean', 'frac > offline best', 'ms/run', 'reference (p100 / p80 / p50)'];
  const tf = { kind: 'benchmark', task: 'tfbind8' };

  // Backend: a real GPU adapter (kernels `auto`) runs the paper's configuration; otherwise the CPU float64 kernels.
  const probe = args.includes('--cpu') ? await makeTestContext({ backend: 'cpu' }) : await makeTestContext({ backend: 'auto' });
  const kernels = probe.kernels;
  const gpu = kernels.info.backend === 'gpu';
  const backend: Backend = gpu ? 'gpu' : 'cpu';
  const device = `${kernels.info.backend} / ${kernels.info.device} (${kernels.info.precision})`;
  const epochsArg = args.find((a) => a.startsWith('--epochs='));
  const configD = { variant: 'reference', epochs: 15, functionsPerEpoch: 2, startPoints: 1024, gpRows: 500, gradientSteps: 100, hidden: 256 };
  const smoke = { variant: 'reference', epochs: 4, functionsPerEpoch: 2, startPoints: 256, gpRows: 500, gradientSteps: 20, hidden: 64, samplingSteps: 50 };
  let configName: string;
  let rootTf: Record<string, unknown>;
  let plannedEpochs: number;
  if (gpu) {
    configName = 'paper full configuration (all defaults)';
    rootTf = { variant: 'reference' };
    plannedEpochs = FULL.epochs;
  } else if (quick) {
    configName = 'quick smoke (reduced config D: 4 epochs, 256 starts, 20 steps, H 64, 50 sampler steps)';
    rootTf = smoke;
    plannedEpochs = 4;
  } else {
    plannedEpochs = 15;
    const e = epochsArg ? Number(epochsArg.slice(9)) : 2;
    configName = `config D (spec §3, B4/C5) — ${e} of its ${plannedEpochs} epochs run here`;
    rootTf = { ...configD, epochs: e };
  }
  // --options='{"epochs":60,"functionsPerEpoch":8,"hidden":1024}': ROOT options over the above (a larger budget than
  // config D on the CPU; not a spec configuration, so its rows compare only with each other and the paper's trend)
  const optionsArg = args.find((a) => a.startsWith('--options='));
  if (optionsArg) {
    const extra = JSON.parse(optionsArg.slice(10)) as Record<string, unknown>;
    rootTf = { ...rootTf, ...extra };
    configName = `${configName}, overridden by ${JSON.stringify(extra)} (not a spec configuration)`;
    if (typeof extra.epochs === 'number') plannedEpochs = extra.epochs;
  }
  const runEpochs = (rootTf.epochs as number | undefined) ?? FULL.epochs;
  // --seeds=0,1: ROOT job seeds (default 0; C5 names seeds 0 and 1 for config D)
  const seedsArg = args.find((a) => a.startsWith('--seeds='));
  const rootSeeds = seedsArg ? seedsArg.slice(8).split(',').map(Number).filter((k) => Number.isInteger(k) && k >= 0) : [0];
  const tfRows: Cell[][] = [];
  const rootRuns: [string, Run[]][] = [];
  const refD = 'config D (15 epochs) ref: 0.794/0.581/0.439 (s0), 0.823/0.571/0.439 (s1); paper full: 0.986 ± 0.007';
  const r1 = await row('root (reference)', tf, rootTf, rootSeeds, refD, backend);
  if (r1) {
    tfRows.push(r1.cells);
    rootRuns.push(['root (reference)', r1.runs]);
    const r2 = await row('root (corrected)', tf, { ...rootTf, variant: 'corrected' }, rootSeeds, 'paper ROOT (reference variant): 0.986 ± 0.007', backend);
    if (r2) {
      tfRows.push(r2.cells);
      rootRuns.push(['root (corrected)', r2.runs]);
    }
    const ga = await row('gradient-ascent', tf, { method: 'gradient-ascent' }, quick ? [0] : [0, 1, 2, 3], 'paper GA on GP: 0.770 ± 0.087', backend);
    if (ga) tfRows.push(ga.cells);
    const rnd = await row('random', tf, { method: 'random' }, quick ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 5, 6, 7], 'measured random-128: 0.947 ± 0.037 / – / 0.442 ± 0.024', backend);
    if (rnd) tfRows.push(rnd.cells);
    tfRows.push(['paper Table 1: ROOT', 8, '0.986 ± 0.007', '–', '–', '–', '–', null, 'full budget, A100']);
    tfRows.push(['random-128 baseline', 8, '0.947 ± 0.037', '–', '0.442 ± 0.024', '–', '≈ 0.50', null, 'spec §4 (measured)']);
  }
  tables.push({
    title: `TF-Bind-8 (normalised scores of 128 candidates; ${device})`,
    columns,
    rows: tfRows,
    notes: [
      `root: ${configName}; options ${JSON.stringify(rootTf)}`,
      gpu
        ? 'GA and random: default options'
        : 'GA and random: default options; on the CPU backend the base GP (GA surrogate, `predicted`) uses 2,000 of the 15,000 epoch-0 GP rows (result warning)',
      'offline best 0.439; scores below config D\'s full 15 epochs are not comparable with its reference figures (reduced runs leave candidates near their starts, spec §7.18)',
      tfRows.length === 0 ? 'tfbind8 data absent (set SOLVENT_DATA_DIR): rows skipped' : 'mean ± population std over seeds',
    ],
  });

  // Per-epoch timing of the ROOT runs (the result's `timing` record, clock performance.now()).
  const timingRows: Cell[][] = [];
  for (const [label, runs] of rootRuns) {
    for (const [k, r] of runs.entries()) {
      const t = r.timing;
      if (!t || t.epochs === 0) continue;
      const e = t.epochs;
      const projected = (t.perEpochMs * plannedEpochs + t.samplingMs + t.baseGpMs) / 1000;
      timingRows.push([
        label,
        rootSeeds[k],
        e,
        t.gpRows,
        t.batches / e,
        Math.round(t.perEpochMs),
        Math.round((t.gramMs + t.choleskyMs) / e),
        Math.round(t.walkMs / e),
        Math.round(t.gpMs / e),
        Math.round(t.networkMs / e),
        Math.round(t.validationMs / e),
        Math.round(t.samplingMs),
        `${((100 * t.gpMs) / (t.perEpochMs * e)).toFixed(1)} %`,
        `${projected.toFixed(0)} s`,
      ]);
    }
  }
  tables.push({
    title: `ROOT time per epoch (${device})`,
    columns: ['run', 'seed', 'epochs run', 'n_gp', 'batches/epoch', 'ms/epoch', 'GP Gram+Cholesky ms/epoch', 'GP walks ms/epoch', 'GP total ms/epoch', 'network ms/epoch', 'validation ms/epoch', 'sampling ms', 'GP share', `projected ${plannedEpochs}-epoch run`],
    rows: timingRows,
    notes: [
      'GP = Gram (σ²K + noise·I) + Cholesky and the two triangular solves + walk steps (∇g of 2P walkers) and end labels; network = training batches (forward, backward, Adam, EMA); sampling = skip sampler (2 forward passes per step when guidance ≠ 0)',
      `projection = ms/epoch × ${plannedEpochs} + sampling + base GP fit (the run's measured per-epoch cost; epochs cost the same: fixed F, P, M, n_gp; pairs kept ≈ all)`,
      'config D reference train times (Python/PyTorch CPU, 2-core host at load 10–12): 318 s (seed 0), 419 s (seed 1)',
    ],
  });

  // Unit costs and the projection of the paper's full configuration.
  const sizes = quick ? [250, 500, 1000] : [500, 1000, 2000];
  const hs = quick ? [128, 256, 512] : [256, 512, 1024];
  const walkers = 2 * FULL.starts;
  const gpUnits = sizes.map((n) => gpUnit(kernels, n, walkers));
  const netUnits = hs.map((H) => netUnit(kernels, H, H >= 1024 ? 2 : 3));
  const cChol = fitThroughOrigin(gpUnits.map((u) => u.n ** 3), gpUnits.map((u) => u.cholMs));
  const cGram = fitThroughOrigin(gpUnits.map((u) => u.n ** 2 * FULL.d), gpUnits.map((u) => u.gramMs));
  const cWalk = fitThroughOrigin(gpUnits.map((u) => u.walkers * u.n * FULL.d), gpUnits.map((u) => u.stepMs));
  const cBatch = fitThroughOrigin(hs.map((H) => H * H), netUnits.map((u) => u.batchMs));
  const cFwd64 = fitThroughOrigin(hs.map((H) => H * H), netUnits.map((u) => u.fwd64Ms));
  const cFwd128 = fitThroughOrigin(hs.map((H) => H * H), netUnits.map((u) => u.fwd128Ms));
  tables.push({
    title: `ROOT GP unit costs (${device}, d = 24; median of 1–3 reps after a warm-up)`,
    columns: ['n', 'Gram ms', 'Cholesky + 2 solves ms', 'Cholesky ps / n³', 'walk step ms (2048 walkers)', 'walk ns per walker·row'],
    rows: gpUnits.map((u): Cell[] => [u.n, Number(u.gramMs.toFixed(2)), Number(u.cholMs.toFixed(1)), Number(((u.cholMs / u.n ** 3) * 1e9).toFixed(1)), Number(u.stepMs.toFixed(1)), Number(((u.stepMs / (u.walkers * u.n)) * 1e6).toFixed(1))]),
    notes: ['GP.fit with its timer on seeded Gaussian rows, ℓ = σ² = 6.25, noise 0.01 (the cost does not depend on the values); walk step = one ∇g call for 2·1024 walkers'],
  });
  tables.push({
    title: `ROOT network unit costs (${device}, d = 24, batch 64; median of 2–3 reps after a warm-up)`,
    columns: ['H', 'train batch ms', 'batch ns / H²', 'forward 64 rows ms', 'forward 128 rows ms'],
    rows: netUnits.map((u): Cell[] => [u.H, Number(u.batchMs.toFixed(2)), Number(((u.batchMs / (u.H * u.H)) * 1e6).toFixed(1)), Number(u.fwd64Ms.toFixed(2)), Number(u.fwd128Ms.toFixed(2))]),
    notes: ['train batch = BridgeTrainer.trainBatch: forward + backward + Adam (every 2nd batch, accumulate 2) + EMA bookkeeping; forward = the sampler\'s denoiser call'],
  });

  const F = FULL.epochs * FULL.functions;
  const n = FULL.nGp;
  const valBatches = [20, 40, 60, 80, 100].reduce((a, e) => a + Math.ceil((e * FULL.valPerEpoch) / 64), 0);
  const parts: [string, string, number][] = [
    ['GP Gram σ²K + noise·I', `${F} × c_gram·n²·d`, F * cGram * n * n * FULL.d],
    ['GP Cholesky + 2 solves', `${F} × c_chol·n³`, F * cChol * n ** 3],
    ['GP walks (M = 100 steps + labels)', `${F} × (M+1) × c_walk·2P·n·d`, F * (FULL.steps + 1) * cWalk * walkers * n * FULL.d],
    ['network training batches', `${FULL.epochs * FULL.batchesPerEpoch} × c_batch·H²`, FULL.epochs * FULL.batchesPerEpoch * cBatch * FULL.H ** 2],
    ['validation (EMA, every 20 epochs)', `${valBatches} × c_fwd64·H²`, valBatches * cFwd64 * FULL.H ** 2],
    ['sampling (200 steps × 2 passes × 128 rows)', `${FULL.samplerSteps * 2} × c_fwd128·H²`, FULL.samplerSteps * 2 * cFwd128 * FULL.H ** 2],
  ];
  const total = parts.reduce((a, p) => a + p[2], 0);
  const projRows: Cell[][] = parts.map(([part, formula, ms]) => [part, formula, fmtDuration(ms), `${((100 * ms) / total).toFixed(1)} %`]);
  projRows.push(['total (one seed)', '', fmtDuration(total), '100 %']);
  projRows.push(['per epoch (GP + network)', '', fmtDuration((total - parts[5][2]) / FULL.epochs), '']);
  tables.push({
    title: `Projected full TF-Bind-8 run on this machine (${device}): 100 epochs × 8 functions × n_gp 15,000, P = 1024, M = 100, H = 1024`,
    columns: ['part', 'formula', 'projected time', 'share'],
    rows: projRows,
    notes: [
      `fitted through the origin by least squares on the unit costs above: c_chol = ${(cChol * 1e6).toFixed(4)} ns per n³, c_gram = ${(cGram * 1e6).toFixed(3)} ns per n²·d, c_walk = ${(cWalk * 1e6).toFixed(3)} ns per walker·row·dim, c_batch = ${(cBatch * 1e6).toFixed(3)} ns per H², c_fwd64 = ${(cFwd64 * 1e6).toFixed(3)}, c_fwd128 = ${(cFwd128 * 1e6).toFixed(3)} ns per H²`,
      `n = 15,000 (${(n / sizes[sizes.length - 1]).toFixed(1)}× the largest measured n: Cholesky extrapolated by n³; its measured cost per n³ rises with n (cache), so the GP rows are a lower bound), 2P = 2048 walkers, d = 24; 116 batches of 64 per epoch (7,376 training pairs, spec §1.4); validation pool grows by 816 pairs per epoch`,
      `batch and forward costs are fitted as c·H² (the H² layers hold 98 % of the 2.15 M parameters at H = 1024); ${hs.includes(FULL.H) ? 'the H = 1024 row above is measured directly' : `extrapolated from H ≤ ${hs[hs.length - 1]} (--quick)`}`,
      gpu ? 'GPU backend: float32 kernels' : 'CPU float64 kernels: spec §8 expects the full preset to need the GPU backend',
      `ROOT runs above used ${runEpochs} epoch(s)`,
    ],
  });

  if (args.includes('--skip-quad')) return tables;
  const quad = { kind: 'benchmark', task: 'quadratic', dim: 2, seed: 0 };
  const rootQ = quick
    ? { epochs: 40, functionsPerEpoch: 1, startPoints: 256, gpRows: 100, gradientSteps: 10, stepSize: 0.1, hidden: 64, batchSize: 32, accumulate: 1, learningRate: 0.003, samplingSteps: 50, candidates: 64 }
    : { variant: 'reference', epochs: 10, functionsPerEpoch: 8, startPoints: 256, gradientSteps: 100, hidden: 128, accumulate: 1 };
  const qSeeds = [0, 1, 2];
  const qRows: Cell[][] = [];
  for (const [label, o, ref] of [
    ['root', rootQ, quick ? 'test config (corrected); reference toy quad: p50 0.763, p100 0.989; 86 % above' : 'toy quad (reference, seed 0): mean 0.757, p50 0.763, p100 0.989; 86 % above; 396 s'],
    ['gradient-ascent', { method: 'gradient-ascent', candidates: quick ? 64 : 128 }, '—'],
    ['random', { method: 'random', candidates: quick ? 64 : 128 }, '—'],
  ] as const) {
    const r = await row(label, quad, o, qSeeds, ref, backend);
    if (r) qRows.push(r.cells);
  }
  tables.push({
    title: `quadratic, d = 2 (N = 2,000, bottom 40 % offline, data seed 0; offline best 0.610; ${device})`,
    columns,
    rows: qRows,
    notes: [`root budget: ${JSON.stringify(rootQ)}`],
  });
  return tables;
};
