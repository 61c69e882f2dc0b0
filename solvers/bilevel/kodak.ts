/**
 * @module Kodak data recipe of specs/bilevel.md §4.1: a small PNG decoder (8-bit greyscale/RGB/RGBA,
 * non-interlaced; zlib via node:zlib), PIL-style antialiased bilinear (triangle) resize to s×s ignoring the
 * aspect ratio, ITU-R 601-2 luma rounded to 8 bits, /255. Used by the benchmark (never copied into the repo).
 */
import { inflateSync } from 'node:zlib';

export interface GreyImage {
  h: number;
  w: number;
  data: Float64Array;
}

/** Decodes an 8-bit PNG to RGB(A) bytes; throws on unsupported formats. */
export function decodePng(buf: Uint8Array): { w: number; h: number; channels: number; pixels: Uint8Array } {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 8;
  let w = 0;
  let h = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  while (off < buf.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(buf[off + 4], buf[off + 5], buf[off + 6], buf[off + 7]);
    const body = buf.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      w = dv.getUint32(off + 8);
      h = dv.getUint32(off + 12);
      const depth = body[8];
      const ct = body[9];
      if (depth !== 8 || body[12] !== 0) throw new Error('only 8-bit non-interlaced PNG is supported');
      channels = ct === 0 ? 1 : ct === 2 ? 3 : ct === 6 ? 4 : ct === 4 ? 2 : 0;
      if (!channels) throw new Error(`PNG colour type ${ct} is not supported`);
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = w * channels;
  const px = new Uint8Array(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const o = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[o + x - channels] : 0;
      const b = y > 0 ? px[o - stride + x] : 0;
      const c = x >= channels && y > 0 ? px[o - stride + x - channels] : 0;
      let v = raw[src + x];
      if (f === 1) v += a;
      else if (f === 2) v += b;
      else if (f === 3) v += (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[o + x] = v & 255;
    }
  }
  return { w, h, channels, pixels: px };
}

/** PIL-style separable resample with the triangle filter (support scaled by the reduction factor). */
function resample1d(n: number, m: number, count: number, get: (i: number, k: number) => number, set: (i: number, k: number, v: number) => void): void {
  const scale = n / m;
  const fs = Math.max(scale, 1);
  const support = fs;
  for (let j = 0; j < m; j++) {
    const center = (j + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(n, Math.ceil(center + support));
    let wsum = 0;
    const ws: number[] = [];
    for (let i = lo; i < hi; i++) {
      const t = Math.max(0, 1 - Math.abs((i + 0.5 - center) / fs));
      ws.push(t);
      wsum += t;
    }
    for (let k = 0; k < count; k++) {
      let s = 0;
      for (let i = lo; i < hi; i++) s += ws[i - lo] * get(i, k);
      set(j, k, s / wsum);
    }
  }
}

/** Resize an RGB(A) image to s×s (bilinear, antialiased), then luma 601-2 rounded to 8 bits, divided by 255. */
export function kodakGrey(png: Uint8Array, s: number): GreyImage {
  const { w, h, channels, pixels } = decodePng(png);
  const out = new Float64Array(s * s);
  const ch = Math.min(channels, 3);
  // PIL resizes each 8-bit band, rounding after each pass.
  const tmp = new Float64Array(h * s * ch);
  resample1d(w, s, h * ch, (i, k) => pixels[Math.floor(k / ch) * w * channels + i * channels + (k % ch)], (j, k, v) => {
    tmp[Math.floor(k / ch) * s * ch + j * ch + (k % ch)] = Math.min(255, Math.max(0, Math.round(v)));
  });
  const rgb = new Float64Array(s * s * ch);
  resample1d(h, s, s * ch, (i, k) => tmp[i * s * ch + k], (j, k, v) => {
    rgb[j * s * ch + k] = Math.min(255, Math.max(0, Math.round(v)));
  });
  for (let i = 0; i < s * s; i++) {
    const L = ch === 1 ? rgb[i] : Math.round((299 * rgb[i * ch] + 587 * rgb[i * ch + 1] + 114 * rgb[i * ch + 2]) / 1000);
    out[i] = L / 255;
  }
  return { h: s, w: s, data: out };
}
