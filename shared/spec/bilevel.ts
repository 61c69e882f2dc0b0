/**
 * @module Job spec of the `bilevel` solver (DESIGN §7, specs/bilevel.md "Solvent contract").
 * PLACEHOLDER owned by the bilevel solver work: refine options/validation/limits from the spec.
 */
import { z } from 'zod';
import { denseMatrixSchema, gridSchema, intVectorSchema, vectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';

const imagesData = {
  images: z.array(z.object({ clean: gridSchema, noisy: gridSchema }).strict()).min(1).max(64).optional(),
  synthetic: z
    .object({ count: z.number().int().min(1).max(64), size: z.number().int().min(2).max(1024), noise: z.number().min(0), seed: z.number().int().min(0).default(0) })
    .strict()
    .optional(),
};
const split = z.object({ X: denseMatrixSchema, labels: intVectorSchema }).strict();

export const bilevelProblemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('quadratic'), A1: denseMatrixSchema, b1: vectorSchema, A2: denseMatrixSchema, A3: denseMatrixSchema, b2: vectorSchema, x0: vectorSchema.optional() }).strict(),
  z.object({ kind: z.literal('tv-denoising'), ...imagesData }).strict(),
  z.object({ kind: z.literal('foe-denoising'), ...imagesData, filters: z.number().int().min(1).max(64).default(48), filterSize: z.number().int().min(3).max(11).default(7) }).strict(),
  z.object({ kind: z.literal('multinomial-logistic'), train: split, validation: split, test: split.optional(), classes: z.number().int().min(2).max(100) }).strict(),
]);
export type BilevelProblem = z.infer<typeof bilevelProblemSchema>;

export const bilevelOptionsSchema = z
  .object({
    method: z.enum(['maid', 'fixed-accuracy', 'hoag']).default('maid'),
    theta0: vectorSchema.optional(),
    eps0: z.number().gt(0).max(1e6).default(0.1),
    delta0: z.number().gt(0).max(1e6).default(0.1),
    alpha0: z.union([z.number().gt(0), z.literal('auto')]).optional(),
    rho: z.number().gt(0).lt(1).optional(),
    rhoBar: z.number().min(1).max(10).default(10 / 9),
    nu: z.number().gt(0).lt(1).default(0.5),
    nuBar: z.number().min(1).max(10).optional(),
    eta: z.number().gt(0).lt(1).default(1e-4),
    lambda: z.number().gt(0).lt(1).default(1e-8),
    maxIterations: z.number().int().min(1).max(1e6).optional(),
    budget: z.number().int().min(1).max(1e10).default(1e6),
    tolerance: z.number().min(0).default(0),
  })
  .strict();
export type BilevelOptions = z.infer<typeof bilevelOptionsSchema>;

export const bilevelSpecSchema = z
  .object({
    solver: z.literal('bilevel'),
    problem: bilevelProblemSchema,
    options: bilevelOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict();
export type BilevelSpec = z.infer<typeof bilevelSpecSchema>;
