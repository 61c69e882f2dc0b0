/**
 * @module The job spec (DESIGN §2): a discriminated union on `solver`, then on `problem.kind`.
 * `validateSpec` turns zod issues into the API's `{path, message}` list; size-limit issues become 413.
 */
import { z } from 'zod';
import { InvalidSpecError, TooLargeError, type Issue } from '../errors.js';
import { bcdSpecSchema } from './bcd.js';
import { bilevelSpecSchema } from './bilevel.js';
import { fdrSpecSchema } from './fdr.js';
import { rootSpecSchema } from './root.js';

export * from './arrays.js';
export * from './common.js';
export * from './bcd.js';
export * from './bilevel.js';
export * from './fdr.js';
export * from './root.js';

export const jobSpecSchema = z.discriminatedUnion('solver', [bcdSpecSchema, bilevelSpecSchema, rootSpecSchema, fdrSpecSchema]);
export type JobSpec = z.infer<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;

export const SPEC_SCHEMAS = {
  bcd: bcdSpecSchema,
  bilevel: bilevelSpecSchema,
  root: rootSpecSchema,
  fdr: fdrSpecSchema,
} as const;

/** Inline request bodies above this size are refused with 413 (use POST /v1/uploads). */
export const INLINE_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** Uploaded problems (by `ref`) may be up to this size. */
export const UPLOAD_LIMIT_BYTES = 256 * 1024 * 1024;

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

interface FlatIssue extends Issue {
  tooLarge?: number;
}

/** Flattens zod issues; for a failed union, reports the branch that came closest (fewest issues). */
export function flattenIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): FlatIssue[] {
  const out: FlatIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0 && !('discriminator' in issue && issue.discriminator)) {
      let best = issue.errors[0];
      for (const branch of issue.errors) if (branch.length < best.length) best = branch;
      out.push(...flattenIssues(best, path));
      continue;
    }
    const flat: FlatIssue = { path: formatPath(path), message: issue.message };
    const params = (issue as { params?: { tooLarge?: boolean; limit?: number } }).params;
    if (params?.tooLarge && typeof params.limit === 'number') flat.tooLarge = params.limit;
    out.push(flat);
  }
  return out;
}

/** Throws InvalidSpecError (400) or TooLargeError (413) listing every issue with its JSON path. */
export function raiseIssues(issues: FlatIssue[], what = 'job spec'): never {
  const plain: Issue[] = issues.map(({ path, message }) => ({ path, message }));
  const big = issues.find((i) => i.tooLarge !== undefined);
  if (big) throw new TooLargeError(`${what} exceeds a size limit: ${big.path ? `${big.path}: ` : ''}${big.message}`, big.tooLarge as number, { issues: plain });
  const first = plain[0];
  throw new InvalidSpecError(`invalid ${what}: ${plain.length} issue(s); first: ${first.path || '(root)'}: ${first.message}`, plain);
}

export function validateSpec(input: unknown): JobSpec {
  const parsed = jobSpecSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  raiseIssues(flattenIssues(parsed.error.issues));
}
