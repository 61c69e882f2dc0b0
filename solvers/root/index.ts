/** @module The `root` solver (PLACEHOLDER until the solver lands). */
import { rootSpecSchema, SolverError, type RootSpec } from '../../shared/index.js';
import type { Solver } from '../core/index.js';
import { resources } from './resources.js';

export const solver: Solver<RootSpec> = {
  name: 'root',
  schema: rootSpecSchema,
  resources,
  async run() {
    throw new SolverError('the root solver is not implemented yet');
  },
};
