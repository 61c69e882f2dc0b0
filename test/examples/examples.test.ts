/** Every example spec validates, and the static index (examples/index.ts) lists exactly the JSON files. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../examples/index.js';
import { listSolvers } from '../../functions/handlers/catalog.js';
import { validateSpec } from '../../shared/index.js';

describe('examples', () => {
  it('the index lists every examples/*.json (run `npx tsx scripts/gen-examples-index.ts` after adding one)', () => {
    const files = readdirSync(join(import.meta.dirname, '..', '..', 'examples')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort();
    expect(EXAMPLES.map((e) => e.name).sort()).toEqual(files);
  });

  for (const e of EXAMPLES) {
    it(`${e.name} validates and names its solver and kind in the file name`, () => {
      const spec = validateSpec(e.spec);
      expect(spec.solver).toBe(e.solver);
      expect(e.name.split('.')[1]).toBe(spec.problem.kind);
    });
  }

  it('the catalog carries a JSON Schema and the examples of each solver', () => {
    const cat = listSolvers();
    for (const s of cat.solvers) {
      expect(s.schema).toMatchObject({ type: 'object' });
      expect(JSON.stringify(s.schema)).toContain('"problem"');
    }
    const withExamples = cat.solvers.filter((s) => s.examples.length > 0).map((s) => s.name);
    expect(withExamples.length).toBeGreaterThanOrEqual(3);
  });
});
