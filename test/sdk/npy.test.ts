/**
 * .npy reading and writing: round trips (fast-check) for float64/int32 of any shape, the 64-byte header alignment of
 * format 1.0, a file written by hand the way NumPy does (little-endian int16, Fortran order, big-endian float), and
 * clear errors for files that are not .npy.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NpyFormatError, encodeNpy, parseNpy } from '../../sdk/index.js';

function handMade(descr: string, fortran: boolean, shape: string, payload: Uint8Array, version = 1): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const pre = version === 1 ? 10 : 12;
  header += `${' '.repeat((64 - ((pre + header.length + 1) % 64)) % 64)}\n`;
  const out = new Uint8Array(pre + header.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, header.length, true);
  else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(payload, pre + header.length);
  return out;
}

describe('npy', () => {
  it('round-trips float64 and int32 arrays of any shape', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.integer(), (shape, isFloat, seed) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = isFloat ? Float64Array.from({ length: n }, (_, i) => Math.sin(seed + i) * 1e3) : Int32Array.from({ length: n }, (_, i) => (seed * 31 + i) | 0);
        const bytes = encodeNpy(data, shape);
        const headerEnd = 10 + new DataView(bytes.buffer).getUint16(8, true);
        expect(headerEnd % 64).toBe(0);
        const back = parseNpy(bytes);
        expect(back.shape).toEqual(shape);
        expect(back.dtype).toBe(isFloat ? 'float64' : 'int32');
        expect([...back.data]).toEqual([...data]);
      }),
      { numRuns: 100 },
    );
  });

  it('reads int16, big-endian floats, Fortran order and version 2 headers', () => {
    const i16 = new Uint8Array(new Int16Array([-1, 2, 300]).buffer);
    expect([...parseNpy(handMade('<i2', false, '(3,)', i16)).data]).toEqual([-1, 2, 300]);
    const be = new Uint8Array(16);
    new DataView(be.buffer).setFloat64(0, 1.5, false);
    new DataView(be.buffer).setFloat64(8, -2.25, false);
    expect([...parseNpy(handMade('>f8', false, '(2,)', be, 2)).data]).toEqual([1.5, -2.25]);
    // A 2×3 matrix [[1,2,3],[4,5,6]] stored column-major is 1,4,2,5,3,6.
    const f = new Uint8Array(Float64Array.from([1, 4, 2, 5, 3, 6]).buffer);
    const m = parseNpy(handMade('<f8', true, '(2, 3)', f));
    expect(m.shape).toEqual([2, 3]);
    expect([...m.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parseNpy(handMade('<f8', false, '()', new Uint8Array(new Float64Array([7]).buffer))).shape).toEqual([]);
  });

  it('rejects what is not .npy', () => {
    expect(() => parseNpy(new TextEncoder().encode('{"a": 1}'))).toThrow(NpyFormatError);
    expect(() => parseNpy(handMade('<c16', false, '(1,)', new Uint8Array(16)))).toThrow(/unsupported dtype/);
    expect(() => parseNpy(handMade('<f8', false, '(4,)', new Uint8Array(8)))).toThrow(/truncated/);
  });
});
