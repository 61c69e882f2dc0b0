/**
 * @module Seeded random numbers: xoshiro128** (Blackman & Vigna) seeded by splitmix32; uniform doubles with
 * 53 random bits, integers without modulo bias, standard normals by the polar Box–Muller method.
 * Same seed ⇒ same stream on every platform. `fork(k)` gives an independent, reproducible sub-stream.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  fillUniform(out: Float64Array, lo?: number, hi?: number): Float64Array;
  fillNormal(out: Float64Array, mean?: number, std?: number): Float64Array;
  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T;
  /** A new generator whose stream depends only on this generator's seed and `stream`. */
  fork(stream: number): Rng;
  readonly seed: number;
}

function splitmix32(a: number): () => number {
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed >>> 0 ^ Math.floor(seed / 2 ** 32));
  let s0 = sm();
  let s1 = sm();
  let s2 = sm();
  let s3 = sm();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  let spare: number | undefined;
  const rng: Rng = {
    seed,
    next() {
      const hi = nextU32() >>> 5; // 27 bits
      const lo = nextU32() >>> 6; // 26 bits
      return (hi * 67108864 + lo) / 9007199254740992;
    },
    int(n: number) {
      if (n <= 0) throw new RangeError('int(n) needs n > 0');
      if (n <= 2 ** 32) {
        const limit = Math.floor(2 ** 32 / n) * n;
        for (;;) {
          const u = nextU32();
          if (u < limit) return u % n;
        }
      }
      return Math.floor(rng.next() * n);
    },
    normal() {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return v;
      }
      for (;;) {
        const u = 2 * rng.next() - 1;
        const v = 2 * rng.next() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          const f = Math.sqrt((-2 * Math.log(s)) / s);
          spare = v * f;
          return u * f;
        }
      }
    },
    fillUniform(out, lo = 0, hi = 1) {
      for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * rng.next();
      return out;
    },
    fillNormal(out, mean = 0, std = 1) {
      for (let i = 0; i < out.length; i++) out[i] = mean + std * rng.normal();
      return out;
    },
    shuffle(a) {
      for (let i = a.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      return a;
    },
    fork(stream: number) {
      const h = splitmix32((seed >>> 0) ^ Math.imul(stream + 1, 0x85ebca6b));
      return createRng(h() + (h() % 1024) * 2 ** 32);
    },
  };
  return rng;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
