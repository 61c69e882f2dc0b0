/**
 * @module Fields common to every job spec (DESIGN §2): seed, backend, name, tags; and the upload reference
 * a problem may be given as instead of inline data.
 */
import { z } from 'zod';

export const SOLVER_NAMES = ['bcd', 'bilevel', 'root', 'fdr'] as const;
export type SolverName = (typeof SOLVER_NAMES)[number];

export const BACKENDS = ['auto', 'cpu', 'gpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export const specCommonShape = {
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  backend: z.enum(BACKENDS).default('auto'),
  name: z.string().max(200).optional(),
  tags: z
    .record(z.string().min(1).max(64), z.string().max(256))
    .refine((t) => Object.keys(t).length <= 32, { message: 'at most 32 tags' })
    .optional(),
};

export const UPLOAD_REF_PATTERN = /^uploads\/[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
export const problemRefSchema = z
  .object({ ref: z.string().regex(UPLOAD_REF_PATTERN, 'must look like uploads/<id>') })
  .strict()
  .describe('A problem uploaded with POST /v1/uploads (JSON of the inline problem object)');
export type ProblemRef = z.infer<typeof problemRefSchema>;
