/**
 * @module The bcd result (specs/bcd.md "Result fields", DESIGN §7): x in the problem's layout (label propagation: all
 * N nodes with labelled ones at their values), objective, optimality (‖G(x)‖∞), L1 extras (support, identification
 * iteration, KKT residual), stats and warnings; x is also written as the artifact `x.npy`.
 */
import type { BcdResolvedOptions } from '../../shared/index.js';
import type { BuiltModel } from './problems/index.js';
import { kktResidual } from './problems/model.js';
import type { SolveOutcome } from './solve.js';

export function solutionVector(built: BuiltModel): Float64Array {
  const { model, reduction } = built;
  if (!reduction) return model.x.slice();
  const x = new Float64Array(reduction.N);
  for (let k = 0; k < reduction.labelIdx.length; k++) x[reduction.labelIdx[k]] = reduction.labelVal[k];
  for (let u = 0; u < reduction.unknowns.length; u++) x[reduction.unknowns[u]] = model.x[u];
  return x;
}

export function buildResult(built: BuiltModel, out: SolveOutcome, options: BcdResolvedOptions, x: Float64Array): Record<string, unknown> & { stop: SolveOutcome['stop']; iterations: number } {
  const m = built.model;
  const res: Record<string, unknown> & { stop: SolveOutcome['stop']; iterations: number } = {
    solver: 'bcd',
    x: Array.from(x),
    objective: out.objective,
    optimality: out.optimality,
    optimalityInitial: out.optimalityInitial,
    iterations: out.iterations,
    stop: out.stop,
    elapsedMs: out.elapsedMs,
    history: out.history,
    options,
    stats: out.stats,
    warnings: out.warnings,
  };
  if (m.l1) {
    const support: number[] = [];
    for (let i = 0; i < m.n; i++) if (m.x[i] !== 0) support.push(i);
    res.support = support;
    res.activeSetIdentifiedAt = out.activeSetIdentifiedAt ?? 0;
    res.kkt = kktResidual(m);
  }
  return res;
}
