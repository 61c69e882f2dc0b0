/**
 * @module A fast, deterministic fingerprint (FNV-1a in two 32-bit lanes) over a string and the bytes of float64
 * values: checkpoints carry one of the spec, seed and data so a resumed attempt never loads a foreign state.
 */
export function fingerprint(text: string, arrays: ArrayLike<number>[] = []): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  const byte = (b: number) => {
    h1 = Math.imul(h1 ^ b, 0x01000193);
    h2 = Math.imul(h2 ^ b, 0x5bd1e995) ^ (h2 >>> 15);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    byte(c & 0xff);
    byte(c >>> 8);
  }
  const f = new Float64Array(1);
  const u8 = new Uint8Array(f.buffer);
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      f[0] = a[i];
      for (let k = 0; k < 8; k++) byte(u8[k]);
    }
    byte(0xff);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}
