/**
 * @module Categorical logit codec (specs/root.md §1.2, Design-Bench): per position p = 0.6·onehot + 0.4/C, v = ln p,
 * keep v[1:] − v[0] (C − 1 logits). Class 0 → all −a_C, class k ≥ 1 → entry k−1 = +a_C, others 0, a_C = ln(1 + 1.5C).
 * Decode: prepend 0 per position and take the argmax (first maximum wins).
 */

/** The hot value a_C = ln(1 + 1.5·C). */
export function hotValue(C: number): number {
  return Math.log(1 + 1.5 * C);
}

/** Encodes n sequences of length L (tokens 0..C−1, row-major) into out[n × L(C−1)]. */
export function encodeTokens(n: number, L: number, C: number, tokens: ArrayLike<number>, out: Float64Array): Float64Array {
  const a = hotValue(C);
  const w = C - 1;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < L; p++) {
      const tok = tokens[i * L + p];
      const base = (i * L + p) * w;
      for (let k = 0; k < w; k++) out[base + k] = tok === 0 ? -a : tok === k + 1 ? a : 0;
    }
  }
  return out;
}

/** Decodes n encoded rows (L(C−1) logits each) into tokens out[n × L]: argmax over [0, v1, …, v_{C−1}]. */
export function decodeLogits(n: number, L: number, C: number, logits: ArrayLike<number>, out: Int32Array): Int32Array {
  const w = C - 1;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < L; p++) {
      const base = (i * L + p) * w;
      let best = 0;
      let bestV = 0;
      for (let k = 0; k < w; k++) {
        const v = logits[base + k];
        if (v > bestV) {
          bestV = v;
          best = k + 1;
        }
      }
      out[i * L + p] = best;
    }
  }
  return out;
}
