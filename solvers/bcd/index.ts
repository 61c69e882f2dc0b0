/**
 * @module The `bcd` solver (specs/bcd.md): greedy block-coordinate descent with fixed, variable and forest blocks,
 * GS/GSL/GSD/GSQ rules and gradient / matrix / Newton / exact / proximal updates (Nutini, Laradji & Schmidt 2022).
 */
import { bcdSpecSchema, resolveBcdOptions, type BcdSpec } from '../../shared/index.js';
import type { Solver, SolverOutput } from '../core/index.js';
import { buildModel } from './problems/index.js';
import { resources } from './resources.js';
import { buildResult, solutionVector } from './result.js';
import { solveModel } from './solve.js';

export const solver: Solver<BcdSpec> = {
  name: 'bcd',
  schema: bcdSpecSchema,
  resources,
  async run(spec, ctx): Promise<SolverOutput> {
    const options = resolveBcdOptions(spec.problem.kind, spec.options);
    const built = buildModel(spec.problem);
    const out = await solveModel(built.model, options, {
      rng: ctx.rng,
      signal: ctx.signal,
      now: () => ctx.now(),
      progress: (p) => ctx.progress({ ...p, phase: 'solve' }),
    });
    const x = solutionVector(built);
    await ctx.artifacts.write('x.npy', x, [x.length]);
    const res = buildResult(built, out, options, x);
    return { ...res, history: out.history as unknown as Record<string, unknown>[], options: options as unknown as Record<string, unknown> };
  },
};
