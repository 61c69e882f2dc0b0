/**
 * The fused float64 iteration (specs/fdr.md §2.2) against an unfused transcription with brute-force pair sums,
 * adjointness of ∇/div and T/T*, the step-size bound of §1.4 by power iteration, and convergence of the measure.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { CpuLiftedSolver, initialV, LIFTED_THREADS_MIN_WORK, liftedSteps, pairCount, pairIndex, solveLiftedCpu, ThreadTuner, type LiftedConfig } from '../../../solvers/fdr/lifted.js';
import { div, grad, naiveInit, naiveIterate, pairAdjoint, pairSum } from './naive.js';

const rng = createRng(7);
const rand = (n: number) => rng.fillNormal(new Float64Array(n));
const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('operators', () => {
  for (const [shape, h] of [
    [[7], [1 / 7]],
    [[4, 6], [1 / 4, 1 / 6]],
    [[4, 6], [1 / 4, 1 / 4]],
    [[3, 4, 5], [1 / 3, 1 / 4, 1 / 5]],
  ] as [number[], number[]][]) {
    it(`⟨∇v, p⟩ = −⟨div p, v⟩ on ${shape.join('×')} (h ${h.map((x) => x.toFixed(3)).join(',')})`, () => {
      const L = 5;
      const N = shape.reduce((a, b) => a * b, 1);
      for (let j = 0; j <= shape.length; j++) {
        const v = rand(N * L);
        const p = rand(N * L);
        expect(dot(grad(v, shape, L, h, j), p)).toBeCloseTo(-dot(div(p, shape, L, h, j), v), 9);
      }
    });
  }
  it('⟨T p, μ⟩ = ⟨p, T* μ⟩ and pair indices are consecutive', () => {
    for (const L of [1, 4, 9, 12]) {
      const N = 3;
      const p = rand(N * L);
      const mu = rand(N * pairCount(L));
      expect(dot(pairSum(p, N, L), mu)).toBeCloseTo(dot(p, pairAdjoint(mu, N, L)), 9);
      let idx = 0;
      for (let k1 = 0; k1 < L; k1++) for (let k2 = k1; k2 < L; k2++) expect(pairIndex(L, k1, k2)).toBe(idx++);
    }
  });
});

/** ‖Σ^{1/2} K T^{1/2}‖ by power iteration on the explicit K of §1.2 (variables v, μ; duals p, s). */
function preconditionedNorm(cfg: LiftedConfig): number {
  const { shape, levels: L, h } = cfg;
  const d = shape.length;
  const N = shape.reduce((a, b) => a * b, 1);
  const P = pairCount(L);
  const st = liftedSteps(cfg);
  const tauMuX = new Float64Array(N * P);
  for (let x = 0; x < N; x++) tauMuX.set(st.tauMu, x * P);
  // x = (v, μ_1..μ_d) scaled by T^{1/2}; K x = (∇_j v + T* μ_j, ∂_t v, −μ_j) scaled by Σ^{1/2}
  const apply = (v: Float64Array, mu: Float64Array[]) => {
    const vs = v.map((a) => a * Math.sqrt(st.tauV));
    const ms = mu.map((m) => m.map((a, i) => a * Math.sqrt(tauMuX[i])));
    const sp = (arr: Float64Array) => arr.map((a, i) => a * Math.sqrt(st.sigmaP[i % L]));
    const px = ms.map((m, j) => {
      const M = pairAdjoint(m, N, L);
      return sp(grad(vs, shape, L, h, j).map((a, i) => a + M[i]));
    });
    const pt = sp(grad(vs, shape, L, h, d));
    const s = ms.map((m) => m.map((a) => -a * Math.sqrt(st.sigmaS)));
    return { px, pt, s };
  };
  const applyT = (px: Float64Array[], pt: Float64Array, s: Float64Array[]) => {
    const sp = (arr: Float64Array) => arr.map((a, i) => a * Math.sqrt(st.sigmaP[i % L]));
    const pxs = px.map(sp);
    const pts = sp(pt);
    const v = new Float64Array(N * L);
    for (let j = 0; j <= d; j++) {
      const dj = div(j < d ? pxs[j] : pts, shape, L, h, j);
      for (let i = 0; i < N * L; i++) v[i] -= dj[i];
    }
    const mu = pxs.map((p, j) => {
      const t = pairSum(p, N, L);
      return t.map((a, i) => (a - s[j][i] * Math.sqrt(st.sigmaS)) * Math.sqrt(tauMuX[i]));
    });
    return { v: v.map((a) => a * Math.sqrt(st.tauV)), mu };
  };
  let v = rand(N * L);
  let mu = Array.from({ length: d }, () => rand(N * P));
  let lam = 0;
  for (let it = 0; it < 150; it++) {
    const n = Math.sqrt(dot(v, v) + mu.reduce((s, m) => s + dot(m, m), 0));
    v = v.map((a) => a / n);
    mu = mu.map((m) => m.map((a) => a / n));
    const k = apply(v, mu);
    const b = applyT(k.px, k.pt, k.s);
    lam = Math.sqrt(Math.sqrt(dot(b.v, b.v) + b.mu.reduce((s, m) => s + dot(m, m), 0)));
    v = b.v;
    mu = b.mu;
  }
  return lam;
}

describe('step sizes (corrected, §1.4)', () => {
  for (const [shape, L] of [
    [[6], 8],
    [[3, 5], 6],
    [[2, 3, 2], 4],
    [[4, 3], 16],
  ] as [number[], number][]) {
    it(`‖Σ^½KT^½‖ ≤ 0.99 on ${shape.join('×')}, L ${L}`, () => {
      const cfg: LiftedConfig = { shape, levels: L, lambda: 10, nu: 0.01, variant: 'corrected', h: shape.map((n) => 1 / n) };
      expect(preconditionedNorm(cfg)).toBeLessThanOrEqual(0.99 + 1e-6);
    });
  }
});

/** Noisy-data test configuration: a small ν so that the ball and the parabola both cut often. */
const noisyCfg = (shape: number[], L: number, variant: 'corrected' | 'reference'): LiftedConfig => ({
  shape, levels: L, lambda: 40, nu: 0.005, variant, h: variant === 'reference' ? shape.map(() => 1 / shape[0]) : shape.map((n) => 1 / n),
});

/** Two solvers of one random problem: the default path, and the generic JS loops (the reference). */
function solverPair(shape: number[], L: number, variant: 'corrected' | 'reference'): [CpuLiftedSolver, CpuLiftedSolver] {
  const f = new Float64Array(shape.reduce((a, b) => a * b, 1)).map(() => rng.next());
  const cfg = noisyCfg(shape, L, variant);
  const generic = new CpuLiftedSolver(f, cfg);
  generic.pairLoops = 'generic';
  return [new CpuLiftedSolver(f, cfg), generic];
}

/** Every state array of `a` equals that of `b` bit for bit (Object.is, so ±0 and NaN count). */
function expectSameState(a: CpuLiftedSolver, b: CpuLiftedSolver, label: string): void {
  for (const k of ['v', 'vprev', 'px', 'pt', 's', 'mu'] as const) {
    const x = a.state[k];
    const y = b.state[k];
    let same = x.length === y.length;
    for (let i = 0; same && i < x.length; i++) same = Object.is(x[i], y[i]);
    expect(same, `${label} ${k}`).toBe(true);
  }
}

describe('fused iteration', () => {
  for (const variant of ['corrected', 'reference'] as const) {
    for (const [shape, L] of [
      [[9], 6],
      [[4, 5], 5],
      [[3, 3, 2], 4],
    ] as [number[], number][]) {
      it(`equals the unfused transcription (${variant}, ${shape.join('×')}, L ${L}, 25 its)`, () => {
        const N = shape.reduce((a, b) => a * b, 1);
        const f = new Float64Array(N).map(() => rng.next());
        const cfg: LiftedConfig = { shape, levels: L, lambda: 30, nu: 0.02, variant, h: variant === 'reference' ? shape.map(() => 1 / shape[0]) : shape.map((n) => 1 / n) };
        const fused = new CpuLiftedSolver(f, cfg);
        const naive = naiveInit(initialV(f, L, variant), cfg);
        for (let it = 0; it < 25; it++) {
          const e1 = fused.iterate(1);
          const e2 = naiveIterate(naive, f, cfg);
          expect(Math.abs(e1 - e2)).toBeLessThanOrEqual(1e-10 * (1 + e2));
        }
        let maxDiff = 0;
        for (let i = 0; i < N * L; i++) maxDiff = Math.max(maxDiff, Math.abs(fused.state.v[i] - naive.v[i]));
        expect(maxDiff).toBeLessThanOrEqual(1e-10);
        // the inline μ̄ of the fused loop equals 2μ − μ_old stored explicitly by the transcription
        const d = shape.length;
        const P = pairCount(L);
        for (let j = 0; j < d; j++)
          for (let i = 0; i < N * P; i++) expect(Math.abs(fused.state.mu[i * d + j] - naive.mu[j][i])).toBeLessThanOrEqual(1e-9);
      });
    }
  }
  for (const variant of ['corrected', 'reference'] as const) {
    it(`unrolled pair loops equal the generic loop bit for bit (${variant}, d 1–3, 30 its)`, () => {
      for (const [shape, L] of [
        [[11], 7],
        [[5, 4], 6],
        [[3, 4, 2], 5],
      ] as [number[], number][]) {
        const [fast, generic] = solverPair(shape, L, variant);
        fast.pairLoops = 'unrolled';
        for (let it = 0; it < 30; it++) expect(Object.is(fast.iterate(1), generic.iterate(1))).toBe(true);
        expectSameState(fast, generic, shape.join('×'));
      }
    });
  }
  for (const variant of ['corrected', 'reference'] as const) {
    it(`the wasm SIMD iteration (μ-step fused with the next s-step) equals the generic loop bit for bit (${variant}, 1-D to 3-D)`, () => {
      for (const [shape, L] of [
        [[11], 7],
        [[40], 12],
        [[5, 4], 6],
        [[7, 9], 9],
        [[2, 3], 4],
        [[3, 4, 2], 5],
        [[4, 2, 5], 7],
      ] as [number[], number][]) {
        const [fast, generic] = solverPair(shape, L, variant);
        expect(fast.pairLoops).toBe('wasm');
        // blocks of varying length, left unsettled between them (the μ-step of the last iteration pending)
        for (const k of [1, 3, 1, 9, 2, 7]) {
          let e = Number.NaN;
          for (let i = 0; i < k; i++) e = generic.iterate(1);
          expect(Object.is(fast.advance(k), e)).toBe(true);
        }
        fast.settle();
        expectSameState(fast, generic, `${shape.join('×')} L ${L}`);
      }
    });
  }
  it('two threads (cells split with a helper thread) give the same iterates bit for bit (1-D to 3-D)', async () => {
    for (const [shape, variant] of [
      [[33], 'reference'],
      [[9, 7], 'corrected'],
      [[9, 7], 'reference'],
      [[5, 3, 4], 'corrected'],
    ] as [number[], 'corrected' | 'reference'][]) {
      const N = shape.reduce((a, b) => a * b, 1);
      const f = new Float64Array(N).map(() => rng.next());
      const cfg = noisyCfg(shape, 8, variant);
      const two = new CpuLiftedSolver(f, cfg);
      await two.startThreads();
      expect(two.threads).toBe(2);
      const one = new CpuLiftedSolver(f, cfg);
      one.pairLoops = 'generic';
      try {
        for (const k of [1, 4, 10, 5]) {
          let e = Number.NaN;
          for (let i = 0; i < k; i++) e = one.iterate(1);
          expect(Object.is(two.advance(k), e)).toBe(true);
        }
        two.settle();
        expectSameState(two, one, `${shape.join('×')} ${variant}`);
      } finally {
        await two.dispose();
      }
      expect(two.threads).toBe(1);
    }
  });
  for (const slower of [1, 2] as const) {
    it(`ThreadTuner settles on the faster thread count (${slower} thread(s) measured slower) and re-probes`, () => {
      let t = 0;
      let parallel = true;
      const fake = {
        setParallel: (on: boolean) => {
          parallel = on;
        },
        advance: (k: number) => {
          t += k * ((parallel ? 2 : 1) === slower ? 3 : 1);
          return 0;
        },
      };
      const tuner = new ThreadTuner(fake as unknown as CpuLiftedSolver, () => t);
      for (let b = 0; b < 120; b++) tuner.advance(9);
      const faster = slower === 1 ? 2 : 1;
      expect(tuner.threads).toBe(faster);
      // warm-up + one probe of each, then the faster except one probe every 50 blocks
      expect(tuner.counts[slower - 1]).toBeLessThanOrEqual(4);
      expect(tuner.counts[faster - 1]).toBeGreaterThanOrEqual(116);
      tuner.advance(1); // short blocks run in the current mode, unmeasured
      expect(tuner.counts[0] + tuner.counts[1]).toBe(120);
    });
  }
  it('solveLiftedCpu with threads 2 returns what one thread returns (16×16, L 16: above the threshold)', async () => {
    const shape = [16, 16];
    const f = new Float64Array(256).map((_, x) => (x % 16 < 8 ? 0.2 : 0.7) + 0.05 * rng.normal());
    const cfg: LiftedConfig = { shape, levels: 16, lambda: 30, nu: 0.01, variant: 'corrected', h: [1 / 16, 1 / 16] };
    expect(256 * pairCount(16) * 2).toBeGreaterThanOrEqual(LIFTED_THREADS_MIN_WORK);
    const opts = { maxIterations: 120, tolerance: 1e-4 };
    const a = await solveLiftedCpu(f, cfg, { ...opts, threads: 2 });
    const b = await solveLiftedCpu(f, cfg, { ...opts, threads: 1 });
    expect(a.iterations).toBe(b.iterations);
    expect(a.stop).toBe(b.stop);
    expect(Object.is(a.measureFinal, b.measureFinal)).toBe(true);
    expect(a.v.every((x, i) => Object.is(x, b.v[i]))).toBe(true);
    expect(a.solver.threads).toBe(1); // the helper was stopped
  });
  it('the stopping measure shrinks (windowed max over its 900–1000 < over its 100–200)', () => {
    const shape = [8, 8];
    const f = new Float64Array(64).map((_, x) => (Math.floor(x / 8) < 4 ? 0.25 : 0.7) + 0.05 * rng.normal());
    for (const variant of ['corrected', 'reference'] as const) {
      const s = new CpuLiftedSolver(f, { shape, levels: 8, lambda: 30, nu: 0.02, variant, h: variant === 'reference' ? [1 / 8, 1 / 8] : [1 / 8, 1 / 8] });
      const e = new Float64Array(1000);
      for (let it = 0; it < 1000; it++) e[it] = s.iterate(1);
      const wmax = (a: number, b: number) => Math.max(...e.subarray(a, b));
      expect(wmax(900, 1000)).toBeLessThan(wmax(100, 200));
    }
  });
});
