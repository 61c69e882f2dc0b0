/**
 * @module Binary checkpoint format: "SVCK" magic, a uint32 header length, a JSON header `{meta, arrays: [{name,
 * dtype, length, offset}]}`, then the arrays' bytes (8-byte aligned, little-endian). One object, so one atomic put.
 */
import type { CheckpointArrays, CheckpointData } from '../../solvers/core/types.js';

const MAGIC = [0x53, 0x56, 0x43, 0x4b]; // SVCK
type Dtype = 'float64' | 'float32' | 'int32';

export function encodeCheckpoint(meta: unknown, arrays: CheckpointArrays = {}): Uint8Array {
  const entries: { name: string; dtype: Dtype; length: number; offset: number }[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    const dtype: Dtype = a instanceof Float64Array ? 'float64' : a instanceof Float32Array ? 'float32' : 'int32';
    entries.push({ name, dtype, length: a.length, offset });
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, arrays: entries }));
  const headerPadded = Math.ceil((8 + header.length) / 8) * 8;
  const out = new Uint8Array(headerPadded + offset);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  for (const e of entries) {
    const a = arrays[e.name];
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), headerPadded + e.offset);
  }
  return out;
}

export function decodeCheckpoint<T>(bytes: Uint8Array): CheckpointData<T> {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not a checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getUint32(4, true);
  if (8 + hlen > bytes.length) throw new Error('truncated checkpoint header');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + hlen))) as {
    meta: T;
    arrays: { name: string; dtype: Dtype; length: number; offset: number }[];
  };
  const base = Math.ceil((8 + hlen) / 8) * 8;
  const arrays: CheckpointArrays = {};
  for (const e of header.arrays) {
    const size = e.dtype === 'float64' ? 8 : 4;
    const start = base + e.offset;
    if (start + e.length * size > bytes.length) throw new Error(`truncated checkpoint array ${e.name}`);
    const copy = bytes.slice(start, start + e.length * size);
    arrays[e.name] = e.dtype === 'float64' ? new Float64Array(copy.buffer) : e.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  return { meta: header.meta, arrays };
}
