/**
 * @module Job spec of the `bcd` solver (DESIGN §7, specs/bcd.md "Solvent contract"): greedy block-coordinate descent
 * on least squares, lasso, (L1-/multinomial) logistic, sparse quadratics and label propagation.
 * Kind-independent options get their defaults at parse time; kind-dependent ones (`blocks`, `rule`, `update`) are
 * resolved by `resolveBcdOptions` (the solver echoes the result). Validation lists every issue with its JSON path.
 * Minimal example: `{"solver":"bcd","problem":{"kind":"least-squares","A":{"shape":[2,2],"data":[1,0,0,1]},"b":[1,2]}}`
 */
import { z } from 'zod';
import { csrMatrixSchema, finite, intVectorSchema, isCsr, matrixSchema, tooLarge, vectorSchema, type CsrMatrix, type Matrix } from './arrays.js';
import { specCommonShape } from './common.js';

export const BCD_BLOCKS = ['fixed-sorted', 'fixed-order', 'fixed-random', 'variable', 'greedy-forest', 'forest-partition', 'red-black'] as const;
export const BCD_RULES = ['cyclic', 'random', 'lipschitz', 'gs', 'gsl', 'gsd', 'gsq'] as const;
export const BCD_UPDATES = ['gradient', 'matrix', 'newton', 'exact', 'two-metric'] as const;
export type BcdBlocks = (typeof BCD_BLOCKS)[number];
export type BcdRule = (typeof BCD_RULES)[number];
export type BcdUpdate = (typeof BCD_UPDATES)[number];

/** Size limits (413 when exceeded). */
export const BCD_LIMITS = { maxVariables: 50_000_000, maxEntries: 1 << 26, maxDenseBlock: 2000 } as const;

const A = matrixSchema;
export const bcdProblemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('least-squares'), A, b: vectorSchema, x0: vectorSchema.optional() }).strict(),
  z
    .object({ kind: z.literal('lasso'), A, b: vectorSchema, lambda: finite.pipe(z.number().min(0)), nonnegative: z.boolean().default(false), x0: vectorSchema.optional() })
    .strict(),
  z.object({ kind: z.literal('logistic'), A, y: vectorSchema, lambda2: finite.pipe(z.number().min(0)).default(0), x0: vectorSchema.optional() }).strict(),
  z.object({ kind: z.literal('l1-logistic'), A, y: vectorSchema, lambda: finite.pipe(z.number().min(0)), x0: vectorSchema.optional() }).strict(),
  z
    .object({ kind: z.literal('multinomial-logistic'), A, labels: intVectorSchema, classes: z.number().int().min(2).max(100_000), x0: vectorSchema.optional() })
    .strict(),
  z.object({ kind: z.literal('quadratic'), Q: csrMatrixSchema, c: vectorSchema, x0: vectorSchema.optional() }).strict(),
  z
    .object({
      kind: z.literal('label-propagation'),
      W: csrMatrixSchema,
      labels: z.object({ indices: intVectorSchema, values: vectorSchema }).strict(),
      x0: vectorSchema.optional(),
    })
    .strict(),
]);
export type BcdProblem = z.infer<typeof bcdProblemSchema>;
export type BcdProblemKind = BcdProblem['kind'];

export const bcdOptionsSchema = z
  .object({
    blockSize: z.number().int().min(1).default(50),
    blocks: z.enum(BCD_BLOCKS).optional(),
    rule: z.enum(BCD_RULES).optional(),
    update: z.enum(BCD_UPDATES).optional(),
    maxIterations: z.number().int().min(1).max(1e8).default(10000),
    tolerance: z.number().min(0).lt(1).default(1e-6),
    diagonal: z.enum(['lipschitz', 'gershgorin']).default('lipschitz'),
    ihtIterations: z.number().int().min(1).max(100).default(10),
    lipschitzEstimate: z.enum(['bound', 'adaptive']).default('bound'),
    graphOrder: z.enum(['lipschitz', 'index']).default('lipschitz'),
    timeLimitS: z.number().gt(0).optional(),
  })
  .strict();
export type BcdOptions = z.infer<typeof bcdOptionsSchema>;

/** Options with every kind-dependent default resolved (what the result echoes). */
export interface BcdResolvedOptions extends Omit<BcdOptions, 'blocks' | 'rule' | 'update'> {
  blocks: BcdBlocks;
  rule: BcdRule;
  update: BcdUpdate;
}

const GRAPH_KINDS = new Set<BcdProblemKind>(['quadratic', 'label-propagation']);
const L1_KINDS = new Set<BcdProblemKind>(['lasso', 'l1-logistic']);
const FOREST_BLOCKS = new Set<BcdBlocks>(['greedy-forest', 'forest-partition', 'red-black']);

/** Fills the kind-dependent defaults of specs/bcd.md "Options" (and Decision 6: VB + gsl ⇒ Gershgorin diagonal). */
export function resolveBcdOptions(kind: BcdProblemKind, o: BcdOptions): BcdResolvedOptions {
  const graph = GRAPH_KINDS.has(kind);
  const l1 = L1_KINDS.has(kind);
  const blocks: BcdBlocks = o.blocks ?? (graph ? 'greedy-forest' : 'variable');
  const forest = FOREST_BLOCKS.has(blocks);
  let rule: BcdRule;
  if (o.rule) rule = o.rule;
  else if (blocks === 'greedy-forest') rule = 'gsd';
  else if (blocks === 'forest-partition' || blocks === 'red-black') rule = 'cyclic';
  else rule = l1 ? 'gsq' : 'gsd';
  const update: BcdUpdate = o.update ?? (forest ? 'exact' : l1 ? 'newton' : 'matrix');
  const diagonal = blocks === 'variable' && rule === 'gsl' ? 'gershgorin' : o.diagonal;
  return { ...o, blocks, rule, update, diagonal };
}

/** Number of optimisation variables of a problem (label propagation: all N nodes, labelled ones fixed). */
export function bcdVariableCount(p: BcdProblem): number {
  switch (p.kind) {
    case 'quadratic':
      return p.Q.shape[1];
    case 'label-propagation':
      return p.W.shape[0];
    case 'multinomial-logistic':
      return p.A.shape[1] * p.classes;
    default:
      return p.A.shape[1];
  }
}

function matrixEntries(m: Matrix): number {
  return isCsr(m) ? m.values.length : m.shape[0] * m.shape[1];
}

function checkSymmetric(S: CsrMatrix, name: string, ctx: z.RefinementCtx, nonneg: boolean, skipDiag: boolean): void {
  const n = S.shape[0];
  let maxAbs = 0;
  for (const v of S.values) maxAbs = Math.max(maxAbs, Math.abs(v));
  const tol = 1e-12 * maxAbs;
  // Sum duplicates into a map keyed by (i, j): O(nnz).
  const entries = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let k = S.indptr[i]; k < S.indptr[i + 1]; k++) {
      const j = S.indices[k];
      if (skipDiag && i === j) continue;
      if (nonneg && S.values[k] < 0) {
        ctx.addIssue({ code: 'custom', path: ['problem', name, 'values', k], message: `${name}[${i},${j}] = ${S.values[k]} must be ≥ 0` });
        return;
      }
      const key = i * n + j;
      entries.set(key, (entries.get(key) ?? 0) + S.values[k]);
    }
  }
  for (const [key, v] of entries) {
    const i = Math.floor(key / n);
    const j = key - i * n;
    const t = entries.get(j * n + i) ?? 0;
    if (Math.abs(v - t) > tol) {
      ctx.addIssue({ code: 'custom', path: ['problem', name], message: `${name} is not symmetric: entry (${i},${j}) = ${v} but (${j},${i}) = ${t}` });
      return;
    }
  }
}

function checkProblem(p: BcdProblem, ctx: z.RefinementCtx): void {
  const path = (...k: (string | number)[]) => ['problem', ...k];
  if (p.kind === 'quadratic' || p.kind === 'label-propagation') {
    const S = p.kind === 'quadratic' ? p.Q : p.W;
    const name = p.kind === 'quadratic' ? 'Q' : 'W';
    if (S.values.length > BCD_LIMITS.maxEntries) tooLarge(ctx, path(name, 'values'), 'number of nonzeros', S.values.length, BCD_LIMITS.maxEntries);
    if (S.shape[0] !== S.shape[1]) {
      ctx.addIssue({ code: 'custom', path: path(name, 'shape'), message: `${name} must be square, got [${S.shape.join(', ')}]` });
      return;
    }
    if (S.indptr.length !== S.shape[0] + 1 || S.indices.length !== S.values.length) return; // reported by the CSR schema
    const n = S.shape[0];
    for (const idx of S.indices) if (idx >= n) return;
    if (p.kind === 'quadratic') {
      if (p.c.length !== n) ctx.addIssue({ code: 'custom', path: path('c'), message: `c has ${p.c.length} entries, Q is ${n}×${n}` });
      checkSymmetric(S, 'Q', ctx, false, false);
      const diag = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let k = S.indptr[i]; k < S.indptr[i + 1]; k++) if (S.indices[k] === i) diag[i] += S.values[k];
      for (let i = 0; i < n; i++) {
        if (!(diag[i] > 0)) {
          ctx.addIssue({ code: 'custom', path: path('Q'), message: `Q[${i},${i}] = ${diag[i]} must be > 0` });
          break;
        }
      }
    } else {
      checkSymmetric(S, 'W', ctx, true, true);
      const { indices, values } = p.labels;
      if (indices.length !== values.length) {
        ctx.addIssue({ code: 'custom', path: path('labels', 'values'), message: `labels.values has ${values.length} entries, labels.indices has ${indices.length}` });
        return;
      }
      const labelled = new Uint8Array(n);
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k];
        if (i < 0 || i >= n) {
          ctx.addIssue({ code: 'custom', path: path('labels', 'indices', k), message: `label index ${i} out of range [0, ${n})` });
          return;
        }
        if (labelled[i]) {
          ctx.addIssue({ code: 'custom', path: path('labels', 'indices', k), message: `label index ${i} is repeated` });
          return;
        }
        labelled[i] = 1;
      }
      // Every connected component (edges with W_ij > 0, diagonal ignored) must contain a labelled node.
      const comp = new Int32Array(n).fill(-1);
      const queue = new Int32Array(n);
      for (let s = 0; s < n; s++) {
        if (comp[s] >= 0) continue;
        let head = 0;
        let tail = 0;
        queue[tail++] = s;
        comp[s] = s;
        let hasLabel = false;
        while (head < tail) {
          const u = queue[head++];
          if (labelled[u]) hasLabel = true;
          for (let k = S.indptr[u]; k < S.indptr[u + 1]; k++) {
            const v = S.indices[k];
            if (v !== u && S.values[k] > 0 && comp[v] < 0) {
              comp[v] = s;
              queue[tail++] = v;
            }
          }
        }
        if (!hasLabel) {
          ctx.addIssue({
            code: 'custom',
            path: path('labels'),
            message: `a connected component of W with ${tail} node(s) (e.g. node ${s}) has no labelled node`,
          });
          return;
        }
      }
    }
    if (p.x0 && p.x0.length !== n) ctx.addIssue({ code: 'custom', path: path('x0'), message: `x0 has ${p.x0.length} entries, needs ${n}` });
    return;
  }
  const [m] = p.A.shape;
  if (matrixEntries(p.A) > BCD_LIMITS.maxEntries) tooLarge(ctx, path('A'), 'number of matrix entries', matrixEntries(p.A), BCD_LIMITS.maxEntries);
  if (p.kind === 'least-squares' || p.kind === 'lasso') {
    if (p.b.length !== m) ctx.addIssue({ code: 'custom', path: path('b'), message: `b has ${p.b.length} entries, A has ${m} rows` });
  } else if (p.kind === 'logistic' || p.kind === 'l1-logistic') {
    if (p.y.length !== m) ctx.addIssue({ code: 'custom', path: path('y'), message: `y has ${p.y.length} entries, A has ${m} rows` });
    for (let i = 0; i < p.y.length; i++) {
      if (p.y[i] !== 1 && p.y[i] !== -1) {
        ctx.addIssue({ code: 'custom', path: path('y', i), message: `y must be exactly +1 or -1, got ${p.y[i]}` });
        break;
      }
    }
  } else if (p.kind === 'multinomial-logistic') {
    if (p.labels.length !== m) ctx.addIssue({ code: 'custom', path: path('labels'), message: `labels has ${p.labels.length} entries, A has ${m} rows` });
    for (let i = 0; i < p.labels.length; i++) {
      if (p.labels[i] < 0 || p.labels[i] >= p.classes) {
        ctx.addIssue({ code: 'custom', path: path('labels', i), message: `label ${p.labels[i]} out of range [0, ${p.classes})` });
        break;
      }
    }
  }
  const nv = bcdVariableCount(p);
  if (nv > BCD_LIMITS.maxVariables) tooLarge(ctx, path('A', 'shape', 1), 'number of variables', nv, BCD_LIMITS.maxVariables);
  if (p.x0) {
    if (p.x0.length !== nv) ctx.addIssue({ code: 'custom', path: path('x0'), message: `x0 has ${p.x0.length} entries, needs ${nv}` });
    if (p.kind === 'lasso' && p.nonnegative && p.x0.some((v) => v < 0)) ctx.addIssue({ code: 'custom', path: path('x0'), message: 'x0 must be ≥ 0 for a nonnegative lasso' });
  }
}

function checkOptions(p: BcdProblem, o: BcdOptions, ctx: z.RefinementCtx): void {
  const r = resolveBcdOptions(p.kind, o);
  const path = (k: string) => ['options', k];
  const graph = GRAPH_KINDS.has(p.kind);
  const forest = FOREST_BLOCKS.has(r.blocks);
  if (forest && !graph) ctx.addIssue({ code: 'custom', path: path('blocks'), message: `blocks "${r.blocks}" needs a quadratic or label-propagation problem` });
  if (r.blocks === 'greedy-forest' && !['gs', 'gsl', 'gsd', 'random'].includes(r.rule)) {
    ctx.addIssue({ code: 'custom', path: path('rule'), message: `blocks "greedy-forest" takes rule gs, gsl, gsd or random, not "${r.rule}"` });
  }
  if ((r.blocks === 'forest-partition' || r.blocks === 'red-black') && r.rule !== 'cyclic' && r.rule !== 'random') {
    ctx.addIssue({ code: 'custom', path: path('rule'), message: `blocks "${r.blocks}" takes rule cyclic or random, not "${r.rule}"` });
  }
  if (forest && r.update !== 'exact' && r.update !== 'matrix') {
    ctx.addIssue({ code: 'custom', path: path('update'), message: `blocks "${r.blocks}" takes update exact or matrix, not "${r.update}"` });
  }
  if (r.update === 'two-metric' && !(p.kind === 'lasso' && p.nonnegative)) {
    ctx.addIssue({ code: 'custom', path: path('update'), message: 'update "two-metric" needs a lasso problem with nonnegative: true' });
  }
  if (!forest && (r.update === 'matrix' || r.update === 'newton' || r.update === 'exact')) {
    const tau = Math.min(r.blockSize, bcdVariableCount(p));
    if (tau > BCD_LIMITS.maxDenseBlock) tooLarge(ctx, path('blockSize'), `blockSize with update "${r.update}"`, tau, BCD_LIMITS.maxDenseBlock);
  }
}

export const bcdSpecSchema = z
  .object({
    solver: z.literal('bcd'),
    problem: bcdProblemSchema,
    options: bcdOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict()
  .superRefine((s, ctx) => {
    checkProblem(s.problem, ctx);
    checkOptions(s.problem, s.options, ctx);
  });
export type BcdSpec = z.infer<typeof bcdSpecSchema>;
