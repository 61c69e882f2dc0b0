/**
 * @module Job spec of the `bcd` solver (DESIGN §7, specs/bcd.md "Solvent contract").
 * Minimal example: `{"solver":"bcd","problem":{"kind":"least-squares","A":{"shape":[2,2],"data":[1,0,0,1]},"b":[1,2]}}`
 * PLACEHOLDER owned by the bcd solver work: refine options/validation from the spec.
 */
import { z } from 'zod';
import { csrMatrixSchema, matrixSchema, vectorSchema, intVectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';

const A = matrixSchema;
export const bcdProblemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('least-squares'), A, b: vectorSchema }).strict(),
  z.object({ kind: z.literal('lasso'), A, b: vectorSchema, lambda: z.number().min(0), nonnegative: z.boolean().default(false) }).strict(),
  z.object({ kind: z.literal('logistic'), A, y: vectorSchema, lambda2: z.number().min(0).default(0) }).strict(),
  z.object({ kind: z.literal('l1-logistic'), A, y: vectorSchema, lambda: z.number().min(0) }).strict(),
  z.object({ kind: z.literal('multinomial-logistic'), A, labels: intVectorSchema, classes: z.number().int().min(2) }).strict(),
  z.object({ kind: z.literal('quadratic'), Q: csrMatrixSchema, c: vectorSchema }).strict(),
  z
    .object({
      kind: z.literal('label-propagation'),
      W: csrMatrixSchema,
      labels: z.object({ indices: intVectorSchema, values: vectorSchema }).strict(),
    })
    .strict(),
]);
export type BcdProblem = z.infer<typeof bcdProblemSchema>;

export const bcdOptionsSchema = z
  .object({
    blockSize: z.number().int().min(1).optional(),
    blocks: z.enum(['fixed-sorted', 'fixed-order', 'fixed-random', 'variable', 'greedy-forest', 'forest-partition', 'red-black']).optional(),
    rule: z.enum(['cyclic', 'random', 'lipschitz', 'gs', 'gsl', 'gsd', 'gsq']).optional(),
    update: z.enum(['gradient', 'matrix', 'newton', 'exact', 'two-metric']).optional(),
    maxIterations: z.number().int().min(1).max(1e8).default(10000),
    tolerance: z.number().min(0).lt(1).default(1e-6),
  })
  .strict();
export type BcdOptions = z.infer<typeof bcdOptionsSchema>;

export const bcdSpecSchema = z
  .object({
    solver: z.literal('bcd'),
    problem: bcdProblemSchema,
    options: bcdOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict();
export type BcdSpec = z.infer<typeof bcdSpecSchema>;
