/**
 * @module Builds the problem model of a parsed `bilevel` spec (specs/bilevel.md §1.8, §4.2): the quadratic
 * matrices, TV/FoE image batches (inline or seeded synthetic from ctx.rng), multinomial splits; and the
 * natural-unit view of θ (`hyperparameters`) per kind.
 */
import type { BilevelSpec } from '../../shared/index.js';
import type { RunContext } from '../core/types.js';
import type { F64 } from '../kernels/ops.js';
import { createFoeModel, foeTheta0 } from './problems/foe.js';
import { inlineImages, syntheticImages } from './problems/images.js';
import { createMultinomialModel, type Split } from './problems/multinomial.js';
import { createQuadraticModel } from './problems/quadratic.js';
import { createTvModel, type ImageBatch } from './problems/tv.js';
import type { BilevelModel } from './problems/types.js';

export interface BuiltProblem {
  model: BilevelModel;
  images?: ImageBatch;
  multinomial?: { train: Split; validation: Split; test?: Split; classes: number };
  hyperparameters(theta: F64): Record<string, unknown>;
}

const f64 = (a: number[]): F64 => Float64Array.from(a);

function split(s: { X: { shape: [number, number]; data: number[] }; labels: number[] }): Split {
  return { m: s.X.shape[0], X: f64(s.X.data), labels: Int32Array.from(s.labels) };
}

export function buildProblem(spec: BilevelSpec, ctx: RunContext): BuiltProblem {
  const pr = spec.problem;
  const theta0 = spec.options.theta0 ? f64(spec.options.theta0) : undefined;
  if (pr.kind === 'quadratic') {
    const model = createQuadraticModel(
      {
        A1: f64(pr.A1.data),
        b1: f64(pr.b1),
        A2: f64(pr.A2.data),
        A3: f64(pr.A3.data),
        b2: f64(pr.b2),
        n1: pr.A1.shape[0],
        n2: pr.A2.shape[0],
        dx: pr.A1.shape[1],
        p: pr.A3.shape[1],
        x0: pr.x0 ? f64(pr.x0) : undefined,
        theta0,
      },
      ctx.kernels,
    );
    return { model, hyperparameters: (t) => ({ theta: Array.from(t) }) };
  }
  if (pr.kind === 'tv-denoising' || pr.kind === 'foe-denoising') {
    const foe = pr.kind === 'foe-denoising';
    const images = pr.synthetic
      ? syntheticImages(pr.synthetic.count, pr.synthetic.size, pr.synthetic.size, pr.synthetic.noise, ctx.rng.fork(pr.synthetic.seed), foe)
      : inlineImages(pr.images ?? []);
    if (!foe) {
      const model = createTvModel(images, ctx.kernels, theta0);
      return { model, images, hyperparameters: (t) => ({ weight: Math.exp(t[0]), smoothing: Math.exp(t[1]) }) };
    }
    const F = pr.filters;
    const f = pr.filterSize;
    const t0 = theta0 ?? foeTheta0(F, f, ctx.rng.fork(7919), spec.options.variant === 'reference');
    const model = createFoeModel(images, F, f, ctx.kernels, t0);
    return {
      model,
      images,
      hyperparameters: (t) => ({
        weight: Math.exp(t[0]),
        filterWeights: Array.from(t.subarray(1, 1 + F), Math.exp),
        smoothings: Array.from(t.subarray(1 + F, 1 + 2 * F), Math.exp),
        filters: { shape: [F, f, f], data: Array.from(t.subarray(1 + 2 * F)) },
      }),
    };
  }
  const train = split(pr.train);
  const validation = split(pr.validation);
  const test = pr.test ? split(pr.test) : undefined;
  const d = pr.train.X.shape[1];
  const model = createMultinomialModel(train, validation, d, pr.classes, ctx.kernels, theta0);
  return {
    model,
    multinomial: { train, validation, test, classes: pr.classes },
    hyperparameters: (t) => ({ penalties: { shape: [d, pr.classes], data: Array.from(t, Math.exp) } }),
  };
}
