/**
 * @module Job spec of the `fdr` solver (DESIGN §7, specs/fdr.md "Solvent contract"): problems `samples` and `grid`,
 * options with the spec's defaults, and the size limits of "Size limits and memory footprint" (413 `too_large`):
 * N ≤ 2²² cells, liftedBytes = 16·d·N·P + 96·N·L + 32·N ≤ 2 GiB, N·P ≤ 2²⁶ texels, P = L(L+1)/2.
 */
import { z } from 'zod';
import { denseMatrixSchema, gridSchema, tooLarge, vectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';

export const FDR_LIMITS = {
  minSamples: 10,
  maxSamples: 5_000_000,
  maxCells: 2 ** 22,
  maxLiftedBytes: 2 ** 31,
  maxTexels: 2 ** 26,
  maxAxis: 4096,
  maxAxis1d: 65_536,
} as const;

/** Bytes of the lifted state (bounds both back-ends; spec "Size limits and memory footprint"). */
export function fdrLiftedBytes(d: number, cells: number, levels: number): number {
  const P = (levels * (levels + 1)) / 2;
  return 16 * d * cells * P + 96 * cells * levels + 32 * cells;
}

export const fdrProblemSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('samples'), X: denseMatrixSchema, y: vectorSchema })
    .strict()
    .describe('Scattered samples: X [n×d] (d = 1, 2, 3) row-major, y of length n'),
  z.object({ kind: z.literal('grid'), values: gridSchema }).strict().describe('Gridded values, one observation per cell'),
]);
export type FdrProblem = z.infer<typeof fdrProblemSchema>;

const lambdaValue = z.number().min(1e-3).max(1e6);
const nuValue = z.number().min(1e-6).max(10);
const range = (lo: number, hi: number) =>
  z
    .tuple([z.number().gt(0).max(hi), z.number().gt(0).max(hi)])
    .refine((r) => r[0] <= r[1], { message: 'lo must be ≤ hi' })
    .describe(`[lo, hi] with 0 < lo ≤ hi ≤ ${hi} (default lower end ${lo})`);

export const fdrSureSchema = z
  .object({
    candidates: z.array(z.object({ lambda: lambdaValue, nu: nuValue }).strict()).min(1).max(1000).optional(),
    search: z
      .object({
        method: z.enum(['grid', 'random']).default('grid'),
        lambda: range(1, 1e6).default([1, 500]),
        nu: range(0.001, 10).default([0.001, 1]),
        scale: z.enum(['log', 'uniform']).default('log'),
        points: z.number().int().min(1).max(32).default(6),
        samples: z.number().int().min(1).max(1000).default(36),
      })
      .strict()
      .prefault({}),
    probes: z.number().int().min(1).max(10).default(1),
    epsilon: z.number().gt(0).max(0.5).default(0.01),
    noiseVariance: z
      .union([z.enum(['auto', 'nn-difference', 'second-difference', 'wavelet-mad']), z.number().gt(0)])
      .default('auto'),
  })
  .strict();

export const fdrOptionsSchema = z
  .object({
    variant: z.enum(['corrected', 'reference']).default('corrected'),
    resolution: z.union([z.number().int().min(2).max(FDR_LIMITS.maxAxis1d), z.array(z.number().int().min(2).max(FDR_LIMITS.maxAxis1d)).min(1).max(3)]).optional(),
    normalize: z.enum(['per-axis', 'isotropic']).default('per-axis'),
    levels: z.number().int().min(4).max(128).default(32),
    lambda: z.union([lambdaValue, z.literal('sure')]).default('sure'),
    nu: z.union([nuValue, z.literal('sure')]).default('sure'),
    sure: fdrSureSchema.prefault({}),
    maxIterations: z.number().int().min(1).max(100_000).default(5000),
    tolerance: z.number().min(0).max(1e-2).default(5e-5),
    jumpThreshold: z.union([z.literal('ms'), z.number().gt(0).max(1)]).default('ms'),
    jumpSearch: z.number().int().min(1).max(50).default(5),
  })
  .strict();
export type FdrOptions = z.infer<typeof fdrOptionsSchema>;

/** Column ranges of X (max − min per column), row-major n×d. */
export function fdrColumnRanges(X: { shape: [number, number]; data: number[] }): { min: number[]; max: number[] } {
  const [n, d] = X.shape;
  const min = new Array<number>(d).fill(Infinity);
  const max = new Array<number>(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = X.data[i * d + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  return { min, max };
}

/**
 * Cells per axis (spec §1.7 and the `resolution` option): samples default ⌊(n/20)^{1/d}⌋ clamped to the valid
 * range; isotropic: one integer = cells along the longest axis, n_j = max(2, ⌈range_j/range_max · n⌉).
 */
export function fdrGridShape(problem: FdrProblem, options: Pick<FdrOptions, 'resolution' | 'normalize'>, ranges?: number[]): number[] {
  if (problem.kind === 'grid') return problem.values.shape.slice();
  const [n, d] = problem.X.shape;
  const maxAxis = d === 1 ? FDR_LIMITS.maxAxis1d : FDR_LIMITS.maxAxis;
  const clampAxis = (v: number) => Math.max(2, Math.min(maxAxis, Math.floor(v)));
  const res = options.resolution;
  if (options.normalize === 'isotropic' && !Array.isArray(res)) {
    const base = clampAxis(res ?? (n / 20) ** (1 / d));
    const r = ranges ?? (() => {
      const { min, max } = fdrColumnRanges(problem.X);
      return min.map((m, j) => max[j] - m);
    })();
    const rmax = Math.max(...r);
    return r.map((rj) => clampAxis(Math.ceil((rj / rmax) * base - 1e-9)));
  }
  if (Array.isArray(res)) return res.slice();
  if (res !== undefined) return new Array<number>(d).fill(res);
  return new Array<number>(d).fill(clampAxis((n / 20) ** (1 / d) + 1e-9));
}

export const fdrSpecSchema = z
  .object({
    solver: z.literal('fdr'),
    problem: fdrProblemSchema,
    options: fdrOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict()
  .superRefine((spec, ctx) => {
    const { problem, options } = spec;
    let d: number;
    if (problem.kind === 'samples') {
      const [n, dd] = problem.X.shape;
      d = dd;
      if (d < 1 || d > 3) {
        ctx.addIssue({ code: 'custom', path: ['problem', 'X', 'shape', 1], message: `d must be 1, 2 or 3 (got ${d})` });
        return;
      }
      if (problem.y.length !== n) {
        ctx.addIssue({ code: 'custom', path: ['problem', 'y'], message: `y has ${problem.y.length} entries, X has ${n} rows` });
        return;
      }
      if (n < FDR_LIMITS.minSamples) {
        ctx.addIssue({ code: 'custom', path: ['problem', 'X'], message: `at least ${FDR_LIMITS.minSamples} samples are needed (got ${n})` });
        return;
      }
      if (n > FDR_LIMITS.maxSamples) tooLarge(ctx, ['problem', 'X'], 'number of samples', n, FDR_LIMITS.maxSamples);
      if (problem.X.data.length !== n * d) return;
      const { min, max } = fdrColumnRanges(problem.X);
      for (let j = 0; j < d; j++) {
        if (!(max[j] > min[j])) {
          ctx.addIssue({ code: 'custom', path: ['problem', 'X'], message: `column ${j} of X is constant (max = min = ${min[j]})` });
          return;
        }
      }
    } else {
      const shape = problem.values.shape;
      d = shape.length;
      const maxAxis = d === 1 ? FDR_LIMITS.maxAxis1d : FDR_LIMITS.maxAxis;
      for (let j = 0; j < d; j++) {
        if (shape[j] < 2 || shape[j] > maxAxis) {
          ctx.addIssue({ code: 'custom', path: ['problem', 'values', 'shape', j], message: `cells per axis must be in 2..${maxAxis} (got ${shape[j]})` });
          return;
        }
      }
      if (options.resolution !== undefined) {
        const r = Array.isArray(options.resolution) ? options.resolution : new Array<number>(d).fill(options.resolution);
        if (r.length !== d || r.some((v, j) => v !== shape[j])) {
          ctx.addIssue({ code: 'custom', path: ['options', 'resolution'], message: `for grid problems resolution must equal the grid shape [${shape.join(', ')}]` });
          return;
        }
      }
    }
    if (Array.isArray(options.resolution) && options.resolution.length !== d) {
      ctx.addIssue({ code: 'custom', path: ['options', 'resolution'], message: `resolution needs ${d} entries (one per axis), got ${options.resolution.length}` });
      return;
    }
    if (problem.kind === 'samples') {
      const maxAxis = d === 1 ? FDR_LIMITS.maxAxis1d : FDR_LIMITS.maxAxis;
      const r = options.resolution === undefined ? [] : Array.isArray(options.resolution) ? options.resolution : [options.resolution];
      for (let j = 0; j < r.length; j++) {
        if (r[j] > maxAxis) {
          ctx.addIssue({ code: 'custom', path: ['options', 'resolution'], message: `cells per axis must be in 2..${maxAxis} (got ${r[j]})` });
          return;
        }
      }
    }
    const shape = fdrGridShape(problem, options);
    const N = shape.reduce((a, b) => a * b, 1);
    const L = options.levels;
    const P = (L * (L + 1)) / 2;
    if (N > FDR_LIMITS.maxCells) tooLarge(ctx, ['options', 'resolution'], `cells N = ${shape.join('×')}`, N, FDR_LIMITS.maxCells);
    const bytes = fdrLiftedBytes(d, N, L);
    if (bytes > FDR_LIMITS.maxLiftedBytes) {
      tooLarge(ctx, ['options', 'levels'], `liftedBytes = 16·d·N·P + 96·N·L + 32·N (d ${d}, N ${N}, L ${L})`, bytes, FDR_LIMITS.maxLiftedBytes);
    }
    if (N * P > FDR_LIMITS.maxTexels) {
      tooLarge(ctx, ['options', 'levels'], `texels N·P of the largest gpu.js array (N ${N}, P ${P})`, N * P, FDR_LIMITS.maxTexels);
    }
  });
export type FdrSpec = z.infer<typeof fdrSpecSchema>;
export type FdrSpecInput = z.input<typeof fdrSpecSchema>;
