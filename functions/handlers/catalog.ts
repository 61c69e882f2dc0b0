/**
 * @module `GET /v1/solvers`: for each solver its title, paper, the JSON Schema of its spec (generated from zod)
 * and example specs.
 */
import { z } from 'zod';
import { SOLVER_NAMES, type SolverName } from '../../shared/index.js';
import { SOLVERS } from '../../solvers/registry.js';
import { EXAMPLES } from '../../examples/index.js';

export interface CatalogEntry {
  name: SolverName;
  title: string;
  paper: string;
  schema: unknown;
  examples: { name: string; spec: unknown }[];
}

let cached: { solvers: CatalogEntry[] } | undefined;

export function listSolvers(): { solvers: CatalogEntry[] } {
  cached ??= {
    solvers: SOLVER_NAMES.map((name) => {
      const e = SOLVERS[name];
      return {
        name,
        title: e.title,
        paper: e.paper,
        schema: z.toJSONSchema(e.schema, { io: 'input', unrepresentable: 'any' }),
        examples: EXAMPLES.filter((x) => x.solver === name).map(({ name: n, spec }) => ({ name: n, spec })),
      };
    }),
  };
  return cached;
}
