/**
 * @module Dense layers and Adam in float64 (ROOT bridge network): out = act(in·W + bias) through GEMM; the backward
 * pass dZ = dOut ⊙ act'(z), dW (+)= inᵀ·dZ, dBias (+)= Σ_rows dZ, dIn = dZ·Wᵀ; and bias-corrected Adam (Kingma & Ba
 * 2015, Alg. 1: θ ← θ − lr·m̂/(√v̂ + ε)). dZ lives in a scratch buffer that grows once and is reused.
 */
import type { Activation, F64 } from '../ops.js';

export type GemmFn = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  A: F64,
  B: F64,
  beta: number,
  C: F64,
) => void;

export function activate(act: Activation, len: number, z: F64, out: F64): void {
  switch (act) {
    case 'none':
      if (out !== z) out.set(z.subarray(0, len));
      return;
    case 'relu':
      for (let i = 0; i < len; i++) out[i] = Math.max(z[i], 0);
      return;
    case 'silu':
      for (let i = 0; i < len; i++) out[i] = z[i] / (1 + Math.exp(-z[i]));
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) out[i] = Math.tanh(z[i]);
      return;
  }
}

/** g ← g ⊙ act'(z) in place. */
export function activationBackward(act: Activation, len: number, z: F64, g: F64): void {
  switch (act) {
    case 'none':
      return;
    case 'relu':
      for (let i = 0; i < len; i++) if (!(z[i] > 0)) g[i] = 0;
      return;
    case 'silu':
      for (let i = 0; i < len; i++) {
        const s = 1 / (1 + Math.exp(-z[i]));
        g[i] *= s * (1 + z[i] * (1 - s));
      }
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) {
        const t = Math.tanh(z[i]);
        g[i] *= 1 - t * t;
      }
      return;
  }
}

export function makeDense(gemm: GemmFn) {
  let scratch = new Float64Array(0);
  const need = (len: number): F64 => {
    if (scratch.length < len) scratch = new Float64Array(len);
    return scratch;
  };

  function dense(
    batch: number,
    nin: number,
    nout: number,
    input: F64,
    W: F64,
    bias: F64,
    act: Activation,
    out: F64,
    preact?: F64,
  ): void {
    const z = preact ?? (act === 'none' ? out : need(batch * nout));
    for (let b = 0; b < batch; b++) z.set(bias.subarray(0, nout), b * nout);
    gemm(false, false, batch, nout, nin, 1, input, W, 1, z);
    activate(act, batch * nout, z, out);
  }

  function denseBackward(
    batch: number,
    nin: number,
    nout: number,
    input: F64,
    W: F64,
    preact: F64,
    act: Activation,
    dOut: F64,
    dW: F64,
    dBias: F64,
    dIn: F64 | undefined,
    accumulate: boolean,
  ): void {
    const len = batch * nout;
    const dZ = need(len);
    dZ.set(dOut.subarray(0, len));
    activationBackward(act, len, preact, dZ);
    gemm(true, false, nin, nout, batch, 1, input, dZ, accumulate ? 1 : 0, dW);
    if (!accumulate) dBias.fill(0, 0, nout);
    for (let b = 0; b < batch; b++) {
      const o = b * nout;
      for (let j = 0; j < nout; j++) dBias[j] += dZ[o + j];
    }
    if (dIn) gemm(false, true, batch, nin, nout, 1, dZ, W, 0, dIn);
  }

  return { dense, denseBackward };
}

export function adam(
  n: number,
  params: F64,
  grads: F64,
  m: F64,
  v: F64,
  lr: number,
  beta1: number,
  beta2: number,
  eps: number,
  t: number,
): void {
  const c1 = 1 / (1 - beta1 ** t);
  const c2 = 1 / (1 - beta2 ** t);
  for (let i = 0; i < n; i++) {
    const g = grads[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= (lr * (mi * c1)) / (Math.sqrt(vi * c2) + eps);
  }
}
