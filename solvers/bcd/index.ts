/** @module The `bcd` solver (PLACEHOLDER until the solver lands). */
import { bcdSpecSchema, SolverError, type BcdSpec } from '../../shared/index.js';
import type { Solver } from '../core/index.js';
import { resources } from './resources.js';

export const solver: Solver<BcdSpec> = {
  name: 'bcd',
  schema: bcdSpecSchema,
  resources,
  async run() {
    throw new SolverError('the bcd solver is not implemented yet');
  },
};
