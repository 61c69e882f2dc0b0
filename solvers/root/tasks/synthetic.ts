/**
 * @module Synthetic benchmark tasks (specs/root.md §4, SOLVENT protocol after Design-Bench): y = −f for quadratic
 * (Σ(x−0.5)², [0,1]^d), Ackley ([−5,10]^d), Rastrigin ([−5,10]^d), Rosenbrock ([−2,2]^d), Levy ([−10,10]^d);
 * N i.i.d. uniform points from the benchmark seed (quadratic 2,000; others 5,000 for d ≤ 30, else 10,000); the
 * offline set is the bottom 40 % (y ≤ NumPy-linear 40th percentile); y_min = min over the N samples, y_max = 0.
 */
import type { Rng } from '../../core/rng.js';
import { percentileLinear } from '../normalise.js';

export type SyntheticTask = 'quadratic' | 'ackley' | 'rastrigin' | 'rosenbrock' | 'levy';

export const DOMAINS: Record<SyntheticTask, [number, number]> = {
  quadratic: [0, 1],
  ackley: [-5, 10],
  rastrigin: [-5, 10],
  rosenbrock: [-2, 2],
  levy: [-10, 10],
};

/** The minimised test function f at x[off .. off+d). */
export function testFunction(task: SyntheticTask, d: number, x: ArrayLike<number>, off = 0): number {
  switch (task) {
    case 'quadratic': {
      let s = 0;
      for (let i = 0; i < d; i++) s += (x[off + i] - 0.5) ** 2;
      return s;
    }
    case 'ackley': {
      let s2 = 0;
      let sc = 0;
      for (let i = 0; i < d; i++) {
        s2 += x[off + i] ** 2;
        sc += Math.cos(2 * Math.PI * x[off + i]);
      }
      return -20 * Math.exp(-0.2 * Math.sqrt(s2 / d)) - Math.exp(sc / d) + 20 + Math.E;
    }
    case 'rastrigin': {
      let s = 10 * d;
      for (let i = 0; i < d; i++) s += x[off + i] ** 2 - 10 * Math.cos(2 * Math.PI * x[off + i]);
      return s;
    }
    case 'rosenbrock': {
      let s = 0;
      for (let i = 0; i + 1 < d; i++) s += 100 * (x[off + i + 1] - x[off + i] ** 2) ** 2 + (1 - x[off + i]) ** 2;
      return s;
    }
    case 'levy': {
      const w = (i: number) => 1 + (x[off + i] - 1) / 4;
      let s = Math.sin(Math.PI * w(0)) ** 2;
      for (let i = 0; i + 1 < d; i++) s += (w(i) - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w(i) + 1) ** 2);
      const wd = w(d - 1);
      s += (wd - 1) ** 2 * (1 + Math.sin(2 * Math.PI * wd) ** 2);
      return s;
    }
  }
}

export function sampleCount(task: SyntheticTask, d: number): number {
  if (task === 'quadratic') return 2000;
  return d <= 30 ? 5000 : 10000;
}

export interface SyntheticData {
  task: SyntheticTask;
  d: number;
  N: number;
  X: Float64Array;
  y: Float64Array;
  yMin: number;
  yMax: number;
  threshold: number;
}

export function generateSynthetic(task: SyntheticTask, d: number, rng: Rng): SyntheticData {
  const N = sampleCount(task, d);
  const [lo, hi] = DOMAINS[task];
  const all = rng.fillUniform(new Float64Array(N * d), lo, hi);
  const yAll = new Float64Array(N);
  let yMin = Number.POSITIVE_INFINITY;
  for (let i = 0; i < N; i++) {
    yAll[i] = -testFunction(task, d, all, i * d);
    if (yAll[i] < yMin) yMin = yAll[i];
  }
  const threshold = percentileLinear(yAll, 40);
  let n = 0;
  for (let i = 0; i < N; i++) if (yAll[i] <= threshold) n++;
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < N; i++) {
    if (yAll[i] > threshold) continue;
    X.set(all.subarray(i * d, (i + 1) * d), k * d);
    y[k++] = yAll[i];
  }
  return { task, d, N, X, y, yMin, yMax: 0, threshold };
}
