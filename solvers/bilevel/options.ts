/**
 * @module Per-kind option defaults of the `bilevel` solver (specs/bilevel.md "Solvent contract" and §3): the
 * schema fills the kind-independent defaults; this fills the rest (α₀, ρ, ν̄, iterations, variant-dependent
 * choices, HOAG's lower cap), producing the options echoed in the result.
 */
import type { BilevelSpec } from '../../shared/index.js';

export type ResolvedOptions = Required<Omit<BilevelSpec['options'], 'theta0' | 'timeLimitS'>> & {
  theta0?: number[];
  timeLimitS?: number;
};

export function resolveOptions(spec: BilevelSpec): ResolvedOptions {
  const o = spec.options;
  const kind = spec.problem.kind;
  const ref = o.variant === 'reference';
  const multinomial = kind === 'multinomial-logistic';
  return {
    ...o,
    alpha0: o.alpha0 ?? (multinomial ? 'auto' : 0.01),
    rho: o.rho ?? (multinomial ? 0.9 : 0.5),
    nuBar: o.nuBar ?? (kind === 'quadratic' ? 1.25 : 1.05),
    maxIterations: o.maxIterations ?? (kind === 'quadratic' ? 3000 : multinomial ? 500 : 1000),
    referenceValue: o.referenceValue ?? (ref ? 'stale' : 'fresh'),
    lowerSolver: o.lowerSolver ?? (ref ? 'gd' : 'fista'),
    bound: o.bound ?? (ref ? 'reference' : 'estimated'),
    maxBacktracks: o.maxBacktracks ?? (o.method === 'fixed-accuracy' ? 5 : 10),
    lowerMaxIterations: o.lowerMaxIterations ?? (o.method === 'hoag' ? 10000 : 2000),
  };
}
