/** @module The `fdr` solver (PLACEHOLDER until the solver lands). */
import { fdrSpecSchema, SolverError, type FdrSpec } from '../../shared/index.js';
import type { Solver } from '../core/index.js';
import { resources } from './resources.js';

export const solver: Solver<FdrSpec> = {
  name: 'fdr',
  schema: fdrSpecSchema,
  resources,
  async run() {
    throw new SolverError('the fdr solver is not implemented yet');
  },
};
