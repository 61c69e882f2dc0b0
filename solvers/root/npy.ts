/**
 * @module Minimal NumPy .npy reader (format versions 1–3): little-endian int32/int64/float32/float64/uint8 arrays
 * in C order, returned as a Float64Array (or Int32Array for integer data) with their shape. Used for the TF-Bind-8
 * data files (specs/root.md §4).
 */
import { SolverError } from '../../shared/index.js';

export interface NpyArray {
  shape: number[];
  data: Float64Array | Int32Array;
}

export function parseNpy(bytes: Uint8Array, name = 'array'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  for (let i = 0; i < 6; i++) if (bytes[i] !== magic[i]) throw new SolverError(`${name}: not a .npy file`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new SolverError(`${name}: malformed .npy header`);
  if (fortran === 'True') throw new SolverError(`${name}: Fortran-ordered .npy is not supported`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  const kind = descr.replace(/^[<|=]/, '');
  if (descr.startsWith('>')) throw new SolverError(`${name}: big-endian .npy is not supported`);
  const get = (size: number, read: (o: number) => number): Float64Array => {
    if (off + count * size > bytes.byteLength) throw new SolverError(`${name}: truncated .npy data`);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = read(off + i * size);
    return out;
  };
  switch (kind) {
    case 'f8':
      return { shape, data: get(8, (o) => view.getFloat64(o, true)) };
    case 'f4':
      return { shape, data: get(4, (o) => view.getFloat32(o, true)) };
    case 'i4':
      return { shape, data: Int32Array.from(get(4, (o) => view.getInt32(o, true))) };
    case 'i8':
      return { shape, data: Int32Array.from(get(8, (o) => Number(view.getBigInt64(o, true)))) };
    case 'u1':
      return { shape, data: Int32Array.from(get(1, (o) => view.getUint8(o))) };
    default:
      throw new SolverError(`${name}: unsupported .npy dtype ${descr}`);
  }
}
