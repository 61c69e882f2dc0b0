/** @module The `root` solver (specs/root.md): offline black-box optimisation by distributional translation (ROOT). */
import { rootSpecSchema, type RootSpec } from '../../shared/index.js';
import type { Solver } from '../core/index.js';
import { resources } from './resources.js';
import { solveRoot } from './solve.js';

export const solver: Solver<RootSpec> = {
  name: 'root',
  schema: rootSpecSchema,
  resources,
  run: solveRoot,
};
