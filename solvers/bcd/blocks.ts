/**
 * @module Fixed block partitions (specs/bcd.md §1.3, Decisions 7–8, 16): `fixed-order` contiguous ranges, `fixed-sorted`
 * a stable sort by (L_i ascending, index) cut into τ-groups, `fixed-random` a seeded permutation cut; the last block is
 * ragged. Coordinates with L_i = 0 (zero columns) are left out. Forest families live in forest.ts.
 */
import type { BcdResolvedOptions } from '../../shared/index.js';
import type { Rng } from '../core/index.js';
import { forestPartition, graphOrder, redBlack } from './forest.js';
import type { Model } from './problems/model.js';

export function eligibleCoordinates(L: Float64Array): Int32Array {
  let c = 0;
  for (let i = 0; i < L.length; i++) if (L[i] > 0) c++;
  const out = new Int32Array(c);
  c = 0;
  for (let i = 0; i < L.length; i++) if (L[i] > 0) out[c++] = i;
  return out;
}

export function fixedPartition(kind: 'fixed-sorted' | 'fixed-order' | 'fixed-random', eligible: Int32Array, L: Float64Array, tau: number, rng: Rng): Int32Array[] {
  const order = eligible.slice();
  if (kind === 'fixed-sorted') {
    const arr = Array.from(order);
    arr.sort((a, b) => L[a] - L[b] || a - b);
    order.set(arr);
  } else if (kind === 'fixed-random') rng.shuffle(order);
  const blocks: Int32Array[] = [];
  for (let s = 0; s < order.length; s += tau) blocks.push(order.slice(s, Math.min(order.length, s + tau)));
  return blocks;
}

/** Fixed blocks of the chosen family, or undefined for variable / greedy-forest blocks. */
export function makeFixedBlocks(m: Model, o: BcdResolvedOptions, eligible: Int32Array, tau: number, rng: Rng): Int32Array[] | undefined {
  switch (o.blocks) {
    case 'fixed-sorted':
    case 'fixed-order':
    case 'fixed-random':
      return fixedPartition(o.blocks, eligible, m.L, tau, rng);
    case 'forest-partition':
      return forestPartition(graphOrder(m.L, o.graphOrder), m.graph as NonNullable<Model['graph']>);
    case 'red-black':
      return redBlack(graphOrder(m.L, o.graphOrder), m.graph as NonNullable<Model['graph']>);
    default:
      return undefined;
  }
}
