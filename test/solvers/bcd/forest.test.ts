/** V5 (specs/bcd.md §6): forest solve = dense solve; greedy forest is acyclic; partitions and colourings; D/E behaviour. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ForestWorkspace, UnionFind, forestPartition, forestSolve, graphOrder, greedyForest, redBlack } from '../../../solvers/bcd/forest.js';
import { dataSetE, latticeProblem, quadraticFStar } from '../../../solvers/bcd/datasets.js';
import { buildModel, type QuadraticModel } from '../../../solvers/bcd/problems/index.js';
import { solveModel } from '../../../solvers/bcd/solve.js';
import { createRng } from '../../../solvers/core/rng.js';
import { denseSolve, opts } from './fixtures.js';

function edgesInduced(m: QuadraticModel, b: Int32Array): number {
  const inB = new Set(b);
  let e = 0;
  for (const i of b) for (let p = m.graph.indptr[i]; p < m.graph.indptr[i + 1]; p++) if (inB.has(m.graph.indices[p])) e++;
  return e / 2;
}

function components(m: QuadraticModel, b: Int32Array): number {
  const uf = new UnionFind(m.n);
  const inB = new Set(b);
  for (const i of b) for (let p = m.graph.indptr[i]; p < m.graph.indptr[i + 1]; p++) if (inB.has(m.graph.indices[p])) uf.union(i, m.graph.indices[p]);
  return new Set(Array.from(b, (i) => uf.find(i))).size;
}

function checkForest(m: QuadraticModel, b: Int32Array, seed: number): number {
  // Acyclic: #edges = #nodes − #components.
  expect(edgesInduced(m, b)).toBe(b.length - components(m, b));
  const len = b.length;
  const H = new Float64Array(len * len);
  m.hessBound(b, len, H);
  const r = createRng(seed);
  const rhs = Float64Array.from({ length: len }, () => r.normal());
  const d = new Float64Array(len);
  forestSolve(m.graph, m.diag, b, len, rhs, d, new ForestWorkspace(m.n));
  const ref = denseSolve(len, H, rhs);
  let err = 0;
  let scale = 0;
  for (let k = 0; k < len; k++) {
    err = Math.max(err, Math.abs(d[k] - ref[k]));
    scale = Math.max(scale, Math.abs(ref[k]));
  }
  return err / Math.max(1, scale);
}

describe('greedy forest and forest solve', () => {
  const E = buildModel(dataSetE(1, 300, 20).problem).model as QuadraticModel;
  it('random-order greedy forests of an E-type graph are acyclic and solve like the dense solver (≤ 1e−11)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const order = new Int32Array(E.n).map((_, i) => i);
        createRng(seed).shuffle(order);
        const out = new Int32Array(E.n);
        const len = greedyForest(order, E.graph, new UnionFind(E.n), new Uint8Array(E.n), new Int32Array(E.n), out);
        expect(checkForest(E, out.slice(0, len), seed)).toBeLessThanOrEqual(1e-11);
      }),
      { numRuns: 15 },
    );
  });
  it('forest partition and red-black classes partition U; red-black classes are independent', () => {
    const parts = forestPartition(graphOrder(E.L, 'lipschitz'), E.graph);
    const seen = new Uint8Array(E.n);
    for (const f of parts) {
      expect(edgesInduced(E, f)).toBe(f.length - components(E, f));
      for (const i of f) seen[i]++;
    }
    expect(Array.from(seen).every((v) => v === 1)).toBe(true);
    const colours = redBlack(graphOrder(E.L, 'lipschitz'), E.graph);
    seen.fill(0);
    for (const c of colours) {
      expect(edgesInduced(E, c)).toBe(0);
      for (const i of c) seen[i]++;
    }
    expect(Array.from(seen).every((v) => v === 1)).toBe(true);
    const lattice = buildModel(latticeProblem(10, 1, 3, 1, createRng(1))).model as QuadraticModel;
    expect(redBlack(graphOrder(lattice.L, 'index'), lattice.graph).length).toBe(2);
  });
});

describe('message passing on label propagation (Fig 6 orderings on small D-type lattices)', () => {
  it('greedy forest ≪ forest partition, red-black ≪ general τ-block on a 20×20 lattice', async () => {
    const problem = latticeProblem(20, 1e3, 16, 10, createRng(7));
    const fStar = quadraticFStar(problem);
    const gap = async (o: Parameters<typeof opts>[1]) => {
      const built = buildModel(problem);
      const out = await solveModel(built.model, opts('label-propagation', { maxIterations: 150, ...o }), { rng: createRng(0), now: () => 0 });
      expect(out.stats.monotonicityViolations).toBe(0);
      return out.objective - fStar;
    };
    const f0 = -0 - fStar;
    const greedy = await gap({});
    const partition = await gap({ blocks: 'forest-partition' });
    const rb = await gap({ blocks: 'red-black' });
    const general = await gap({ blocks: 'variable', rule: 'gs', update: 'matrix', blockSize: 7 });
    expect(greedy).toBeLessThan(1e-4 * f0);
    expect(greedy).toBeLessThanOrEqual(partition + 1e-9 * Math.abs(fStar));
    expect(partition).toBeLessThan(rb);
    expect(rb).toBeLessThan(general);
  });
  it('a non-PD quadratic fails with "Q is not positive definite"', async () => {
    const built = buildModel({ kind: 'quadratic', Q: { shape: [2, 2], indptr: [0, 2, 4], indices: [0, 1, 0, 1], values: [1, 2, 2, 1] }, c: [1, 1] });
    await expect(solveModel(built.model, opts('quadratic', {}), { rng: createRng(0), now: () => 0 })).rejects.toThrow('Q is not positive definite');
  });
});
