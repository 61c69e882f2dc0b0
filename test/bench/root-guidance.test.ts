import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseGuidance, type GuidanceScore, protocolMean, type RunRecord, type SweepPoint, TIE_TOLERANCE } from '../../bench/root-guidance.js';

const s = (w: number, primary: number, secondary: number): GuidanceScore => ({ w, primary, secondary });

describe('root-guidance W_TUNED selection (specs/root.md protocol step 4)', () => {
  it('argmax of the primary score when nothing else is within 0.005', () => {
    expect(chooseGuidance([s(-1, 0.5, 0.9), s(0, 0.52, 0.1), s(1, 0.514, 0.95)]).w).toBe(0);
  });

  it('ties within 0.005: the higher secondary wins even with a lower primary; 0.0051 below is not a tie', () => {
    expect(chooseGuidance([s(0, 0.6, 0.2), s(2, 0.5951, 0.3), s(-1.5, 0.5949, 0.9)]).w).toBe(2);
    expect(TIE_TOLERANCE).toBe(0.005);
  });

  it('equal secondary among ties: the smallest |w| wins; ±w: higher primary, then the smaller w', () => {
    expect(chooseGuidance([s(3, 0.61, 0.4), s(-0.5, 0.607, 0.4), s(1, 0.606, 0.4)]).w).toBe(-0.5);
    expect(chooseGuidance([s(1, 0.6, 0.4), s(-1, 0.602, 0.4), s(2, 0.603, 0.4)]).w).toBe(-1);
    expect(chooseGuidance([s(1, 0.6, 0.4), s(-1, 0.6, 0.4)]).w).toBe(-1);
  });

  it('property: the choice is within the tolerance of the best, no tied w beats it on the rules, and input order does not matter', () => {
    const grid = [-1.5, -1, -0.5, 0, 0.5, 1, 2, 3];
    const arb = fc.tuple(fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 8, maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 1000 }));
    fc.assert(
      fc.property(arb, ([p, q, rot]) => {
        // primaries on a 0.001 grid and secondaries on a coarse grid make near-ties and exact ties frequent.
        const scores = grid.map((w, i) => s(w, 0.5 + p[i] / 1000, q[i] / 4));
        const c = chooseGuidance(scores);
        const best = Math.max(...scores.map((x) => x.primary));
        expect(c.primary).toBeGreaterThanOrEqual(best - TIE_TOLERANCE);
        for (const o of scores) {
          if (o.primary < best - TIE_TOLERANCE || o === c) continue;
          expect(o.secondary <= c.secondary).toBe(true);
          if (o.secondary === c.secondary) expect(Math.abs(o.w)).toBeGreaterThanOrEqual(Math.abs(c.w));
        }
        const k = rot % scores.length;
        expect(chooseGuidance([...scores.slice(k), ...scores.slice(0, k)].reverse()).w).toBe(c.w);
      }),
      { numRuns: 300 },
    );
  });

  it('protocolMean averages over seeds first, then over tasks with equal weights', () => {
    const pt = (w: number, p50: number): SweepPoint => ({ w, p100: 1, p80: 1, p50, mean: 0, fraction: 0, sampleMs: 0 });
    const run = (task: string, seed: number, p50: number) => ({ task, seed, sweep: [pt(0, p50), pt(1, 2 * p50)] }) as unknown as RunRecord;
    // task a: seeds 0.2, 0.4 → 0.3; task b: one seed 0.9 → (0.3 + 0.9)/2 = 0.6 (a pooled mean would give 0.5).
    const runs = [run('a', 0, 0.2), run('a', 1, 0.4), run('b', 0, 0.9)];
    expect(protocolMean(runs, 0, (p) => p.p50)).toBeCloseTo(0.6, 15);
    expect(protocolMean(runs, 1, (p) => p.p50)).toBeCloseTo(1.2, 15);
    expect(() => protocolMean(runs, 2, (p) => p.p50)).toThrow(/no point at w = 2/);
  });
});
