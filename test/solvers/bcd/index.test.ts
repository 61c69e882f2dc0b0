/** The Solver object end to end: examples parse and solve, result fields per the contract, cancellation. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { solver } from '../../../solvers/bcd/index.js';
import { bcdSpecSchema } from '../../../shared/index.js';
import { makeTestContext } from '../../support/run-context.js';

const ex = (name: string) => bcdSpecSchema.parse(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', `bcd.${name}.json`), 'utf8')));

describe('bcd solver', () => {
  for (const name of ['least-squares', 'lasso', 'label-propagation']) {
    it(`solves examples/bcd.${name}.json to its tolerance`, async () => {
      const spec = ex(name);
      const ctx = await makeTestContext();
      const res = await solver.run(spec, ctx);
      expect(res.stop).toBe('converged');
      expect(res.optimality as number).toBeLessThanOrEqual((spec.options.tolerance as number) * (res.optimalityInitial as number));
      expect(res.history[0].iteration).toBe(0);
      expect(ctx.artifactStore.get('x.npy')?.shape[0]).toBe((res.x as number[]).length);
      expect(res.options).toMatchObject({ blocks: expect.any(String), rule: expect.any(String), update: expect.any(String) });
      if (name === 'lasso') {
        expect(res.kkt as number).toBeLessThan(1e-8);
        expect(res.support).toEqual((res.x as number[]).flatMap((v, i) => (v !== 0 ? [i] : [])));
      }
      if (name === 'label-propagation') {
        const x = res.x as number[];
        expect(x[0]).toBe(1);
        expect(x[5]).toBe(2);
        expect(res.options).toMatchObject({ blocks: 'greedy-forest', rule: 'gsd', update: 'exact' });
      }
    });
  }
  it('stops with "cancelled" when the signal is aborted', async () => {
    const spec = ex('least-squares');
    const ctx = await makeTestContext();
    ctx.controller.abort();
    const res = await solver.run(spec, ctx);
    expect(res.stop).toBe('cancelled');
  });
});
