/**
 * @module Job ids: ULIDs (26 Crockford base-32 characters, 48-bit millisecond time then 80 random bits), so
 * ids sort by creation time. New ids come from an injected generator (deps), never from globals here.
 */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isJobId(s: string): boolean {
  return ID_PATTERN.test(s);
}

/** Encodes time (ms) and 10 random bytes as a ULID. */
export function encodeUlid(timeMs: number, random: Uint8Array): string {
  let t = Math.floor(timeMs);
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  // 80 random bits → 16 characters of 5 bits.
  let bits = 0;
  let acc = 0;
  let rand = '';
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | random[i];
    bits += 8;
    while (bits >= 5) {
      rand += CROCKFORD[(acc >> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  return time + rand;
}

export function ulidTimeMs(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + CROCKFORD.indexOf(id[i]);
  return t;
}

/** Maps each character to its mirror in the alphabet: ascending order of the result = descending of ids. */
export function invertId(id: string): string {
  let out = '';
  for (const ch of id) out += CROCKFORD[31 - CROCKFORD.indexOf(ch)];
  return out;
}

/** A monotonic ULID factory: within one millisecond the random part is incremented. */
export function ulidFactory(nowMs: () => number, randomBytes: (n: number) => Uint8Array): () => string {
  let lastTime = -1;
  let last: Uint8Array = new Uint8Array(10);
  return () => {
    const t = nowMs();
    if (t <= lastTime) {
      const next = new Uint8Array(last);
      for (let i = 9; i >= 0; i--) {
        next[i] = (next[i] + 1) & 255;
        if (next[i] !== 0) break;
      }
      last = next;
      return encodeUlid(lastTime, last);
    }
    lastTime = t;
    last = randomBytes(10);
    last[0] &= 0x7f; // leave headroom for increments
    return encodeUlid(t, last);
  };
}
