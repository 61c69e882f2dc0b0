/**
 * @module The wasm state of one d = 2 lifted FDR solve (specs/fdr.md §1.2, §2.2): every lifted array (v, vprev,
 * p^x, p^t, s, μ), the per-cell M = T*μ̄, the costs, step tables and border flags live in one shared
 * WebAssembly.Memory, sized once (never grown, so the Float64Array views stay valid), on which the bodies of
 * wasm-lifted-module.ts run — on the calling thread alone, or split by cells with one helper worker thread (the
 * two synchronise through Atomics on a control block in the same memory; each barrier hands over a cell range).
 * Returns null where WebAssembly SIMD or threads are missing, or the arrays would not fit a 32-bit memory.
 */
import { Worker } from 'node:worker_threads';
import { HDR, MAX_PAGES, WASM_DIMS, liftedModuleBytes } from './wasm-lifted-module.js';

type CellsFn = (x0: number, x1: number, mode: number, tid: number) => void;
type VstepFn = (x0: number, x1: number, wantE: number) => void;

/** Modes of `cells`: the s-step alone, the μ-step alone (settle), the μ-step fused with the next s-step. */
export const MODE = { dual: 0, primal: 1, fused: 2 } as const;

export interface LiftedWasmInput {
  N: number;
  L: number;
  /** 2 or 3. */
  d: number;
  /** Cell strides per axis (row-major). */
  strides: number[];
  flags: Uint8Array;
  cost: Float64Array;
  sigmaP: Float64Array;
  tauMu: Float64Array;
  omega: number;
  sigmaS: number;
  nu: number;
  ballThreshold: number;
  invH: Float64Array;
  tauV: number;
}

const PAGE = 65536;
/** Largest memory asked for (bytes): below the 4 GiB of wasm32, with room for V8's own limits. */
export const LIFTED_WASM_MAX_BYTES = 3.5 * 2 ** 30;
/** Control slots (Int32 at HDR.ctrl): generation, command, x0, x1, mode, wantE, done generation, error. */
const C_GEN = 0;
const C_CMD = 1;
const C_X0 = 2;
const C_X1 = 3;
const C_MODE = 4;
const C_WANT = 5;
const C_DONE = 6;
const C_ERR = 7;
const CMD = { exit: 0, cells: 1, vstep: 2 } as const;

let mod: WebAssembly.Module | null | undefined;

function compiled(): WebAssembly.Module | null {
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(liftedModuleBytes());
    } catch {
      mod = null; // no WebAssembly SIMD or threads on this host
    }
  }
  return mod;
}

const MATH = { pow: Math.pow, cbrt: Math.cbrt, cos: Math.cos, acos: Math.acos };

/** The helper thread: instantiates the module on the shared memory, then serves commands until `exit`. */
const WORKER_SRC = `
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ module, mem, ctrlAt, d }) => {
  const all = new WebAssembly.Instance(module, { env: { mem, pow: Math.pow, cbrt: Math.cbrt, cos: Math.cos, acos: Math.acos } }).exports;
  const ex = { cells: all['cells' + d], vstep: all['vstep' + d] };
  const c = new Int32Array(mem.buffer, ctrlAt, 8);
  let gen = Atomics.load(c, ${C_GEN});
  parentPort.postMessage('ready');
  for (;;) {
    Atomics.wait(c, ${C_GEN}, gen);
    gen = Atomics.load(c, ${C_GEN});
    const cmd = c[${C_CMD}];
    if (cmd === ${CMD.exit}) break;
    try {
      if (cmd === ${CMD.cells}) ex.cells(c[${C_X0}], c[${C_X1}], c[${C_MODE}], 1);
      else ex.vstep(c[${C_X0}], c[${C_X1}], c[${C_WANT}]);
    } catch (e) {
      Atomics.store(c, ${C_ERR}, 1);
    }
    Atomics.store(c, ${C_DONE}, gen);
    Atomics.notify(c, ${C_DONE});
  }
  Atomics.store(c, ${C_DONE}, gen);
  Atomics.notify(c, ${C_DONE});
  parentPort.close();
});
`;

export class LiftedWasm {
  readonly v: Float64Array;
  readonly vprev: Float64Array;
  readonly px: Float64Array;
  readonly pt: Float64Array;
  readonly s: Float64Array;
  readonly mu: Float64Array;
  readonly M: Float64Array;
  private readonly E: Float64Array;
  private readonly ctrl: Int32Array;
  private readonly cellsFn: CellsFn;
  private readonly vstepFn: VstepFn;
  private worker: Worker | null = null;
  /** Cells [0, split) run on this thread, [split, N) on the helper (split = N without one). */
  private split: number;

  private constructor(
    readonly N: number,
    readonly L: number,
    readonly d: number,
    private readonly mem: WebAssembly.Memory,
    private readonly module: WebAssembly.Module,
    views: Record<'v' | 'vprev' | 'px' | 'pt' | 's' | 'mu' | 'M' | 'E', Float64Array>,
  ) {
    const ex = new WebAssembly.Instance(module, { env: { mem, ...MATH } }).exports as unknown as Record<string, CellsFn & VstepFn>;
    this.cellsFn = ex[`cells${d}`];
    this.vstepFn = ex[`vstep${d}`];
    this.v = views.v;
    this.vprev = views.vprev;
    this.px = views.px;
    this.pt = views.pt;
    this.s = views.s;
    this.mu = views.mu;
    this.M = views.M;
    this.E = views.E;
    this.ctrl = new Int32Array(mem.buffer, HDR.ctrl, 8);
    this.split = N;
  }

  /** Memory, header and constant tables for one solve; null when unavailable or too large. */
  static create(inp: LiftedWasmInput): LiftedWasm | null {
    const m = compiled();
    if (!m || !(WASM_DIMS as readonly number[]).includes(inp.d)) return null;
    const { N, L, d } = inp;
    const P = (L * (L + 1)) / 2;
    const NL = N * L;
    const sizes = {
      tau: P, tauO: P, C: 2 * d * (L + 1), M: d * NL, px: d * NL, s: d * N * P, mu: d * N * P,
      v: NL, vprev: NL, pt: NL, cost: NL, E: NL, sigmaP: L, flags: Math.ceil(N / 8),
    };
    const ptr = {} as Record<keyof typeof sizes, number>;
    let at = HDR.bytes;
    for (const k of Object.keys(sizes) as (keyof typeof sizes)[]) {
      ptr[k] = at;
      at += Math.ceil((sizes[k] * 8) / 16) * 16;
    }
    if (at > LIFTED_WASM_MAX_BYTES) return null;
    let mem: WebAssembly.Memory;
    try {
      const pages = Math.ceil(at / PAGE);
      mem = new WebAssembly.Memory({ initial: pages, maximum: Math.min(MAX_PAGES, pages), shared: true });
    } catch {
      return null; // the host refused the reservation
    }
    const buf = mem.buffer;
    const view = (k: keyof typeof sizes) => new Float64Array(buf, ptr[k], k === 'flags' ? 0 : sizes[k]);
    const hi = new Int32Array(buf, 0, HDR.bytes / 4);
    const hf = new Float64Array(buf, 0, HDR.bytes / 8);
    hi[HDR.L / 4] = L;
    inp.strides.forEach((st, j) => {
      hi[[HDR.st0, HDR.st1, HDR.st2][j] / 4] = st;
      hf[[HDR.invH0, HDR.invH1, HDR.invH2][j] / 8] = inp.invH[j];
    });
    for (const k of ['flags', 'tau', 'tauO', 'C', 'M', 'px', 's', 'mu', 'v', 'vprev', 'pt', 'cost', 'E', 'sigmaP'] as const) hi[HDR[k] / 4] = ptr[k];
    hf[HDR.sigmaS / 8] = inp.sigmaS;
    hf[HDR.nu / 8] = inp.nu;
    hf[HDR.bt2 / 8] = inp.ballThreshold * inp.ballThreshold;
    hf[HDR.tauV / 8] = inp.tauV;
    hf[HDR.Lf / 8] = L;
    const tau = view('tau');
    const tauO = view('tauO');
    for (let i = 0; i < P; i++) {
      tau[i] = inp.tauMu[i];
      tauO[i] = inp.omega * inp.tauMu[i];
    }
    view('cost').set(inp.cost);
    view('sigmaP').set(inp.sigmaP);
    new Uint8Array(buf, ptr.flags, N).set(inp.flags);
    const names = ['v', 'vprev', 'px', 'pt', 's', 'mu', 'M', 'E'] as const;
    const views = Object.fromEntries(names.map((k) => [k, view(k)])) as Record<(typeof names)[number], Float64Array>;
    return new LiftedWasm(N, L, d, mem, m, views);
  }

  /** Starts the helper thread (cells split in two halves); resolves once it is serving. No-op if running. */
  async startHelper(): Promise<void> {
    if (this.worker || this.N < 2) return;
    const worker = new Worker(WORKER_SRC, { eval: true });
    worker.unref();
    const ready = new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    worker.postMessage({ module: this.module, mem: this.mem, ctrlAt: HDR.ctrl, d: this.d });
    await ready;
    this.worker = worker;
    this.split = Math.ceil(this.N / 2);
  }

  /** Stops the helper thread (the solve continues on this thread). */
  async stopHelper(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    this.split = this.N;
    this.post(CMD.exit, 0, 0, 0, 0);
    this.await();
    await worker.terminate();
  }

  /** Threads the next iterations use (2 only with a running helper that is not paused). */
  get threads(): number {
    return this.worker && this.split < this.N ? 2 : 1;
  }

  /** Pauses (false) or resumes (true) the helper without stopping it; results do not depend on it. */
  setParallel(on: boolean): void {
    this.split = on && this.worker ? Math.ceil(this.N / 2) : this.N;
  }

  get hasHelper(): boolean {
    return this.worker !== null;
  }

  private post(cmd: number, x0: number, x1: number, mode: number, want: number): void {
    const c = this.ctrl;
    c[C_CMD] = cmd;
    c[C_X0] = x0;
    c[C_X1] = x1;
    c[C_MODE] = mode;
    c[C_WANT] = want;
    Atomics.add(c, C_GEN, 1);
    Atomics.notify(c, C_GEN);
  }

  private await(): void {
    const c = this.ctrl;
    const gen = Atomics.load(c, C_GEN);
    for (let spin = 0; Atomics.load(c, C_DONE) !== gen; spin++) {
      if (spin > 2000) Atomics.wait(c, C_DONE, Atomics.load(c, C_DONE), 50);
    }
    if (Atomics.load(c, C_ERR) !== 0) throw new Error('fdr: the helper thread of the lifted iteration failed');
  }

  /** Pair pass (mode) and, unless mode is `primal`, the p-step, over all cells. */
  cells(mode: number): void {
    const { N, split } = this;
    if (split < N) this.post(CMD.cells, split, N, mode, 0);
    this.cellsFn(0, split, mode, 0);
    if (split < N) this.await();
  }

  /** v-step over all cells; returns the measure Σ|v − vprev|/(N·L) when wantE (else NaN). */
  vstep(wantE: boolean): number {
    const { N, split } = this;
    const want = wantE ? 1 : 0;
    if (split < N) this.post(CMD.vstep, split, N, 0, want);
    this.vstepFn(0, split, want);
    if (split < N) this.await();
    if (!wantE) return Number.NaN;
    const E = this.E;
    let e = 0;
    for (let i = 0; i < E.length; i++) e += E[i];
    return e / E.length;
  }
}
