/**
 * @module Hand-assembled WebAssembly (f64x2 SIMD for the pair passes) of the whole lifted FDR iteration (d = 1, 2, 3) of
 * specs/fdr.md §1.2–§2.2, over a cell range [x0, x1) so that threads can share one solve:
 *   cells(x0, x1, mode, tid): per cell, the pair pass — mode 0: s-step (μ̄ = μ + ωτ_μ r, r = s − T p; M = T*μ̄;
 *     s ← ball(s − σ_s μ̄)); mode 2: the μ-step of the previous iteration (μ += τ_μ r) fused with this s-step (both
 *     read the same C and s); mode 1: the μ-step alone — then (modes 0, 2) the p-step (ascent with ∇v̄ + M, parabola
 *     projection per level). C (prefix sums of p^x) is per-thread scratch (tid).
 *   vstep(x0, x1, wantE): v + τ_v div p, box; |v_new − v_old| per entry into E when wantE (the caller sums E in
 *     order, so the measure is the same at any thread count).
 * Every value is the same IEEE expression, in the same order, as the JS loops of lifted.ts (no FMA; pow, cbrt,
 * cos, acos imported from Math), so the results are bit-identical to them. Layout and constants: a header at byte
 * 0 (see HDR); s, μ interleaved [x][pair][j]; C, M, p^x interleaved [k][j]; pairs k1 outer, k2 inner.
 */
import { F64T, I32, V128, moduleBytes, uleb as leb, w } from '../kernels/cpu/wasm-encoding.js';

/** Header byte offsets (i32 fields, then f64 fields, then the thread control block). */
export const HDR = {
  L: 0, st0: 4, st1: 8, st2: 12, flags: 16, tau: 20, tauO: 24, C: 28, M: 32, px: 36, s: 40, mu: 44, v: 48, vprev: 52, pt: 56, cost: 60, E: 64, sigmaP: 68,
  sigmaS: 72, nu: 80, bt2: 88, invH0: 96, invH1: 104, invH2: 112, tauV: 120, Lf: 128,
  /** Int32 control block for the helper thread (8 slots). */
  ctrl: 136,
  bytes: 192,
} as const;

const { get, set, tee, i32, add, sub, mul, and, f64Load, f64Store, vLoad, vStore } = w;
const simd = (op: number) => [0xfd, op];
const lane = (l: number) => [...simd(0x21), l];
const op = {
  load8u: [0x2d, 0, 0],
  eq: [0x46],
  ne: [0x47],
  f64Eq: [0x61],
  f64Lt: [0x63],
  f64Gt: [0x64],
  f64Ge: [0x66],
  f64Abs: [0x99],
  f64Sqrt: [0x9f],
  f64Div: [0xa3],
  call: (i: number) => [0x10, ...leb(i)],
};
const ifElse = (then: number[], els: number[]) => [0x04, 0x40, ...then, 0x05, ...els, 0x0b];
const ifF64 = (then: number[], els: number[]) => [0x04, 0x7c, ...then, 0x05, ...els, 0x0b];
const inc = (local: number, by: number) => [...get(local), ...i32(by), ...add, ...set(local)];
/** Header field: i32 at its offset. */
const hdrI = (off: number) => [...i32(0), 0x28, 2, ...leb(off)];
const hdrF = (off: number) => [...i32(0), ...f64Load(off)];

/** Names → local indices (params first, then i32, f64, v128 locals in declaration order). */
function frame(params: [string, number][], locals: [string, number][]) {
  const idx: Record<string, number> = {};
  params.forEach(([n], i) => {
    idx[n] = i;
  });
  let at = params.length;
  const runs: [number, number][] = [];
  for (const t of [I32, F64T, V128]) {
    const names = locals.filter(([, ty]) => ty === t).map(([n]) => n);
    for (const n of names) idx[n] = at++;
    if (names.length) runs.push([names.length, t]);
  }
  return { idx, runs, params: params.map(([, t]) => t) };
}

// Imports (function indices 0..3), then own functions per d ∈ {2, 3}: cells, vstep, pstep.
const IMPORTS = [
  { name: 'pow', params: [F64T, F64T], results: [F64T] },
  { name: 'cbrt', params: [F64T], results: [F64T] },
  { name: 'cos', params: [F64T], results: [F64T] },
  { name: 'acos', params: [F64T], results: [F64T] },
];
const [POW, CBRT, COS, ACOS] = [0, 1, 2, 3];
/** Dimensions with a wasm body, in module order. */
export const WASM_DIMS = [1, 2, 3] as const;
const pstepIndex = (d: number) => IMPORTS.length + 3 * WASM_DIMS.indexOf(d as 1 | 2 | 3) + 2;
const STRIDE = [HDR.st0, HDR.st1, HDR.st2];
const INVH = [HDR.invH0, HDR.invH1, HDR.invH2];

/**
 * Pair passes + p-step over a cell range for d = 1, 2 or 3. Components 0, 1 of an entry are one f64x2 lane pair; for
 * d = 3 component 2 follows as a scalar ("z" locals), and d = 1 is that scalar alone; the same order of operations as
 * the JS loops.
 */
function cellsFn(d: 1 | 2 | 3) {
  const v = d >= 2; // components 0, 1 as one f64x2
  const z = d !== 2; // a scalar component: 2 (d = 3) or 0 (d = 1)
  const ZO = d === 3 ? 16 : 0; // its byte offset in an entry
  const f = frame(
    [['x0', I32], ['x1', I32], ['mode', I32], ['tid', I32]],
    [
      ['L', I32], ['P', I32], ['x', I32], ['PX', I32], ['PS', I32], ['PMU', I32], ['PM', I32], ['PC', I32], ['PTAU', I32], ['PTAUO', I32],
      ['K1', I32], ['CNT', I32], ['S', I32], ['MU', I32], ['T', I32], ['TO', I32], ['CK', I32], ['MK', I32], ['ROW', I32],
      ['SIG', F64T], ['NU', F64T], ['BT2', F64T], ['N2', F64T], ['SC', F64T],
      ['C0z', F64T], ['ACCz', F64T], ['Rz', F64T], ['MBz', F64T], ['Mz', F64T], ['CURz', F64T], ['TAU', F64T],
      ['C0', V128], ['ACC', V128], ['R', V128], ['MB', V128], ['M', V128], ['VS', V128], ['CUR', V128], ['SQ', V128],
    ],
  );
  const L = f.idx;
  const g = (n: string) => get(L[n]);
  const s = (n: string) => set(L[n]);
  const E = 8 * d; // bytes per entry
  const zOnly = (code: number[]) => (z ? code : []);
  const vOnly = (code: number[]) => (v ? code : []);
  const prefix = [
    ...vOnly([...w.f64(0), ...w.vSplat, ...s('CUR')]), ...zOnly([...w.f64(0), ...s('CURz')]),
    ...vOnly([...g('PC'), ...g('CUR'), ...vStore(0)]), ...zOnly([...g('PC'), ...g('CURz'), ...f64Store(ZO)]),
    ...g('PX'), ...s('S'), ...g('PC'), ...s('CK'), ...g('L'), ...s('CNT'),
    ...w.while(g('CNT'), [
      ...vOnly([...g('CK'), ...g('CUR'), ...g('S'), ...vLoad(0), ...w.vAdd, ...tee(L.CUR), ...vStore(E)]),
      ...zOnly([...g('CK'), ...g('CURz'), ...g('S'), ...f64Load(ZO), ...w.f64Add, ...tee(L.CURz), ...f64Store(E + ZO)]),
      ...inc(L.S, E), ...inc(L.CK, E), ...inc(L.CNT, -1),
    ]),
  ];
  const zeroM = [
    ...g('PM'), ...s('MK'), ...g('L'), ...s('CNT'),
    ...w.while(g('CNT'), [
      ...vOnly([...g('MK'), ...w.f64(0), ...w.vSplat, ...vStore(0)]), ...zOnly([...g('MK'), ...w.f64(0), ...f64Store(ZO)]),
      ...inc(L.MK, E), ...inc(L.CNT, -1),
    ]),
  ];
  const residual = [
    ...vOnly([...g('S'), ...vLoad(0), ...g('CK'), ...vLoad(0), ...g('C0'), ...w.vSub, ...w.vSub, ...s('R')]),
    ...zOnly([...g('S'), ...f64Load(ZO), ...g('CK'), ...f64Load(ZO), ...g('C0z'), ...w.f64Sub, ...w.f64Sub, ...s('Rz')]),
  ];
  // μ̄ in MB (and MBz) → acc += μ̄; M[k2] += acc; m = s − σ μ̄; |m|² = (m0² + m1²) (+ m2²); s ← m or m·ν/|m|
  const dualTail = [
    ...vOnly([...g('ACC'), ...g('MB'), ...w.vAdd, ...s('ACC')]),
    ...vOnly([...g('MK'), ...g('MK'), ...vLoad(0), ...g('ACC'), ...w.vAdd, ...vStore(0)]),
    ...zOnly([...g('ACCz'), ...g('MBz'), ...w.f64Add, ...s('ACCz'), ...g('MK'), ...g('MK'), ...f64Load(ZO), ...g('ACCz'), ...w.f64Add, ...f64Store(ZO)]),
    ...vOnly([...g('S'), ...vLoad(0), ...g('VS'), ...g('MB'), ...w.vMul, ...w.vSub, ...s('M')]),
    ...zOnly([...g('S'), ...f64Load(ZO), ...g('SIG'), ...g('MBz'), ...w.f64Mul, ...w.f64Sub, ...s('Mz')]),
    // |m|² in the JS order: m0² + m1² (+ m2²); d = 1: m0²
    ...vOnly([...g('M'), ...g('M'), ...w.vMul, ...tee(L.SQ), ...lane(0), ...g('SQ'), ...lane(1), ...w.f64Add]),
    ...zOnly([...g('Mz'), ...g('Mz'), ...w.f64Mul, ...(v ? w.f64Add : [])]),
    ...tee(L.N2),
    ...g('BT2'), ...op.f64Gt,
    ...ifElse(
      [
        ...g('NU'), ...g('N2'), ...op.f64Sqrt, ...op.f64Div, ...s('SC'),
        ...vOnly([...g('S'), ...g('M'), ...g('SC'), ...w.vSplat, ...w.vMul, ...vStore(0)]),
        ...zOnly([...g('S'), ...g('Mz'), ...g('SC'), ...w.f64Mul, ...f64Store(ZO)]),
      ],
      [...vOnly([...g('S'), ...g('M'), ...vStore(0)]), ...zOnly([...g('S'), ...g('Mz'), ...f64Store(ZO)])],
    ),
  ];
  const loadTau = (ptr: string) => [...g(ptr), ...f64Load(0), ...s('TAU')];
  const tauR = [...g('TAU'), ...w.vSplat, ...g('R'), ...w.vMul];
  const tauRz = [...g('TAU'), ...g('Rz'), ...w.f64Mul];
  const bodies = {
    dual: [
      ...residual,
      ...loadTau('TO'),
      ...vOnly([...g('MU'), ...vLoad(0), ...tauR, ...w.vAdd, ...s('MB')]),
      ...zOnly([...g('MU'), ...f64Load(ZO), ...tauRz, ...w.f64Add, ...s('MBz')]),
      ...dualTail,
    ],
    primal: [
      ...residual,
      ...loadTau('T'),
      ...vOnly([...g('MU'), ...g('MU'), ...vLoad(0), ...tauR, ...w.vAdd, ...vStore(0)]),
      ...zOnly([...g('MU'), ...g('MU'), ...f64Load(ZO), ...tauRz, ...w.f64Add, ...f64Store(ZO)]),
    ],
    fused: [
      ...residual,
      ...loadTau('T'),
      ...vOnly([...g('MU'), ...g('MU'), ...vLoad(0), ...tauR, ...w.vAdd, ...tee(L.CUR), ...vStore(0)]),
      ...zOnly([...g('MU'), ...g('MU'), ...f64Load(ZO), ...tauRz, ...w.f64Add, ...tee(L.CURz), ...f64Store(ZO)]),
      ...loadTau('TO'),
      ...vOnly([...g('CUR'), ...tauR, ...w.vAdd, ...s('MB')]),
      ...zOnly([...g('CURz'), ...tauRz, ...w.f64Add, ...s('MBz')]),
      ...dualTail,
    ],
  };
  // each row walked from k2 = L−1 down to k1 (the order of the suffix sum)
  const pairLoop = (body: number[], withDual: boolean) => {
    const at = (base: string, size: number) => [...g(base), ...g('T'), ...i32(size), ...mul, ...add];
    const rowStart = [
      ...g('L'), ...g('K1'), ...sub, ...s('CNT'),
      ...g('ROW'), ...g('CNT'), ...add, ...i32(1), ...sub, ...s('T'), // T = pair index of (k1, L−1) for a moment
      ...at('PS', E), ...s('S'), ...at('PMU', E), ...s('MU'), ...at('PTAUO', 8), ...s('TO'), ...at('PTAU', 8), ...s('T'),
      ...g('PC'), ...g('L'), ...i32(E), ...mul, ...add, ...s('CK'),
      ...g('PM'), ...g('L'), ...i32(E), ...mul, ...add, ...i32(E), ...sub, ...s('MK'),
      ...g('PC'), ...g('K1'), ...i32(E), ...mul, ...add, ...s('CK'),
      ...vOnly([...g('CK'), ...vLoad(0), ...s('C0')]),
      ...zOnly([...g('CK'), ...f64Load(ZO), ...s('C0z')]),
      ...g('PC'), ...g('L'), ...i32(E), ...mul, ...add, ...s('CK'),
      ...(withDual ? [...vOnly([...w.f64(0), ...w.vSplat, ...s('ACC')]), ...zOnly([...w.f64(0), ...s('ACCz')])] : []),
    ];
    const step = [...inc(L.S, -E), ...inc(L.MU, -E), ...inc(L.T, -8), ...inc(L.TO, -8), ...inc(L.CK, -E), ...inc(L.MK, -E), ...inc(L.CNT, -1)];
    // rows k1 = L−1 down to 0: with each row walked downwards, the whole cell is one descending sweep of s and μ
    const row = [...inc(L.K1, -1), ...g('ROW'), ...g('L'), ...g('K1'), ...sub, ...sub, ...s('ROW'), ...rowStart, ...w.while(g('CNT'), [...body, ...step])];
    return [...g('L'), ...s('K1'), ...g('P'), ...s('ROW'), ...w.while(g('K1'), row)];
  };
  const setup = [
    ...hdrI(HDR.L), ...s('L'),
    ...g('L'), ...g('L'), ...i32(1), ...add, ...mul, ...i32(1), ...w.shrU, ...s('P'),
    ...hdrI(HDR.tau), ...s('PTAU'), ...hdrI(HDR.tauO), ...s('PTAUO'),
    ...hdrI(HDR.C), ...g('tid'), ...g('L'), ...i32(1), ...add, ...i32(E), ...mul, ...mul, ...add, ...s('PC'),
    ...hdrF(HDR.sigmaS), ...tee(L.SIG), ...w.vSplat, ...s('VS'), ...hdrF(HDR.nu), ...s('NU'), ...hdrF(HDR.bt2), ...s('BT2'),
    ...g('x0'), ...s('x'),
  ];
  const cell = [
    ...hdrI(HDR.px), ...g('x'), ...g('L'), ...mul, ...i32(E), ...mul, ...add, ...s('PX'),
    ...hdrI(HDR.M), ...g('x'), ...g('L'), ...mul, ...i32(E), ...mul, ...add, ...s('PM'),
    ...hdrI(HDR.s), ...g('x'), ...g('P'), ...mul, ...i32(E), ...mul, ...add, ...s('PS'),
    ...hdrI(HDR.mu), ...g('x'), ...g('P'), ...mul, ...i32(E), ...mul, ...add, ...s('PMU'),
    ...prefix,
    ...g('mode'), ...i32(1), ...op.eq,
    ...ifElse(pairLoop(bodies.primal, false), [
      ...zeroM,
      ...g('mode'), ...i32(2), ...op.eq,
      ...ifElse(pairLoop(bodies.fused, true), pairLoop(bodies.dual, true)),
      ...g('x'), ...op.call(pstepIndex(d)),
    ]),
    ...inc(L.x, 1),
  ];
  return { name: `cells${d}`, params: f.params, locals: f.runs, body: [...setup, ...w.while([...g('x1'), ...g('x'), ...sub], cell)] };
}

/** p-step of cell x (lifted.ts iterateOnce) with the parabola projection inlined. */
function pstepFn(d: 1 | 2 | 3) {
  const comps = Array.from({ length: d }, (_, j) => j);
  const f = frame(
    [['x', I32]],
    [
      ['L', I32], ['fl', I32], ['k', I32], ['vk', I32], ['po', I32], ['y', I32], ['PV', I32], ['PVP', I32], ['PPX', I32], ['PPT', I32], ['PM', I32], ['PC', I32], ['PSP', I32],
      ...comps.map((j) => [`st${j}`, I32] as [string, number]),
      ['vbk', F64T], ['sp', F64T], ['qt', F64T], ['c', F64T], ['n2', F64T], ['yp', F64T], ['nrm', F64T], ['a', F64T], ['b', F64T], ['D', F64T], ['r', F64T],
      ['wv', F64T], ['mb', F64T], ['arg', F64T], ['sc', F64T], ['Lf', F64T],
      ...comps.flatMap((j) => [[`q${j}`, F64T], [`ih${j}`, F64T]] as [string, number][]),
    ],
  );
  const L = f.idx;
  const g = (n: string) => get(L[n]);
  const s = (n: string) => set(L[n]);
  const F = (v: number) => w.f64(v);
  /** (2·v[y] − vprev[y]) − vbk for the byte offset in local `y`. */
  const vbar = [...F(2), ...g('PV'), ...g('y'), ...add, ...f64Load(0), ...w.f64Mul, ...g('PVP'), ...g('y'), ...add, ...f64Load(0), ...w.f64Sub, ...g('vbk'), ...w.f64Sub];
  const axis = (j: number) => [
    ...g('fl'), ...i32(1 << j), ...and, ...w.eqz,
    ...ifF64(
      [...g('x'), ...g(`st${j}`), ...add, ...g('L'), ...mul, ...g('k'), ...add, ...i32(8), ...mul, ...s('y'), ...vbar, ...g(`ih${j}`), ...w.f64Mul],
      [...F(0)],
    ),
    // q_j = px + sp·(g + M)
    ...g('PM'), ...g('po'), ...add, ...f64Load(j * 8), ...w.f64Add, ...s('r'), // r holds g + M for a moment
    ...g('PPX'), ...g('po'), ...add, ...f64Load(j * 8), ...g('sp'), ...g('r'), ...w.f64Mul, ...w.f64Add, ...s(`q${j}`),
  ];
  /** Σ_j q_j² in the JS order ((q0² + q1²) + q2²). */
  const sumSq = comps.flatMap((j) => [...g(`q${j}`), ...g(`q${j}`), ...w.f64Mul, ...(j > 0 ? w.f64Add : [])]);
  const parabola = [
    ...sumSq, ...s('n2'),
    ...g('qt'), ...g('n2'), ...F(4), ...op.f64Div, ...g('c'), ...w.f64Sub, ...op.f64Ge, ...w.eqz,
    ...w.if([
      ...g('qt'), ...g('c'), ...w.f64Add, ...s('yp'),
      ...g('n2'), ...op.f64Sqrt, ...s('nrm'),
      ...g('nrm'), ...F(2), ...op.f64Div, ...s('a'),
      ...F(2 / 3), ...F(1), ...g('yp'), ...F(2), ...op.f64Div, ...w.f64Sub, ...w.f64Mul, ...s('b'),
      ...g('b'), ...F(0), ...op.f64Lt,
      ...ifElse(
        [
          ...g('b'), ...w.f64Neg, ...F(1.5), ...op.call(POW), ...s('mb'),
          ...g('a'), ...g('mb'), ...w.f64Sub, ...g('a'), ...g('mb'), ...w.f64Add, ...w.f64Mul, ...s('D'),
        ],
        [...g('a'), ...g('a'), ...w.f64Mul, ...g('b'), ...g('b'), ...w.f64Mul, ...g('b'), ...w.f64Mul, ...w.f64Add, ...s('D')],
      ),
      ...g('D'), ...F(0), ...op.f64Ge,
      ...ifElse(
        [
          ...g('a'), ...g('D'), ...op.f64Sqrt, ...w.f64Add, ...op.call(CBRT), ...s('wv'),
          ...g('wv'), ...F(0), ...op.f64Eq,
          ...ifF64([...F(0)], [...g('wv'), ...g('b'), ...g('wv'), ...op.f64Div, ...w.f64Sub]), ...s('r'),
        ],
        [
          ...g('b'), ...w.f64Neg, ...s('mb'),
          ...g('a'), ...g('mb'), ...F(1.5), ...op.call(POW), ...op.f64Div, ...s('arg'),
          ...g('arg'), ...F(1), ...op.f64Gt, ...w.if([...F(1), ...s('arg')]),
          ...g('arg'), ...F(-1), ...op.f64Lt, ...w.if([...F(-1), ...s('arg')]),
          ...F(2), ...g('mb'), ...op.f64Sqrt, ...w.f64Mul, ...g('arg'), ...op.call(ACOS), ...F(3), ...op.f64Div, ...op.call(COS), ...w.f64Mul, ...s('r'),
        ],
      ),
      ...g('nrm'), ...F(0), ...op.f64Gt,
      ...ifElse(
        [
          ...F(2), ...g('r'), ...w.f64Mul, ...g('nrm'), ...op.f64Div, ...s('sc'),
          ...comps.flatMap((j) => [...g(`q${j}`), ...g('sc'), ...w.f64Mul, ...s(`q${j}`)]),
          ...sumSq, ...s('n2'),
        ],
        [...comps.flatMap((j) => [...F(0), ...s(`q${j}`)]), ...F(0), ...s('n2')],
      ),
      ...g('n2'), ...F(4), ...op.f64Div, ...g('c'), ...w.f64Sub, ...s('qt'),
    ]),
  ];
  const level = [
    // vk = byte offset of (x, k) in the N·L arrays; po = byte offset of (x, k, 0) in p^x / M
    ...g('x'), ...g('L'), ...mul, ...g('k'), ...add, ...i32(8), ...mul, ...tee(L.vk), ...i32(d), ...mul, ...s('po'),
    ...F(2), ...g('PV'), ...g('vk'), ...add, ...f64Load(0), ...w.f64Mul, ...g('PVP'), ...g('vk'), ...add, ...f64Load(0), ...w.f64Sub, ...s('vbk'),
    ...g('PSP'), ...g('k'), ...i32(8), ...mul, ...add, ...f64Load(0), ...s('sp'),
    ...comps.flatMap(axis),
    // qt = pt + sp·dt, dt = k < L−1 ? ((2v − vprev)[k+1] − vbk)·L : 0
    ...g('PPT'), ...g('vk'), ...add, ...f64Load(0), ...g('sp'),
    ...g('L'), ...i32(1), ...sub, ...g('k'), ...op.ne,
    ...ifF64(
      [...F(2), ...g('PV'), ...g('vk'), ...add, ...f64Load(8), ...w.f64Mul, ...g('PVP'), ...g('vk'), ...add, ...f64Load(8), ...w.f64Sub, ...g('vbk'), ...w.f64Sub, ...g('Lf'), ...w.f64Mul],
      [...F(0)],
    ),
    ...w.f64Mul, ...w.f64Add, ...s('qt'),
    ...g('PC'), ...g('vk'), ...add, ...f64Load(0), ...s('c'),
    ...parabola,
    ...comps.flatMap((j) => [...g('PPX'), ...g('po'), ...add, ...g(`q${j}`), ...f64Store(j * 8)]),
    ...g('PPT'), ...g('vk'), ...add, ...g('qt'), ...f64Store(0),
    ...inc(L.k, 1),
  ];
  const setup = [
    ...hdrI(HDR.L), ...s('L'),
    ...comps.flatMap((j) => [...hdrI(STRIDE[j]), ...s(`st${j}`), ...hdrF(INVH[j]), ...s(`ih${j}`)]),
    ...hdrI(HDR.flags), ...g('x'), ...add, ...op.load8u, ...s('fl'),
    ...hdrI(HDR.v), ...s('PV'), ...hdrI(HDR.vprev), ...s('PVP'), ...hdrI(HDR.px), ...s('PPX'), ...hdrI(HDR.pt), ...s('PPT'),
    ...hdrI(HDR.M), ...s('PM'), ...hdrI(HDR.cost), ...s('PC'), ...hdrI(HDR.sigmaP), ...s('PSP'),
    ...hdrF(HDR.Lf), ...s('Lf'),
    ...i32(0), ...s('k'),
  ];
  return { name: `pstep${d}`, params: f.params, locals: f.runs, body: [...setup, ...w.while([...g('L'), ...g('k'), ...sub], level)], exported: false };
}

/** v-step over cells [x0, x1) (lifted.ts vStep). */
function vstepFn(d: 1 | 2 | 3) {
  const comps = Array.from({ length: d }, (_, j) => j);
  const f = frame(
    [['x0', I32], ['x1', I32], ['wantE', I32]],
    [
      ['L', I32], ['x', I32], ['k', I32], ['fl', I32], ['vk', I32], ['po', I32], ['PV', I32], ['PVP', I32], ['PPX', I32], ['PPT', I32], ['PE', I32],
      ...comps.map((j) => [`st${j}`, I32] as [string, number]),
      ['div', F64T], ['nv', F64T], ['old', F64T], ['Lf', F64T], ['tauV', F64T],
      ...comps.map((j) => [`ih${j}`, F64T] as [string, number]),
    ],
  );
  const L = f.idx;
  const g = (n: string) => get(L[n]);
  const s = (n: string) => set(L[n]);
  const F = (v: number) => w.f64(v);
  const pxAt = (off: number[], comp: number) => [...g('PPX'), ...g('po'), ...add, ...off, ...f64Load(comp * 8)];
  const cond = (bit: number, then: number[]) => [...g('fl'), ...i32(bit), ...and, ...w.eqz, ...ifF64(then, [...F(0)])];
  const level = [
    ...g('x'), ...g('L'), ...mul, ...g('k'), ...add, ...i32(8), ...mul, ...tee(L.vk), ...i32(d), ...mul, ...s('po'),
    // div = ((0 + (here0 − prev0)·ih0) + (here1 − prev1)·ih1) (+ …) + (ht − pvt)·L
    ...F(0),
    ...comps.flatMap((j) => [
      ...cond(1 << j, pxAt([], j)),
      ...cond(1 << (4 + j), pxAt([...g(`st${j}`), ...g('L'), ...mul, ...i32(8 * d), ...mul, ...sub], j)),
      ...w.f64Sub, ...g(`ih${j}`), ...w.f64Mul, ...w.f64Add,
    ]),
    ...g('L'), ...i32(1), ...sub, ...g('k'), ...op.ne, ...ifF64([...g('PPT'), ...g('vk'), ...add, ...f64Load(0)], [...F(0)]),
    ...g('k'), ...ifF64([...g('PPT'), ...g('vk'), ...add, ...i32(8), ...sub, ...f64Load(0)], [...F(0)]),
    ...w.f64Sub, ...g('Lf'), ...w.f64Mul, ...w.f64Add, ...s('div'),
    ...g('PV'), ...g('vk'), ...add, ...f64Load(0), ...tee(L.old), ...g('tauV'), ...g('div'), ...w.f64Mul, ...w.f64Add, ...s('nv'),
    ...g('k'), ...w.eqz,
    ...ifElse(
      [...F(1), ...s('nv')],
      [
        ...g('L'), ...i32(1), ...sub, ...g('k'), ...op.eq,
        ...ifElse(
          [...F(0), ...s('nv')],
          [
            ...g('nv'), ...F(0), ...op.f64Lt,
            ...ifElse([...F(0), ...s('nv')], [...g('nv'), ...F(1), ...op.f64Gt, ...w.if([...F(1), ...s('nv')])]),
          ],
        ),
      ],
    ),
    ...g('wantE'), ...w.if([...g('PE'), ...g('vk'), ...add, ...g('nv'), ...g('old'), ...w.f64Sub, ...op.f64Abs, ...f64Store(0)]),
    ...g('PVP'), ...g('vk'), ...add, ...g('old'), ...f64Store(0),
    ...g('PV'), ...g('vk'), ...add, ...g('nv'), ...f64Store(0),
    ...inc(L.k, 1),
  ];
  const cell = [
    ...hdrI(HDR.flags), ...g('x'), ...add, ...op.load8u, ...s('fl'),
    ...i32(0), ...s('k'),
    ...w.while([...g('L'), ...g('k'), ...sub], level),
    ...inc(L.x, 1),
  ];
  const setup = [
    ...hdrI(HDR.L), ...s('L'),
    ...comps.flatMap((j) => [...hdrI(STRIDE[j]), ...s(`st${j}`), ...hdrF(INVH[j]), ...s(`ih${j}`)]),
    ...hdrI(HDR.v), ...s('PV'), ...hdrI(HDR.vprev), ...s('PVP'), ...hdrI(HDR.px), ...s('PPX'), ...hdrI(HDR.pt), ...s('PPT'), ...hdrI(HDR.E), ...s('PE'),
    ...hdrF(HDR.Lf), ...s('Lf'), ...hdrF(HDR.tauV), ...s('tauV'),
    ...g('x0'), ...s('x'),
  ];
  return { name: `vstep${d}`, params: f.params, locals: f.runs, body: [...setup, ...w.while([...g('x1'), ...g('x'), ...sub], cell)] };
}

/** Largest shared memory the module accepts (pages of 64 KiB): 4 GiB. */
export const MAX_PAGES = 65536;

export function liftedModuleBytes(): Uint8Array<ArrayBuffer> {
  return moduleBytes(
    WASM_DIMS.flatMap((d) => [cellsFn(d), vstepFn(d), pstepFn(d)]),
    { imports: IMPORTS, sharedMaxPages: MAX_PAGES },
  );
}
