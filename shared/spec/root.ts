/**
 * @module Job spec of the `root` solver (DESIGN §7, specs/root.md "Solvent contract"): offline black-box optimisation
 * by distributional translation (ROOT). Problem kinds `continuous`, `categorical`, `benchmark`; options with the
 * spec's defaults (presets and `auto` rules are resolved by the solver and echoed in the result).
 * Minimal example: `{"solver": "root", "problem": {"kind": "benchmark", "task": "quadratic"}, "options": {"epochs": 5}}`.
 */
import { z } from 'zod';
import { denseMatrixSchema, finite, tooLarge, vectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';
import { ID_PATTERN } from '../jobs/ids.js';

export const ROOT_TASKS = ['tfbind8', 'ackley', 'rosenbrock', 'rastrigin', 'levy', 'quadratic'] as const;
export type RootTask = (typeof ROOT_TASKS)[number];
export const ROOT_METHODS = ['root', 'gradient-ascent', 'random'] as const;
export const ROOT_VARIANTS = ['corrected', 'reference'] as const;

/** Size limits of the contract (413 when exceeded). */
export const ROOT_LIMITS = { maxRows: 200_000, maxDim: 512, maxLength: 256, maxAlphabet: 64, maxEncodedDim: 512 } as const;

function checkY(X: { shape: [number, number] }, y: number[], ctx: z.RefinementCtx): void {
  const n = X.shape[0];
  if (n < 2) ctx.addIssue({ code: 'custom', path: ['X', 'shape', 0], message: `needs at least 2 rows, got ${n}` });
  if (n > ROOT_LIMITS.maxRows) tooLarge(ctx, ['X', 'shape', 0], 'number of rows', n, ROOT_LIMITS.maxRows);
  if (y.length !== n) {
    ctx.addIssue({ code: 'custom', path: ['y'], message: `y has ${y.length} entries, X has ${n} rows` });
    return;
  }
  let same = true;
  for (let i = 1; i < y.length && same; i++) same = y[i] === y[0];
  if (same && y.length > 0) ctx.addIssue({ code: 'custom', path: ['y'], message: 'y has zero variance' });
}

export const rootContinuousProblemSchema = z
  .object({ kind: z.literal('continuous'), X: denseMatrixSchema, y: vectorSchema })
  .strict()
  .superRefine((p, ctx) => {
    const d = p.X.shape[1];
    if (d < 1) ctx.addIssue({ code: 'custom', path: ['X', 'shape', 1], message: 'needs at least 1 column' });
    if (d > ROOT_LIMITS.maxDim) tooLarge(ctx, ['X', 'shape', 1], 'number of columns', d, ROOT_LIMITS.maxDim);
    checkY(p.X, p.y, ctx);
  });

export const rootCategoricalProblemSchema = z
  .object({
    kind: z.literal('categorical'),
    X: denseMatrixSchema,
    alphabetSize: z.number().int().min(2).max(ROOT_LIMITS.maxAlphabet),
    y: vectorSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    const L = p.X.shape[1];
    if (L < 1) ctx.addIssue({ code: 'custom', path: ['X', 'shape', 1], message: 'needs at least 1 position' });
    if (L > ROOT_LIMITS.maxLength) tooLarge(ctx, ['X', 'shape', 1], 'sequence length', L, ROOT_LIMITS.maxLength);
    const enc = L * (p.alphabetSize - 1);
    if (enc > ROOT_LIMITS.maxEncodedDim) tooLarge(ctx, ['X', 'shape', 1], 'encoded dimension L·(C−1)', enc, ROOT_LIMITS.maxEncodedDim);
    const C = p.alphabetSize;
    let bad = 0;
    for (let k = 0; k < p.X.data.length && bad < 10; k++) {
      const v = p.X.data[k];
      if (!Number.isInteger(v) || v < 0 || v >= C) {
        ctx.addIssue({ code: 'custom', path: ['X', 'data', k], message: `token ${v} is not an integer in 0..${C - 1}` });
        bad++;
      }
    }
    checkY(p.X, p.y, ctx);
  });

export const rootBenchmarkProblemSchema = z
  .object({
    kind: z.literal('benchmark'),
    task: z.enum(ROOT_TASKS),
    dim: z.number().int().min(1).max(100).optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.task === 'tfbind8' && p.dim !== undefined && p.dim !== 8) {
      ctx.addIssue({ code: 'custom', path: ['dim'], message: 'tfbind8 has 8 positions (dim must be absent or 8)' });
    }
    if (p.task === 'rosenbrock' && p.dim !== undefined && p.dim < 2) {
      ctx.addIssue({ code: 'custom', path: ['dim'], message: 'rosenbrock needs dim ≥ 2' });
    }
  });

export const rootProblemSchema = z.discriminatedUnion('kind', [rootContinuousProblemSchema, rootCategoricalProblemSchema, rootBenchmarkProblemSchema]);
export type RootProblem = z.infer<typeof rootProblemSchema>;

const positive = finite.refine((v) => v > 0, { message: 'must be > 0' });

export const rootOptionsSchema = z
  .object({
    method: z.enum(ROOT_METHODS).default('root'),
    variant: z.enum(ROOT_VARIANTS).default('corrected'),
    candidates: z.number().int().min(1).max(1024).default(128),
    epochs: z.number().int().min(1).max(1000).default(100),
    functionsPerEpoch: z.number().int().min(1).max(64).default(8),
    startPoints: z.number().int().min(1).max(100_000).default(1024),
    poolSize: z.number().int().min(1).max(200_000).default(1024),
    gradientSteps: z.number().int().min(0).max(10_000).default(100),
    /** Walk step η; absent = task preset, else `auto` (0.001·ℓ0²). */
    stepSize: z.union([positive, z.literal('auto')]).optional(),
    /** RBF ℓ0 in z-scored units; absent = task preset, else `auto` (median heuristic). */
    lengthscale: z.union([positive, z.literal('auto')]).optional(),
    /** σ²0; absent = task preset, else 1. */
    outputscale: positive.optional(),
    perturbation: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }).default(0.25),
    gpNoise: positive.default(0.01),
    gpRows: z.union([z.number().int().min(2).max(200_000), z.literal('auto')]).default('auto'),
    pairThreshold: finite.refine((v) => v >= 0, { message: 'must be ≥ 0' }).default(0.001),
    hidden: z.number().int().min(16).max(4096).default(1024),
    batchSize: z.number().int().min(1).max(4096).default(64),
    accumulate: z.number().int().min(1).max(16).default(2),
    learningRate: positive.default(1e-3),
    cfgDropout: z.number().min(0).max(1).default(0.15),
    samplingSteps: z.number().int().min(2).max(1000).default(200),
    samplerEta: z.number().min(0).max(1).default(0.2),
    /** CFG weight w; absent = W_TUNED (corrected) or −1.5 (reference). */
    guidance: z.number().min(-5).max(5).optional(),
    target: z.union([finite, z.literal('auto')]).default('auto'),
    targetMargin: z.number().min(0).max(10).default(1.0),
    timeLimitS: positive.optional(),
    /**
     * Sample from the bridge an earlier succeeded `root` job of the same tenant trained (its bridge-*.npy artifacts)
     * instead of training: same problem, any seed, candidates, guidance, sampler settings and target.
     */
    bridge: z.object({ job: z.string().regex(ID_PATTERN, 'must be a job id (26 characters, Crockford base 32)') }).strict().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.bridge && o.method !== 'root') {
      ctx.addIssue({ code: 'custom', path: ['bridge'], message: `a trained bridge is only used by method "root" (got "${o.method}")` });
    }
    const l0 = typeof o.lengthscale === 'number' ? o.lengthscale : undefined;
    const s0 = o.outputscale;
    const lim = Math.min(l0 ?? Number.POSITIVE_INFINITY, s0 ?? Number.POSITIVE_INFINITY);
    if (o.perturbation >= lim) {
      ctx.addIssue({ code: 'custom', path: ['perturbation'], message: `perturbation must be below min(lengthscale, outputscale) = ${lim}` });
    }
  });
export type RootOptions = z.infer<typeof rootOptionsSchema>;

export const rootSpecSchema = z
  .object({
    solver: z.literal('root'),
    problem: rootProblemSchema,
    options: rootOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict();
export type RootSpec = z.infer<typeof rootSpecSchema>;
