/**
 * @module Named random streams (specs/root.md Decisions D5). `corrected`: every stream is keyed by (job seed, stream
 * name, index), so job seeds give independent runs. `reference`: the streams the released code re-seeds by epoch or
 * batch only (pairs(e), gpSubset(e ≥ 1), batch(b), validation batches) ignore the job seed, as there.
 */
import { createRng, type Rng } from '../core/rng.js';

export type StreamName = 'shuffle' | 'init' | 'pairs' | 'gpSubset' | 'batch' | 'validation' | 'sampler' | 'lengthscale' | 'random' | 'data';

const STREAM_IDS: Record<StreamName, number> = {
  shuffle: 1,
  init: 2,
  pairs: 3,
  gpSubset: 4,
  batch: 5,
  validation: 6,
  sampler: 7,
  lengthscale: 8,
  random: 9,
  data: 10,
};

function mix(h: number, v: number): number {
  h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A generator keyed by (seed or none, stream, index). */
export function streamRng(seed: number | null, name: StreamName, index = 0): Rng {
  let h = 0x9e3779b9;
  h = mix(h, seed === null ? 0xffffffff : seed >>> 0);
  h = mix(h, seed === null ? 1 : Math.floor(seed / 2 ** 32));
  h = mix(h, STREAM_IDS[name]);
  h = mix(h, index >>> 0);
  return createRng(h);
}

/** Stream keys per variant: which streams include the job seed. */
export class Streams {
  constructor(
    private readonly seed: number,
    private readonly reference: boolean,
  ) {}
  private key(seeded: boolean): number | null {
    return seeded ? this.seed : null;
  }
  shuffle(): Rng {
    return streamRng(this.seed, 'shuffle');
  }
  init(): Rng {
    return streamRng(this.seed, 'init');
  }
  pairs(epoch: number): Rng {
    return streamRng(this.key(!this.reference), 'pairs', epoch);
  }
  gpSubset(epoch: number): Rng {
    return streamRng(this.key(!this.reference || epoch === 0), 'gpSubset', epoch);
  }
  batch(b: number): Rng {
    return streamRng(this.key(!this.reference), 'batch', b);
  }
  validation(b: number): Rng {
    return streamRng(this.key(!this.reference), 'validation', b);
  }
  sampler(): Rng {
    return streamRng(this.seed, 'sampler');
  }
  lengthscale(): Rng {
    return streamRng(this.seed, 'lengthscale');
  }
  random(): Rng {
    return streamRng(this.seed, 'random');
  }
}
