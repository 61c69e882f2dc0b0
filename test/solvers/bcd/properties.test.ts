/** Invariants of specs/bcd.md §6 as fast-check properties on random small problems. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockWorkspace, jacobiEigen, lambdaMax, solveSpd } from '../../../solvers/bcd/block-linalg.js';
import { buildModel, type Model } from '../../../solvers/bcd/problems/index.js';
import { GreedyFixed, GreedyVariable, blockLipschitz } from '../../../solvers/bcd/rules.js';
import { fixedPartition, eligibleCoordinates } from '../../../solvers/bcd/blocks.js';
import { solveModel } from '../../../solvers/bcd/solve.js';
import { TournamentTree } from '../../../solvers/bcd/tournament-tree.js';
import { latticeProblem } from '../../../solvers/bcd/datasets.js';
import { createRng } from '../../../solvers/core/rng.js';
import { bcdSpecSchema, type BcdProblem } from '../../../shared/index.js';
import { gaussian, opts, vec } from './fixtures.js';

const seedArb = fc.integer({ min: 1, max: 1_000_000 });

function randomProblem(kind: 'ls' | 'logistic' | 'quadratic' | 'multinomial', seed: number): BcdProblem {
  const r = createRng(seed);
  const m = 15 + r.int(10);
  const n = 8 + r.int(8);
  const A = { shape: [m, n] as [number, number], data: gaussian(m, n, seed) };
  if (kind === 'ls') return { kind: 'least-squares', A, b: vec(m, seed + 1) };
  if (kind === 'logistic') return { kind: 'logistic', A, y: Array.from({ length: m }, () => (r.next() < 0.5 ? -1 : 1)), lambda2: 0 };
  if (kind === 'multinomial') return { kind: 'multinomial-logistic', A, labels: Array.from({ length: m }, () => r.int(3)), classes: 3 };
  return latticeProblem(5, 1 + r.next(), 3, 1, r);
}

function randomBlock(model: Model, seed: number, tau: number): Int32Array {
  const perm = new Int32Array(model.n).map((_, i) => i);
  createRng(seed).shuffle(perm);
  return perm.slice(0, Math.min(tau, model.n));
}

function randomPoint(model: Model, seed: number): void {
  const r = createRng(seed + 99);
  for (let i = 0; i < model.n; i++) model.x[i] = 0.5 * r.normal();
  model.resync();
  model.refreshGradient();
}

describe('update guarantees', () => {
  it('gradient step: f(x⁺) ≤ f(x) − ‖g_b‖²/(2L_b) (ls, logistic, quadratic, multinomial)', () => {
    fc.assert(
      fc.property(fc.constantFrom('ls', 'logistic', 'quadratic', 'multinomial'), seedArb, fc.integer({ min: 1, max: 6 }), (kind, seed, tau) => {
        const model = buildModel(randomProblem(kind as never, seed)).model;
        randomPoint(model, seed);
        const b = randomBlock(model, seed, tau);
        const H = new Float64Array(b.length ** 2);
        model.hessBound(b, b.length, H);
        const L = lambdaMax(b.length, H, new BlockWorkspace(b.length));
        const g = new Float64Array(b.length);
        model.blockGradient(b, b.length, g);
        const d = g.map((v) => -v / L);
        const f0 = model.f();
        const gg = g.reduce((s, v) => s + v * v, 0);
        expect(model.trialF(b, b.length, d)).toBeLessThanOrEqual(f0 - gg / (2 * L) + 1e-10 * Math.abs(f0));
      }),
      { numRuns: 60 },
    );
  });
  it('matrix step: decrease = ½g_bᵀH_b⁻¹g_b on quadratics, ≥ on logistic', () => {
    fc.assert(
      fc.property(fc.constantFrom('ls', 'quadratic', 'logistic', 'multinomial'), seedArb, fc.integer({ min: 1, max: 6 }), (kind, seed, tau) => {
        const model = buildModel(randomProblem(kind as never, seed)).model;
        randomPoint(model, seed);
        const b = randomBlock(model, seed, tau);
        const len = b.length;
        const H = new Float64Array(len * len);
        model.hessBound(b, len, H);
        const g = new Float64Array(len);
        model.blockGradient(b, len, g);
        const d = g.map((v) => -v);
        solveSpd(len, H, d, new BlockWorkspace(len));
        const pred = -0.5 * g.reduce((s, v, i) => s + v * d[i], 0);
        const dec = model.f() - model.trialF(b, len, d);
        if (model.quadratic) expect(Math.abs(dec - pred)).toBeLessThanOrEqual(1e-8 * Math.max(pred, 1e-12) + 1e-9);
        else expect(dec).toBeGreaterThanOrEqual(pred - 1e-9 * Math.abs(model.f()));
      }),
      { numRuns: 60 },
    );
  });
  it('softmax H_b ≽ the true Hessian block (also vs finite differences of the gradient)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 8 }), (seed, tau) => {
        const model = buildModel(randomProblem('multinomial', seed)).model;
        randomPoint(model, seed);
        const b = randomBlock(model, seed, tau);
        const len = b.length;
        const H = new Float64Array(len * len);
        const T = new Float64Array(len * len);
        model.hessBound(b, len, H);
        model.hessTrue(b, len, T);
        // finite-difference check of the true Hessian's first column
        const h = 1e-6;
        const g0 = new Float64Array(len);
        const g1 = new Float64Array(len);
        model.blockGradient(b, len, g0);
        const e = new Float64Array(len);
        e[0] = h;
        model.apply(b, len, e);
        model.blockGradient(b, len, g1);
        e[0] = -h;
        model.apply(b, len, e);
        for (let k = 0; k < len; k++) expect(Math.abs((g1[k] - g0[k]) / h - T[k * len])).toBeLessThan(1e-4 * (1 + Math.abs(T[k * len])));
        const Dm = H.map((v, i) => v - T[i]);
        const w = new Float64Array(len);
        jacobiEigen(len, Dm, w, new Float64Array(len * len));
        expect(Math.min(...w)).toBeGreaterThanOrEqual(-1e-10);
      }),
      { numRuns: 40 },
    );
  });
});

describe('greedy selection = brute force', () => {
  it('GS-VB = τ largest |g_i|; GSD-VB = τ largest g_i²/L_i (ties to the lower index)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 7 }), fc.boolean(), (seed, tau, ties) => {
        const model = buildModel(randomProblem('ls', seed)).model;
        randomPoint(model, seed);
        if (ties) for (let i = 0; i < model.n; i += 2) model.g[i] = model.g[(i + 1) % model.n];
        for (const rule of ['gs', 'gsd']) {
          const sel = new GreedyVariable(model, rule, model.L, tau);
          sel.rebuild();
          const out = new Int32Array(tau);
          const len = sel.next(0, out);
          const score = (i: number) => (rule === 'gs' ? model.g[i] ** 2 : model.g[i] ** 2 / model.L[i]);
          const brute = Array.from({ length: model.n }, (_, i) => i).sort((a, b) => score(b) - score(a) || a - b);
          expect(Array.from(out.slice(0, len))).toEqual(brute.slice(0, tau));
        }
      }),
      { numRuns: 60 },
    );
  });
  it('GSL-FB = argmax ‖g_b‖²/L_b; GSQ-FB has the largest g_bᵀH_b⁻¹g_b (≥ the GS, GSL, GSD blocks)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 2, max: 5 }), (seed, tau) => {
        const model = buildModel(randomProblem('ls', seed)).model;
        randomPoint(model, seed);
        const blocks = fixedPartition('fixed-sorted', eligibleCoordinates(model.L), model.L, tau, createRng(0));
        const Lb = blockLipschitz(model, blocks);
        const quad = (b: Int32Array) => {
          const H = new Float64Array(b.length ** 2);
          model.hessBound(b, b.length, H);
          const g = Float64Array.from(b, (i) => model.g[i]);
          const d = g.slice();
          solveSpd(b.length, H, d, new BlockWorkspace(b.length));
          return g.reduce((s, v, i) => s + v * d[i], 0);
        };
        const pick = (rule: string) => {
          const sel = new GreedyFixed(model, rule, blocks, model.L, Lb);
          sel.rebuild();
          sel.next(0, new Int32Array(model.n));
          return sel.lastBlock;
        };
        const gsl = blocks.map((b, k) => b.reduce((s, i) => s + model.g[i] ** 2, 0) / Lb[k]);
        const best = gsl.indexOf(Math.max(...gsl));
        expect(pick('gsl')).toBe(best);
        const q = blocks.map(quad);
        const kq = pick('gsq');
        for (const rule of ['gs', 'gsl', 'gsd']) expect(q[kq]).toBeGreaterThanOrEqual(q[pick(rule)] * (1 - 1e-10));
      }),
      { numRuns: 50 },
    );
  });
  it("the tournament tree's top-τ equals a full sort after random updates", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 60 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: -5, max: 5 }))), fc.integer({ min: 1, max: 10 }), (init, ups, k) => {
        const t = new TournamentTree(init.length);
        t.scores.set(init);
        t.build();
        const s = init.slice();
        for (const [i, v] of ups) {
          t.set(i % init.length, v);
          s[i % init.length] = v;
        }
        const out = new Int32Array(k);
        const got = t.topK(k, out);
        const brute = s.map((_, i) => i).sort((a, b) => s[b] - s[a] || a - b).slice(0, k);
        expect(Array.from(out.slice(0, got))).toEqual(brute);
      }),
    );
  });
});

describe('state and determinism', () => {
  it('maintained residual / gradient equal a recomputation after K iterations; a block update changes only x_b', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('ls', 'logistic', 'quadratic'), seedArb, fc.constantFrom('gsd', 'random', 'cyclic'), async (kind, seed, rule) => {
        const problem = randomProblem(kind as never, seed);
        const built = buildModel(problem);
        const m = built.model;
        let prev = m.x.slice();
        const o = opts(problem.kind, { blocks: 'variable', rule, update: 'matrix', blockSize: 3, maxIterations: 25 });
        await solveModel(m, o, { rng: createRng(seed), now: () => 0 }, {
          onIteration: (_k, b, len) => {
            const inB = new Set(b.subarray(0, len));
            for (let i = 0; i < m.n; i++) if (!inB.has(i)) expect(m.x[i]).toBe(prev[i]);
            prev = m.x.slice();
          },
        });
        m.refreshGradient();
        const g = m.g.slice();
        const f = m.f();
        m.resync();
        m.refreshGradient();
        for (let i = 0; i < m.n; i++) expect(Math.abs(g[i] - m.g[i])).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(m.g[i])));
        expect(Math.abs(f - m.f())).toBeLessThanOrEqual(1e-10 * (1 + Math.abs(f)));
      }),
      { numRuns: 30 },
    );
  });
  it('greedy rules ignore the seed; f is non-increasing for gradient and matrix updates under any rule', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.constantFrom('gradient', 'matrix'), fc.constantFrom('cyclic', 'random', 'lipschitz', 'gs', 'gsd', 'gsq'), async (seed, update, rule) => {
        const problem = randomProblem('logistic', seed);
        const trace = async (s: number) => {
          const built = buildModel(problem);
          const o = opts(problem.kind, { blocks: 'fixed-sorted', rule, update, blockSize: 3, maxIterations: 30 });
          const out = await solveModel(built.model, o, { rng: createRng(s), now: () => 0 }, { traceObjective: true });
          expect(out.stats.monotonicityViolations).toBe(0);
          return Array.from(out.trace as Float64Array);
        };
        const t1 = await trace(seed);
        if (['gs', 'gsd', 'gsq'].includes(rule)) expect(await trace(seed + 1)).toEqual(t1);
      }),
      { numRuns: 30 },
    );
  });
  it('sparse greedy path: scoreUpdates ≤ n + iterations·τ·(Δ+1) (check C1)', async () => {
    const problem = latticeProblem(30, 1, 9, 1, createRng(3));
    const built = buildModel(problem);
    const iters = 400;
    const out = await solveModel(built.model, opts(problem.kind, { blocks: 'variable', rule: 'gsd', update: 'matrix', blockSize: 5, maxIterations: iters }), { rng: createRng(0), now: () => 0 });
    const n = built.model.n;
    const resyncs = Math.floor(iters / (10 * Math.ceil(n / 5)));
    expect(out.stats.scoreUpdates).toBeLessThanOrEqual(n * (1 + resyncs) + iters * 5 * (4 + 1));
  });
});

describe('spec validation', () => {
  it('label propagation with an unlabelled component is rejected; option combinations are checked', () => {
    const W = { shape: [4, 4] as [number, number], indptr: [0, 1, 2, 3, 4], indices: [1, 0, 3, 2], values: [1, 1, 1, 1] };
    const bad = bcdSpecSchema.safeParse({ solver: 'bcd', problem: { kind: 'label-propagation', W, labels: { indices: [0], values: [1] } } });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('has no labelled node');
    const ok = bcdSpecSchema.safeParse({ solver: 'bcd', problem: { kind: 'label-propagation', W, labels: { indices: [0, 2], values: [1, 2] } } });
    expect(ok.success).toBe(true);
    const combo = bcdSpecSchema.safeParse({
      solver: 'bcd',
      problem: { kind: 'least-squares', A: { shape: [1, 1], data: [1] }, b: [1] },
      options: { blocks: 'greedy-forest', update: 'two-metric' },
    });
    expect(combo.success).toBe(false);
    expect(combo.error?.issues.map((i) => i.path.join('.'))).toEqual(['options.blocks', 'options.update', 'options.update']);
  });
});
