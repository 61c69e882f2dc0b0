/**
 * @module Job spec of the `root` solver (DESIGN §7, specs/root.md "Solvent contract").
 * PLACEHOLDER owned by the root solver work: refine options/validation/limits from the spec.
 */
import { z } from 'zod';
import { denseMatrixSchema, vectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';

export const ROOT_TASKS = ['tfbind8', 'ackley', 'rosenbrock', 'rastrigin', 'levy', 'quadratic'] as const;

export const rootProblemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('continuous'), X: denseMatrixSchema, y: vectorSchema }).strict(),
  z.object({ kind: z.literal('categorical'), X: denseMatrixSchema, alphabetSize: z.number().int().min(2).max(64), y: vectorSchema }).strict(),
  z.object({ kind: z.literal('benchmark'), task: z.enum(ROOT_TASKS), dim: z.number().int().min(1).max(100).optional(), seed: z.number().int().min(0).default(0) }).strict(),
]);
export type RootProblem = z.infer<typeof rootProblemSchema>;

export const rootOptionsSchema = z
  .object({
    method: z.enum(['root', 'gradient-ascent', 'random']).default('root'),
    candidates: z.number().int().min(1).max(1024).default(128),
    epochs: z.number().int().min(1).max(1000).default(100),
    functionsPerEpoch: z.number().int().min(1).max(64).default(8),
    startPoints: z.number().int().min(1).max(100000).default(1024),
    gradientSteps: z.number().int().min(0).max(10000).default(100),
    stepSize: z.union([z.number().gt(0), z.literal('auto')]).optional(),
    lengthscale: z.union([z.number().gt(0), z.literal('auto')]).optional(),
    hidden: z.number().int().min(16).max(4096).default(1024),
    batchSize: z.number().int().min(1).max(4096).default(64),
    samplingSteps: z.number().int().min(2).max(1000).default(200),
    guidance: z.number().min(-5).max(5).optional(),
    target: z.union([z.number(), z.literal('auto')]).default('auto'),
  })
  .strict();
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
