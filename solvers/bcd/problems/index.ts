/**
 * @module Builds the BCD model of a parsed problem (specs/bcd.md "Problem kinds"): linear losses on a CSC copy of A,
 * sparse quadratics on canonical CSR, label propagation reduced to its unlabelled nodes, multinomial logistic on W.
 */
import type { BcdProblem } from '../../../shared/index.js';
import { toCsc } from './columns.js';
import { LinearModel } from './linear.js';
import type { Model } from './model.js';
import { MultinomialModel } from './multinomial.js';
import { QuadraticModel, canonicalCsr, reduceLabelPropagation, type LabelPropagationReduction } from './quadratic.js';

export * from './model.js';
export { LinearModel } from './linear.js';
export { QuadraticModel, canonicalCsr, reduceLabelPropagation } from './quadratic.js';
export { MultinomialModel } from './multinomial.js';
export type { Csc } from './columns.js';
export { toCsc, cscFromColumns } from './columns.js';

export interface BuiltModel {
  model: Model;
  /** Label propagation: the reduction (maps unknowns back to nodes). */
  reduction?: LabelPropagationReduction;
}

export function buildModel(p: BcdProblem): BuiltModel {
  switch (p.kind) {
    case 'least-squares':
      return { model: new LinearModel(toCsc(p.A), { kind: p.kind, target: Float64Array.from(p.b), logistic: false, lambda: 0, nonneg: false, lambda2: 0 }, p.x0) };
    case 'lasso':
      return {
        model: new LinearModel(toCsc(p.A), { kind: p.kind, target: Float64Array.from(p.b), logistic: false, lambda: p.lambda, nonneg: p.nonnegative, lambda2: 0 }, p.x0),
      };
    case 'logistic':
      return { model: new LinearModel(toCsc(p.A), { kind: p.kind, target: Float64Array.from(p.y), logistic: true, lambda: 0, nonneg: false, lambda2: p.lambda2 }, p.x0) };
    case 'l1-logistic':
      return { model: new LinearModel(toCsc(p.A), { kind: p.kind, target: Float64Array.from(p.y), logistic: true, lambda: p.lambda, nonneg: false, lambda2: 0 }, p.x0) };
    case 'multinomial-logistic':
      return { model: new MultinomialModel(toCsc(p.A), Int32Array.from(p.labels), p.classes, p.x0) };
    case 'quadratic':
      return { model: new QuadraticModel(canonicalCsr(p.Q), Float64Array.from(p.c), 'quadratic', p.x0) };
    case 'label-propagation': {
      const red = reduceLabelPropagation(p.W, p.labels);
      const x0 = p.x0 ? Float64Array.from(red.unknowns, (i) => (p.x0 as number[])[i]) : undefined;
      return { model: new QuadraticModel(red.Q, red.c, 'label-propagation', x0), reduction: red };
    }
  }
}
