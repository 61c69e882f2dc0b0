import { describe, expect, it } from 'vitest';
import { createRng } from '../../../solvers/core/rng.js';
import { loadDataset } from '../../../solvers/root/dataset.js';
import { prepareOffline } from '../../../solvers/root/offline.js';
import { resolveTarget } from '../../../solvers/root/solve.js';
import { resolveOptions } from '../../../solvers/root/options.js';
import { rootOptionsSchema } from '../../../shared/index.js';
import { makeTestContext } from '../../support/run-context.js';

const ctx = await makeTestContext();
const present = (await ctx.data.read('tfbind8/tf_bind_8-y-0.npy')) !== undefined;

describe.skipIf(!present)('TF-Bind-8 data (V12, V13)', async () => {
  const ds = present ? await loadDataset({ kind: 'benchmark', task: 'tfbind8', seed: 0 }, ctx.data) : undefined;
  it('offline split, statistics and oracle', () => {
    if (!ds) return;
    expect(ds.n).toBe(32898);
    let max = -1;
    let ties = 0;
    for (const v of ds.y) if (v > max) max = v;
    for (const v of ds.y) if (v === max) ties++;
    expect(max).toBeCloseTo(0.43929616, 7);
    expect(ties).toBe(4);
    const off = prepareOffline(ds, createRng(0));
    expect(off.yStats.mean).toBeCloseTo(0.3261334, 6);
    expect(off.yStats.std).toBeCloseTo(0.0764481, 6);
    expect(off.maxYz).toBeCloseTo(1.48026, 4);
    const b = ds.benchmark!;
    const all = new Float64Array(65536 * 8);
    const rc = new Float64Array(65536 * 8);
    for (let i = 0; i < 65536; i++) {
      for (let p = 0; p < 8; p++) {
        const t = (i >> (2 * (7 - p))) & 3;
        all[i * 8 + p] = t;
        rc[i * 8 + 7 - p] = 3 - t;
      }
    }
    const s = b.score(65536, all);
    const s2 = b.score(65536, rc);
    let nan = 0;
    let asym = 0;
    let above = 0;
    for (let i = 0; i < 65536; i++) {
      if (Number.isNaN(s[i])) nan++;
      if (s[i] !== s2[i]) asym++;
      if (s[i] > max) above++;
    }
    expect(nan).toBe(0);
    expect(asym).toBe(0);
    expect(Math.max(...s)).toBe(1);
    expect(above).toBeGreaterThan(32000);
    const oRef = resolveOptions(rootOptionsSchema.parse({ variant: 'reference' }), ds, off.Z, () => createRng(0));
    expect(resolveTarget(oRef, ds, off, 0).z).toBeCloseTo(7.051756, 4);
    const oCor = resolveOptions(rootOptionsSchema.parse({}), ds, off.Z, () => createRng(0));
    const t = resolveTarget(oCor, ds, off, 100);
    expect(t.z).toBeCloseTo(2.48026, 4);
    expect(t.value).toBeCloseTo(0.51574, 4);
    expect(oCor.lengthscale).toBe(6.25);
    expect(oCor.gpRows).toBe(15000);
    const clamped = resolveTarget(oCor, ds, off, 2.0);
    expect(clamped.clamped).toBe(true);
    expect(clamped.z).toBe(2.0);
  });

  it('lengthscale: auto on the offline split lies in 6.8–6.95', () => {
    if (!ds) return;
    const off = prepareOffline(ds, createRng(3));
    const o = resolveOptions(rootOptionsSchema.parse({ lengthscale: 'auto' }), ds, off.Z, () => createRng(7));
    expect(o.lengthscale).toBeGreaterThan(6.75);
    expect(o.lengthscale).toBeLessThan(6.95);
  });
});
