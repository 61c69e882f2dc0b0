/** Spec schema properties: valid specs parse and round-trip through JSON; a mutation that breaks a rule is rejected with its path. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidSpecError, TooLargeError, validateSpec } from '../../shared/index.js';

const dense = (m: number, n: number) => fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: m * n, maxLength: m * n }).map((data) => ({ shape: [m, n], data }));

const lsSpec = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([m, n]) =>
    fc.record({
      solver: fc.constant('bcd'),
      problem: fc.record({ kind: fc.constant('least-squares'), A: dense(m, n), b: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: m, maxLength: m }) }),
      seed: fc.integer({ min: 0, max: 1000 }),
    }),
  );

function issuesOf(input: unknown): { path: string }[] {
  try {
    validateSpec(input);
  } catch (e) {
    if (e instanceof InvalidSpecError || e instanceof TooLargeError) return e.issues ?? [];
    throw e;
  }
  return [];
}

describe('job spec schema', () => {
  it('property: valid specs parse, fill defaults, and re-parse to the same value after a JSON round trip', () => {
    fc.assert(
      fc.property(lsSpec, (s) => {
        const parsed = validateSpec(s);
        expect(parsed.backend).toBe('auto');
        const again = validateSpec(JSON.parse(JSON.stringify(parsed)));
        expect(JSON.stringify(again)).toBe(JSON.stringify(parsed)); // (JSON maps -0 to 0)
      }),
      { numRuns: 200 },
    );
  });

  it('property: a broken rule is rejected with the path of the broken field', () => {
    const mutations: [string, (s: any) => void, string][] = [
      ['non-finite matrix entry', (s) => (s.problem.A.data[0] = null), 'problem.A.data.0'],
      ['shape mismatch', (s) => s.problem.A.data.push(1), 'problem.A.data'],
      ['string in vector', (s) => (s.problem.b[0] = 'x'), 'problem.b.0'],
      ['negative seed', (s) => (s.seed = -1), 'seed'],
      ['unknown backend', (s) => (s.backend = 'tpu'), 'backend'],
      ['unknown kind', (s) => (s.problem.kind = 'nope'), 'problem.kind'],
      ['unknown solver', (s) => (s.solver = 'nope'), 'solver'],
      ['extra field', (s) => (s.surprise = 1), ''],
    ];
    fc.assert(
      fc.property(lsSpec, fc.integer({ min: 0, max: mutations.length - 1 }), (s, k) => {
        const [, mutate, path] = mutations[k];
        const copy = structuredClone(s);
        mutate(copy);
        const issues = issuesOf(copy);
        expect(issues.length).toBeGreaterThan(0);
        expect(issues.map((i) => i.path)).toContain(path);
      }),
      { numRuns: 300 },
    );
  });

  it('lists every issue, not only the first', () => {
    const issues = issuesOf({ solver: 'bcd', problem: { kind: 'least-squares', A: { shape: [1, 1], data: [Number.POSITIVE_INFINITY] }, b: ['a'] }, seed: 1.5 });
    expect(issues.map((i) => i.path).sort()).toEqual(['problem.A.data.0', 'problem.b.0', 'seed'].sort());
  });
});
