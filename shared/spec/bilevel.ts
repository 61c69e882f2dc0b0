/**
 * @module Job spec of the `bilevel` solver (DESIGN §7, specs/bilevel.md "Solvent contract"): the four problem
 * kinds (quadratic, TV and field-of-experts denoising, multinomial logistic regression with one penalty per
 * weight), the MAID / fixed-accuracy / HOAG options with their defaults, and the size limits (413).
 * Options whose default depends on the problem kind are optional here; the solver fills them and echoes them.
 */
import { z } from 'zod';
import { denseMatrixSchema, gridSchema, intVectorSchema, tooLarge, vectorSchema } from './arrays.js';
import { specCommonShape } from './common.js';

const syntheticSchema = z
  .object({
    count: z.number().int().min(1).max(64),
    size: z.number().int().min(3).max(1024),
    noise: z.number().min(0).max(10),
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  })
  .strict()
  .describe('Seeded piecewise-constant images (spec §4.2): count images of size×size, noisy = clean + noise·N(0,1)');

const imagePairSchema = z.object({ clean: gridSchema, noisy: gridSchema }).strict();

const imagesData = {
  images: z.array(imagePairSchema).min(1).max(64).optional(),
  synthetic: syntheticSchema.optional(),
};

const splitSchema = z.object({ X: denseMatrixSchema, labels: intVectorSchema }).strict();

const quadraticSchema = z
  .object({
    kind: z.literal('quadratic'),
    A1: denseMatrixSchema,
    b1: vectorSchema,
    A2: denseMatrixSchema,
    A3: denseMatrixSchema,
    b2: vectorSchema,
    x0: vectorSchema.optional(),
  })
  .strict();
const tvSchema = z.object({ kind: z.literal('tv-denoising'), ...imagesData }).strict();
const foeSchema = z
  .object({
    kind: z.literal('foe-denoising'),
    ...imagesData,
    filters: z.number().int().min(1).max(64).default(48),
    filterSize: z.number().int().min(3).max(11).refine((f) => f % 2 === 1, { message: 'must be odd' }).default(7),
  })
  .strict();
const multinomialSchema = z
  .object({
    kind: z.literal('multinomial-logistic'),
    train: splitSchema,
    validation: splitSchema,
    test: splitSchema.optional(),
    classes: z.number().int().min(2).max(100),
  })
  .strict();

export const bilevelProblemSchema = z.discriminatedUnion('kind', [quadraticSchema, tvSchema, foeSchema, multinomialSchema]);
export type BilevelProblem = z.infer<typeof bilevelProblemSchema>;

export const bilevelOptionsSchema = z
  .object({
    method: z.enum(['maid', 'fixed-accuracy', 'hoag']).default('maid'),
    theta0: vectorSchema.optional(),
    eps0: z.number().gt(0).max(1e6).default(0.1),
    delta0: z.number().gt(0).max(1e6).default(0.1),
    alpha0: z.union([z.number().gt(0).max(1e12), z.literal('auto')]).optional(),
    rho: z.number().gt(0).lt(1).optional(),
    rhoBar: z.number().min(1).max(10).default(10 / 9),
    nu: z.number().gt(0).lt(1).default(0.5),
    nuBar: z.number().min(1).max(10).optional(),
    eta: z.number().gt(0).lt(1).default(1e-4),
    lambda: z.number().gt(0).lt(1).default(1e-8),
    maxIterations: z.number().int().min(1).max(1e6).optional(),
    budget: z.number().int().min(1).max(1e10).default(1e6),
    tolerance: z.number().min(0).default(0),
    variant: z.enum(['paper', 'reference']).default('paper'),
    referenceValue: z.enum(['fresh', 'stale']).optional(),
    lowerSolver: z.enum(['fista', 'gd']).optional(),
    bound: z.enum(['estimated', 'reference', 'off']).optional(),
    maxBacktracks: z.number().int().min(1).max(100).optional(),
    maxAttempts: z.number().int().min(1).max(50).default(3),
    lowerMaxIterations: z.number().int().min(1).max(1e6).optional(),
    cgMaxIterations: z.number().int().min(1).max(1e5).default(2000),
    schedule: z.enum(['geometric', 'quadratic', 'cubic']).default('geometric'),
    hoagDecay: z.number().gt(0).lt(1).default(0.9),
    epsMin: z.number().gt(0).default(1e-12),
    finalTolerance: z.number().gt(0).default(1e-6),
    timeLimitS: z.number().gt(0).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.lambda >= o.eta) ctx.addIssue({ code: 'custom', path: ['lambda'], message: `lambda must be below eta (${o.eta})` });
    if (o.epsMin > o.eps0) ctx.addIssue({ code: 'custom', path: ['epsMin'], message: 'epsMin must not exceed eps0' });
  });
export type BilevelOptions = z.infer<typeof bilevelOptionsSchema>;

/** Size limits of specs/bilevel.md "Solvent contract". */
export const BILEVEL_LIMITS = {
  tvPixels: 2 ** 22,
  foePixels: 2 ** 20,
  imageSide: 1024,
  images: 64,
  multinomialRows: 1e5,
  multinomialFeatures: 4096,
  multinomialWeights: 1e5,
  quadraticRows: 1e4,
  quadraticDim: 2000,
} as const;

type Issues = z.RefinementCtx;

function checkImages(p: { images?: { clean: { shape: number[]; data: number[] }; noisy: { shape: number[]; data: number[] } }[]; synthetic?: { count: number; size: number } }, pixelLimit: number, ctx: Issues, minSide: number): void {
  const base = ['problem'];
  if ((p.images === undefined) === (p.synthetic === undefined)) {
    ctx.addIssue({ code: 'custom', path: base, message: 'give exactly one of `images` or `synthetic`' });
    return;
  }
  let count: number;
  let h: number;
  let w: number;
  if (p.synthetic) {
    count = p.synthetic.count;
    h = w = p.synthetic.size;
  } else {
    const imgs = p.images ?? [];
    const s0 = imgs[0].clean.shape;
    if (s0.length > 2) {
      ctx.addIssue({ code: 'custom', path: [...base, 'images', 0, 'clean', 'shape'], message: 'images must be 1-D or 2-D ([h, w])' });
      return;
    }
    h = s0.length === 2 ? s0[0] : 1;
    w = s0.length === 2 ? s0[1] : s0[0];
    for (let i = 0; i < imgs.length; i++) {
      for (const which of ['clean', 'noisy'] as const) {
        const s = imgs[i][which].shape;
        const hi = s.length === 2 ? s[0] : 1;
        const wi = s.length === 2 ? s[1] : s[0];
        if (s.length > 2 || hi !== h || wi !== w) {
          ctx.addIssue({ code: 'custom', path: [...base, 'images', i, which, 'shape'], message: `all images must share the shape [${h}, ${w}]` });
          return;
        }
      }
    }
    count = imgs.length;
    if (h * w < 2) ctx.addIssue({ code: 'custom', path: [...base, 'images', 0, 'clean', 'shape'], message: 'images need at least 2 pixels' });
  }
  if (h < minSide && minSide > 1) ctx.addIssue({ code: 'custom', path: base, message: `images must be at least ${minSide}×${minSide}` });
  if (w < minSide) ctx.addIssue({ code: 'custom', path: base, message: `images must be at least ${minSide} pixels wide` });
  if (h > BILEVEL_LIMITS.imageSide || w > BILEVEL_LIMITS.imageSide) tooLarge(ctx, base, 'image side', Math.max(h, w), BILEVEL_LIMITS.imageSide);
  if (count * h * w > pixelLimit) tooLarge(ctx, base, 'count·h·w', count * h * w, pixelLimit);
}

function checkSpec(spec: { problem: BilevelProblem; options: BilevelOptions }, ctx: Issues): void {
  const p = spec.problem;
  const L = BILEVEL_LIMITS;
  let dim = 0;
  if (p.kind === 'quadratic') {
    const [n1, dx] = p.A1.shape;
    const [n2, dx2] = p.A2.shape;
    const [n3, np] = p.A3.shape;
    dim = np;
    if (dx2 !== dx) ctx.addIssue({ code: 'custom', path: ['problem', 'A2', 'shape'], message: `A2 must have ${dx} columns like A1` });
    if (n3 !== n2) ctx.addIssue({ code: 'custom', path: ['problem', 'A3', 'shape'], message: `A3 must have ${n2} rows like A2` });
    if (p.b1.length !== n1) ctx.addIssue({ code: 'custom', path: ['problem', 'b1'], message: `b1 must have ${n1} entries` });
    if (p.b2.length !== n2) ctx.addIssue({ code: 'custom', path: ['problem', 'b2'], message: `b2 must have ${n2} entries` });
    if (p.x0 && p.x0.length !== dx) ctx.addIssue({ code: 'custom', path: ['problem', 'x0'], message: `x0 must have ${dx} entries` });
    if (dx < 1 || np < 1 || n1 < 1 || n2 < 1) ctx.addIssue({ code: 'custom', path: ['problem'], message: 'matrices must be non-empty' });
    if (Math.max(n1, n2) > L.quadraticRows) tooLarge(ctx, ['problem'], 'rows', Math.max(n1, n2), L.quadraticRows);
    if (Math.max(dx, np) > L.quadraticDim) tooLarge(ctx, ['problem'], 'dimension', Math.max(dx, np), L.quadraticDim);
  } else if (p.kind === 'tv-denoising') {
    checkImages(p, L.tvPixels, ctx, 1);
    dim = 2;
  } else if (p.kind === 'foe-denoising') {
    checkImages(p, L.foePixels, ctx, 3);
    dim = 1 + 2 * p.filters + p.filters * p.filterSize * p.filterSize;
  } else {
    const k = p.classes;
    const d = p.train.X.shape[1];
    dim = d * k;
    const splits = [['train', p.train], ['validation', p.validation], ...(p.test ? [['test', p.test] as const] : [])] as const;
    for (const [name, s] of splits) {
      const [m, ds] = s.X.shape;
      if (ds !== d) ctx.addIssue({ code: 'custom', path: ['problem', name, 'X', 'shape'], message: `X must have ${d} columns like train.X` });
      if (s.labels.length !== m) ctx.addIssue({ code: 'custom', path: ['problem', name, 'labels'], message: `labels must have ${m} entries` });
      if (m < 1) ctx.addIssue({ code: 'custom', path: ['problem', name, 'X'], message: 'needs at least one row' });
      for (let i = 0; i < s.labels.length; i++) {
        if (s.labels[i] < 0 || s.labels[i] >= k) {
          ctx.addIssue({ code: 'custom', path: ['problem', name, 'labels', i], message: `label must be in 0..${k - 1}` });
          break;
        }
      }
      if (m > L.multinomialRows) tooLarge(ctx, ['problem', name, 'X'], 'rows', m, L.multinomialRows);
    }
    if (d > L.multinomialFeatures) tooLarge(ctx, ['problem', 'train', 'X'], 'features', d, L.multinomialFeatures);
    if (d * k > L.multinomialWeights) tooLarge(ctx, ['problem'], 'features·classes', d * k, L.multinomialWeights);
  }
  const t0 = spec.options.theta0;
  if (t0 && t0.length !== dim) {
    ctx.addIssue({ code: 'custom', path: ['options', 'theta0'], message: `theta0 must have ${dim} entries (p for this problem)` });
  }
  if (t0 && p.kind !== 'quadratic') {
    const nLog = p.kind === 'foe-denoising' ? 1 + 2 * p.filters : dim;
    for (let i = 0; i < Math.min(nLog, t0.length); i++) {
      if (Math.abs(t0[i]) > 50) {
        ctx.addIssue({ code: 'custom', path: ['options', 'theta0', i], message: 'log-parameters must satisfy |θ| ≤ 50' });
        break;
      }
    }
  }
}

export const bilevelSpecSchema = z
  .object({
    solver: z.literal('bilevel'),
    problem: bilevelProblemSchema,
    options: bilevelOptionsSchema.prefault({}),
    ...specCommonShape,
  })
  .strict()
  .superRefine(checkSpec);
export type BilevelSpec = z.infer<typeof bilevelSpecSchema>;
