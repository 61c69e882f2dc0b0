/**
 * @module The only door into solvers/ (vizier policy_factory): name → schema and resources (light, imported
 * directly) and `load()` (the numerics, imported lazily so API functions never bundle them).
 */
import { SPEC_SCHEMAS, SOLVER_NAMES, type JobSpec, type Resources, type SolverName } from '../shared/index.js';
import type { Solver } from './core/types.js';
import { resources as bcdResources } from './bcd/resources.js';
import { resources as bilevelResources } from './bilevel/resources.js';
import { resources as fdrResources } from './fdr/resources.js';
import { resources as rootResources } from './root/resources.js';

export interface SolverEntry {
  name: SolverName;
  title: string;
  paper: string;
  schema: (typeof SPEC_SCHEMAS)[SolverName];
  resources(spec: JobSpec): Resources;
  load(): Promise<Solver<JobSpec>>;
}

type AnySolver = Solver<JobSpec>;

export const SOLVERS: Record<SolverName, SolverEntry> = {
  bcd: {
    name: 'bcd',
    title: 'Greedy block-coordinate descent',
    paper: 'Nutini, Laradji & Schmidt, "Let\'s Make Block Coordinate Descent Converge Faster" (JMLR 2022)',
    schema: SPEC_SCHEMAS.bcd,
    resources: (s) => bcdResources(s as Extract<JobSpec, { solver: 'bcd' }>),
    load: async () => (await import('./bcd/index.js')).solver as unknown as AnySolver,
  },
  bilevel: {
    name: 'bilevel',
    title: 'Bilevel hyperparameter learning (MAID)',
    paper: 'Salehi, Mukherjee, Roberts & Ehrhardt, "An adaptively inexact first-order method for bilevel optimization with application to hyperparameter learning"',
    schema: SPEC_SCHEMAS.bilevel,
    resources: (s) => bilevelResources(s as Extract<JobSpec, { solver: 'bilevel' }>),
    load: async () => (await import('./bilevel/index.js')).solver as unknown as AnySolver,
  },
  root: {
    name: 'root',
    title: 'Offline black-box optimisation (ROOT)',
    paper: 'Dao et al., "ROOT: Rethinking Offline Optimization as Distributional Translation via Probabilistic Bridge"',
    schema: SPEC_SCHEMAS.root,
    resources: (s) => rootResources(s as Extract<JobSpec, { solver: 'root' }>),
    load: async () => (await import('./root/index.js')).solver as unknown as AnySolver,
  },
  fdr: {
    name: 'fdr',
    title: 'Free Discontinuity Regression',
    paper: 'Gunsilius & Van Dijcke, "Free Discontinuity Regression"',
    schema: SPEC_SCHEMAS.fdr,
    resources: (s) => fdrResources(s as Extract<JobSpec, { solver: 'fdr' }>),
    load: async () => (await import('./fdr/index.js')).solver as unknown as AnySolver,
  },
};

export function solverEntry(name: SolverName): SolverEntry {
  return SOLVERS[name];
}

export function resourcesFor(spec: JobSpec): Resources {
  return SOLVERS[spec.solver].resources(spec);
}

export { SOLVER_NAMES };
export type { Solver, RunContext, SolverOutput } from './core/types.js';
export { createRng } from './core/rng.js';
export { createKernels, type KernelChoice } from './kernels/registry.js';
