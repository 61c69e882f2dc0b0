/**
 * @module Job spec of the `fdr` solver (DESIGN §7, specs/fdr.md "Solvent contract").
 * PLACEHOLDER owned by the fdr solver work: refine options/validation/limits (memory footprint) from the spec.
 */
import { z } from 'zod';
import { denseMatrixSchema, gridSchema, vectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';

export const fdrProblemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('samples'), X: denseMatrixSchema, y: vectorSchema }).strict(),
  z.object({ kind: z.literal('grid'), values: gridSchema }).strict(),
]);
export type FdrProblem = z.infer<typeof fdrProblemSchema>;

const lambda = z.union([z.number().min(1e-3).max(1e6), z.literal('sure')]);
const nu = z.union([z.number().min(1e-6).max(10), z.literal('sure')]);
export const fdrOptionsSchema = z
  .object({
    variant: z.enum(['corrected', 'reference']).default('corrected'),
    resolution: z.union([z.number().int().min(2), z.array(z.number().int().min(2)).min(1).max(3)]).optional(),
    levels: z.number().int().min(4).max(128).default(32),
    lambda: lambda.default('sure'),
    nu: nu.default('sure'),
    maxIterations: z.number().int().min(1).max(100000).default(5000),
    tolerance: z.number().min(0).max(1e-2).default(5e-5),
  })
  .strict();
export type FdrOptions = z.infer<typeof fdrOptionsSchema>;

export const fdrSpecSchema = z
  .object({
    solver: z.literal('fdr'),
    problem: fdrProblemSchema,
    options: fdrOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict();
export type FdrSpec = z.infer<typeof fdrSpecSchema>;
