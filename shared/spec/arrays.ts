/**
 * @module Array encodings of the job spec (DESIGN §2): vectors, dense row-major matrices, CSR matrices and
 * grids. Consistency (lengths vs shapes, CSR structure, index ranges) is checked once here, with JSON paths.
 * A size-limit violation is tagged `params.tooLarge` so the API answers 413 naming the limit.
 */
import { z } from 'zod';

/** Hard cap on numbers in any one inline array (the 5 MB body limit is stricter for inline data). */
export const MAX_ARRAY_LENGTH = 1 << 26;

export const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
export const nonNegInt = z.number().int().min(0);
export const positiveInt = z.number().int().min(1);

export function tooLarge(ctx: z.RefinementCtx, path: (string | number)[], what: string, value: number, limit: number): void {
  ctx.addIssue({
    code: 'custom',
    path,
    message: `${what} is ${value}, above the limit of ${limit}`,
    params: { tooLarge: true, limit },
  });
}

export const vectorSchema = z.array(finite).max(MAX_ARRAY_LENGTH);
export type Vector = z.infer<typeof vectorSchema>;

export const intVectorSchema = z.array(z.number().int()).max(MAX_ARRAY_LENGTH);

export const denseMatrixSchema = z
  .object({
    shape: z.tuple([nonNegInt, nonNegInt]),
    data: vectorSchema,
  })
  .strict()
  .superRefine((m, ctx) => {
    const [r, c] = m.shape;
    if (m.data.length !== r * c) {
      ctx.addIssue({
        code: 'custom',
        path: ['data'],
        message: `data has ${m.data.length} entries, shape [${r}, ${c}] needs ${r * c}`,
      });
    }
  })
  .describe('Dense matrix, row-major: entry (i, j) at data[i*n + j]');
export type DenseMatrix = z.infer<typeof denseMatrixSchema>;

export const csrMatrixSchema = z
  .object({
    shape: z.tuple([nonNegInt, nonNegInt]),
    indptr: z.array(nonNegInt).max(MAX_ARRAY_LENGTH),
    indices: z.array(nonNegInt).max(MAX_ARRAY_LENGTH),
    values: vectorSchema,
  })
  .strict()
  .superRefine((m, ctx) => {
    const [r, c] = m.shape;
    if (m.indptr.length !== r + 1) {
      ctx.addIssue({ code: 'custom', path: ['indptr'], message: `indptr has ${m.indptr.length} entries, needs rows + 1 = ${r + 1}` });
      return;
    }
    if (m.indices.length !== m.values.length) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `values has ${m.values.length} entries, indices has ${m.indices.length}` });
      return;
    }
    if (m.indptr[0] !== 0) ctx.addIssue({ code: 'custom', path: ['indptr', 0], message: 'indptr must start at 0' });
    if (m.indptr[r] !== m.indices.length) {
      ctx.addIssue({ code: 'custom', path: ['indptr', r], message: `indptr must end at nnz = ${m.indices.length}` });
    }
    for (let i = 0; i < r; i++) {
      if (m.indptr[i + 1] < m.indptr[i]) {
        ctx.addIssue({ code: 'custom', path: ['indptr', i + 1], message: 'indptr must be non-decreasing' });
        return;
      }
    }
    for (let k = 0; k < m.indices.length; k++) {
      if (m.indices[k] >= c) {
        ctx.addIssue({ code: 'custom', path: ['indices', k], message: `column index ${m.indices[k]} out of range [0, ${c})` });
        return;
      }
    }
  })
  .describe('Sparse matrix in CSR form');
export type CsrMatrix = z.infer<typeof csrMatrixSchema>;

export const matrixSchema = z.union([denseMatrixSchema, csrMatrixSchema]);
export type Matrix = z.infer<typeof matrixSchema>;

export function isCsr(m: Matrix): m is CsrMatrix {
  return 'indptr' in m;
}

export const gridSchema = z
  .object({
    shape: z.array(positiveInt).min(1).max(3),
    data: vectorSchema,
  })
  .strict()
  .superRefine((g, ctx) => {
    const n = g.shape.reduce((a, b) => a * b, 1);
    if (g.data.length !== n) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: `data has ${g.data.length} entries, shape [${g.shape.join(', ')}] needs ${n}` });
    }
  })
  .describe('Grid/image, row-major (last axis fastest)');
export type Grid = z.infer<typeof gridSchema>;

export function matrixRows(m: Matrix): number {
  return m.shape[0];
}
export function matrixCols(m: Matrix): number {
  return m.shape[1];
}
