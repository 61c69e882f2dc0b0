/** @module The `bilevel` solver (PLACEHOLDER until the solver lands). */
import { bilevelSpecSchema, SolverError, type BilevelSpec } from '../../shared/index.js';
import type { Solver } from '../core/index.js';
import { resources } from './resources.js';

export const solver: Solver<BilevelSpec> = {
  name: 'bilevel',
  schema: bilevelSpecSchema,
  resources,
  async run() {
    throw new SolverError('the bilevel solver is not implemented yet');
  },
};
