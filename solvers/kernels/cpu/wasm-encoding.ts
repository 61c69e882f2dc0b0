/**
 * @module A minimal WebAssembly binary encoder for the hand-written CPU kernels (no toolchain): LEB128, the few
 * scalar and SIMD (f64x2) opcodes they use, structured while-loops, and a module of functions over one imported
 * memory `env.mem`. Encoding follows the WebAssembly core spec §5 (binary format) and the SIMD proposal's opcodes.
 */

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export const I32 = 0x7f;
export const F64T = 0x7c;
export const V128 = 0x7b;

export const str = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
export const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
export const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const simd = (op: number) => [0xfd, ...uleb(op)];

/** Instruction builders (each returns its bytes). Memory offsets are in bytes; alignment hints are natural (8). */
export const w = {
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)],
  f64: (v: number) => {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return [0x44, ...b];
  },
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  and: [0x71],
  shl: [0x74],
  shrU: [0x76],
  eqz: [0x45],
  ltU: [0x49],
  gtU: [0x4b],
  f64Load: (off = 0) => [0x2b, 3, ...uleb(off)],
  f64Store: (off = 0) => [0x39, 3, ...uleb(off)],
  f64Neg: [0x9a],
  f64Add: [0xa0],
  f64Sub: [0xa1],
  f64Mul: [0xa2],
  vLoad: (off = 0) => [...simd(0x00), 3, ...uleb(off)],
  vStore: (off = 0) => [...simd(0x0b), 3, ...uleb(off)],
  vSplat: simd(0x14), // f64x2.splat
  vAdd: simd(0xf0),
  vSub: simd(0xf1),
  vMul: simd(0xf2),
  /** if (cond) { then } — cond is on the stack. */
  if: (then: number[]) => [0x04, 0x40, ...then, 0x0b],
  /** while (cond) { body }: cond bytes leave an i32 on the stack, re-evaluated before every pass. */
  while: (cond: number[], body: number[]) => [0x02, 0x40, 0x03, 0x40, ...cond, 0x45, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b],
};

export interface WasmFunc {
  name: string;
  params: number[];
  /** Result types (none by default). */
  results?: number[];
  /** Extra locals as (count, type) runs, numbered after the params. */
  locals: [number, number][];
  body: number[];
  /** Exported under `name` (default true). */
  exported?: boolean;
}

/** A function imported from `env` (numbered before the module's own functions). */
export interface WasmImport {
  name: string;
  params: number[];
  results: number[];
}

export interface ModuleOptions {
  imports?: WasmImport[];
  /** Import env.mem as a shared memory with this maximum (pages); unshared without it. */
  sharedMaxPages?: number;
}

/**
 * A module importing memory env.mem (≥ 1 page) and the given env functions, exporting each of its own functions
 * (unless `exported: false`). Function indices: imports first, then `funcs` in order.
 */
export function moduleBytes(funcs: WasmFunc[], opts: ModuleOptions = {}): Uint8Array<ArrayBuffer> {
  const imps = opts.imports ?? [];
  const sig = (p: number[], r: number[]) => [0x60, ...vec(p.map((t) => [t])), ...vec(r.map((t) => [t]))];
  const types = section(1, vec([...imps.map((f) => sig(f.params, f.results)), ...funcs.map((f) => sig(f.params, f.results ?? []))]));
  const memLimits = opts.sharedMaxPages !== undefined ? [0x03, ...uleb(1), ...uleb(opts.sharedMaxPages)] : [0x00, ...uleb(1)];
  const imports = section(
    2,
    vec([[...str('env'), ...str('mem'), 0x02, ...memLimits], ...imps.map((f, i) => [...str('env'), ...str(f.name), 0x00, ...uleb(i)])]),
  );
  const fns = section(3, vec(funcs.map((_, i) => uleb(imps.length + i))));
  const exported = funcs.map((f, i) => ({ f, i })).filter(({ f }) => f.exported !== false);
  const exports = section(7, vec(exported.map(({ f, i }) => [...str(f.name), 0x00, ...uleb(imps.length + i)])));
  const code = section(
    10,
    vec(
      funcs.map((f) => {
        const b = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, 0x0b];
        return [...uleb(b.length), ...b];
      }),
    ),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...fns, ...exports, ...code]);
}
