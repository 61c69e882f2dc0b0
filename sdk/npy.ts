/**
 * @module Reading and writing NumPy `.npy` files (format versions 1–3): the result artifacts (float64 / int32,
 * DESIGN §5) and user inputs in the web page. C order only for writing; Fortran-order input is transposed on read.
 */

export type NpyDtype = 'float64' | 'float32' | 'int32' | 'int16' | 'int8' | 'uint8' | 'uint16' | 'uint32' | 'int64' | 'bool';
export type NpyData = Float64Array | Float32Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Row-major (C order) values. int64 is read into a Float64Array (exact up to 2^53). */
  data: NpyData;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<string, { dtype: NpyDtype; bytes: number }> = {
  f8: { dtype: 'float64', bytes: 8 },
  f4: { dtype: 'float32', bytes: 4 },
  i4: { dtype: 'int32', bytes: 4 },
  i2: { dtype: 'int16', bytes: 2 },
  i1: { dtype: 'int8', bytes: 1 },
  u1: { dtype: 'uint8', bytes: 1 },
  u2: { dtype: 'uint16', bytes: 2 },
  u4: { dtype: 'uint32', bytes: 4 },
  i8: { dtype: 'int64', bytes: 8 },
  b1: { dtype: 'bool', bytes: 1 },
};

export class NpyFormatError extends Error {
  constructor(message: string) {
    super(`not a valid .npy file: ${message}`);
    this.name = 'NpyFormatError';
  }
}

export function parseNpy(input: ArrayBuffer | Uint8Array): NpyArray {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw new NpyFormatError('bad magic string');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let offset: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    headerLen = view.getUint32(8, true);
    offset = 12;
  } else throw new NpyFormatError(`unsupported version ${major}`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(offset, offset + headerLen));
  const descrMatch = /'descr'\s*:\s*'([<>|=])([a-z])(\d+)'/.exec(header);
  const fortranMatch = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch || !fortranMatch || !shapeMatch) throw new NpyFormatError(`cannot read header ${JSON.stringify(header)}`);
  const [, order, kind, size] = descrMatch;
  const info = DESCR[`${kind}${size}`];
  if (!info) throw new NpyFormatError(`unsupported dtype ${order}${kind}${size}`);
  const bigEndian = order === '>';
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number.parseInt(s, 10));
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new NpyFormatError(`bad shape ${shapeMatch[1]}`);
  const count = shape.reduce((a, b) => a * b, 1);
  const start = offset + headerLen;
  if (bytes.byteLength < start + count * info.bytes) throw new NpyFormatError(`truncated: needs ${count * info.bytes} data bytes`);
  let data = readValues(view, start, count, info.dtype, bigEndian);
  if (fortranMatch[1] === 'True' && shape.length > 1) data = fortranToC(data, shape);
  return { dtype: info.dtype, shape, data };
}

function readValues(view: DataView, start: number, count: number, dtype: NpyDtype, bigEndian: boolean): NpyData {
  const le = !bigEndian;
  switch (dtype) {
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(start + 8 * i, le);
      return out;
    }
    case 'int64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(start + 8 * i, le));
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(start + 4 * i, le);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(start + 4 * i, le);
      return out;
    }
    case 'uint32': {
      const out = new Uint32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint32(start + 4 * i, le);
      return out;
    }
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, le);
      return out;
    }
    case 'uint16': {
      const out = new Uint16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint16(start + 2 * i, le);
      return out;
    }
    case 'int8': {
      const out = new Int8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt8(start + i);
      return out;
    }
    default: {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getUint8(start + i);
      return out;
    }
  }
}

/** Reorders column-major values into row-major. */
function fortranToC(data: NpyData, shape: number[]): NpyData {
  const out = new (data.constructor as { new (n: number): NpyData })(data.length);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let f = 0; f < data.length; f++) {
    // idx is the multi-index of Fortran position f (first axis fastest).
    let c = 0;
    for (let k = 0; k < rank; k++) c = c * shape[k] + idx[k];
    out[c] = data[f];
    for (let k = 0; k < rank; k++) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** Encodes a C-order float64 or int32 array as .npy version 1.0. */
export function encodeNpy(data: Float64Array | Int32Array, shape: number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new Error(`shape [${shape.join(', ')}] needs ${count} values, got ${data.length}`);
  const descr = data instanceof Float64Array ? '<f8' : '<i4';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setInt32(4 * i, data[i], true);
  return out;
}
