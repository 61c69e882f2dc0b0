/**
 * @module Plots for the web page, dependency-free: SVG line charts (convergence, linear or log y), SVG bar charts
 * (candidate scores, solution vectors), and canvas rasters (heat map of a 2-D grid with an overlaid jump mask,
 * grayscale images). Grids follow DESIGN §2: data[i*ny + j] is x-index i, y-index j; x runs right, y runs up.
 */

const SVG = 'http://www.w3.org/2000/svg';
export const COLORS = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

function ticks(lo: number, hi: number, count: number): number[] {
  if (hi <= lo) return [lo];
  const step0 = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

export interface Series {
  name: string;
  points: [number, number][];
}

export interface LineChartOptions {
  xLabel?: string;
  yLabel?: string;
  /** 'auto': log scale when every y > 0 and they span more than two decades. */
  log?: boolean | 'auto';
  width?: number;
  height?: number;
}

/** A line chart of one or more series; non-finite points are skipped. */
export function lineChart(series: Series[], opts: LineChartOptions = {}): SVGSVGElement {
  const W = opts.width ?? 560;
  const H = opts.height ?? 260;
  const m = { l: 64, r: 12, t: 24, b: 40 };
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'chart', role: 'img' });
  const clean = series.map((s) => ({ ...s, points: s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)) })).filter((s) => s.points.length > 0);
  const total = clean.reduce((n, s) => n + s.points.length, 0);
  svg.dataset.points = String(total);
  if (total === 0) {
    svg.append(el('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'muted' }, 'no data yet'));
    return svg;
  }
  const xs = clean.flatMap((s) => s.points.map((p) => p[0]));
  const ys = clean.flatMap((s) => s.points.map((p) => p[1]));
  let yMin = Math.min(...ys);
  let yMax = Math.max(...ys);
  const log = opts.log === true || ((opts.log ?? 'auto') === 'auto' && yMin > 0 && yMax / yMin > 100);
  const f = (y: number) => (log ? Math.log10(Math.max(y, Number.MIN_VALUE)) : y);
  yMin = f(yMin);
  yMax = f(yMax);
  if (yMax === yMin) {
    yMax += 0.5;
    yMin -= 0.5;
  }
  let xMin = Math.min(...xs);
  let xMax = Math.max(...xs);
  if (xMax === xMin) {
    xMax += 1;
    xMin -= xMin === 0 ? 0 : 1;
  }
  const px = (x: number) => m.l + ((x - xMin) / (xMax - xMin)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((f(y) - yMin) / (yMax - yMin)) * (H - m.t - m.b);
  const pyRaw = (v: number) => H - m.b - ((v - yMin) / (yMax - yMin)) * (H - m.t - m.b);
  const axes = el('g', { class: 'axes' });
  axes.append(el('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b }), el('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b }));
  for (const t of ticks(xMin, xMax, 6)) {
    axes.append(el('line', { x1: px(t), y1: H - m.b, x2: px(t), y2: H - m.b + 4 }), el('text', { x: px(t), y: H - m.b + 16, 'text-anchor': 'middle' }, formatNumber(t)));
  }
  const yt = log ? ticks(Math.floor(yMin), Math.ceil(yMax), 5).filter((t) => Number.isInteger(t) && t >= yMin - 1e-9 && t <= yMax + 1e-9) : ticks(yMin, yMax, 5);
  for (const t of yt) {
    axes.append(
      el('line', { x1: m.l - 4, y1: pyRaw(t), x2: W - m.r, y2: pyRaw(t), class: 'grid' }),
      el('text', { x: m.l - 6, y: pyRaw(t) + 4, 'text-anchor': 'end' }, log ? `1e${t}` : formatNumber(t)),
    );
  }
  if (opts.xLabel) axes.append(el('text', { x: (m.l + W - m.r) / 2, y: H - 6, 'text-anchor': 'middle' }, opts.xLabel));
  if (opts.yLabel || log) axes.append(el('text', { x: 8, y: 12, class: 'muted' }, `${opts.yLabel ?? ''}${log ? ' (log scale)' : ''}`));
  svg.append(axes);
  clean.forEach((s, k) => {
    const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join('');
    svg.append(el('path', { d, fill: 'none', stroke: COLORS[k % COLORS.length], 'stroke-width': 2, class: 'series', 'data-name': s.name }));
    if (s.points.length === 1) {
      const [x, y] = s.points[0];
      svg.append(el('circle', { cx: px(x), cy: py(y), r: 3, fill: COLORS[k % COLORS.length] }));
    }
    if (clean.length > 1) svg.append(el('text', { x: W - m.r - 4, y: 12 + 14 * k, 'text-anchor': 'end', fill: COLORS[k % COLORS.length] }, s.name));
  });
  return svg;
}

/** Vertical bars, one per value (with optional labels under every bar when there are few). */
export function barChart(values: number[], opts: { labels?: string[]; yLabel?: string; width?: number; height?: number } = {}): SVGSVGElement {
  const W = opts.width ?? 560;
  const H = opts.height ?? 220;
  const m = { l: 64, r: 12, t: 24, b: 32 };
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: '100%', class: 'chart bars', role: 'img' });
  svg.dataset.points = String(values.length);
  if (values.length === 0) return svg;
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values) === lo ? lo + 1 : Math.max(0, ...values);
  const py = (v: number) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  const bw = (W - m.l - m.r) / values.length;
  for (const t of ticks(lo, hi, 5)) {
    svg.append(el('line', { x1: m.l - 4, y1: py(t), x2: W - m.r, y2: py(t), class: 'grid' }), el('text', { x: m.l - 6, y: py(t) + 4, 'text-anchor': 'end' }, formatNumber(t)));
  }
  values.forEach((v, i) => {
    const y0 = py(Math.max(0, v));
    const rect = el('rect', { x: m.l + i * bw + bw * 0.1, y: y0, width: Math.max(bw * 0.8, 0.5), height: Math.max(Math.abs(py(v) - py(0)), 0.5), fill: COLORS[0] });
    rect.append(el('title', {}, `${opts.labels?.[i] ?? i}: ${formatNumber(v)}`));
    svg.append(rect);
    if (values.length <= 32) svg.append(el('text', { x: m.l + (i + 0.5) * bw, y: H - m.b + 14, 'text-anchor': 'middle' }, opts.labels?.[i] ?? String(i)));
  });
  if (opts.yLabel) svg.append(el('text', { x: 8, y: 12, class: 'muted' }, opts.yLabel));
  return svg;
}

/** Viridis-like ramp for t in [0, 1]. */
function ramp(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(Math.max(t, 0), 1) * (stops.length - 1);
  const i = Math.min(Math.floor(x), stops.length - 2);
  const f = x - i;
  const a = stops[i];
  const b = stops[i + 1];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

/**
 * Heat map of a 2-D grid (shape [nx, ny], data[i*ny + j]) with x to the right and y up; cells where `mask` is
 * nonzero are painted red on top (the jump set). Returns the canvas (scaled up to about `size` pixels).
 */
export function heatmap(shape: number[], data: ArrayLike<number>, mask?: ArrayLike<number>, size = 360): HTMLCanvasElement {
  const [nx, ny] = shape;
  const canvas = document.createElement('canvas');
  canvas.width = nx;
  canvas.height = ny;
  const scale = Math.max(1, Math.floor(size / Math.max(nx, ny)));
  canvas.style.width = `${nx * scale}px`;
  canvas.style.height = `${ny * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < data.length; k++) {
    if (data[k] < lo) lo = data[k];
    if (data[k] > hi) hi = data[k];
  }
  const span = hi > lo ? hi - lo : 1;
  const img = ctx.createImageData(nx, ny);
  let jumps = 0;
  for (let i = 0; i < nx; i++) {
    for (let j = 0; j < ny; j++) {
      const k = i * ny + j;
      const p = ((ny - 1 - j) * nx + i) * 4;
      let [r, g, b] = ramp((data[k] - lo) / span);
      if (mask?.[k]) {
        jumps++;
        r = 0.35 * r + 0.65 * 230;
        g = 0.35 * g + 0.65 * 20;
        b = 0.35 * b + 0.65 * 20;
      }
      img.data[p] = r;
      img.data[p + 1] = g;
      img.data[p + 2] = b;
      img.data[p + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  canvas.dataset.jumps = String(jumps);
  canvas.dataset.range = `${formatNumber(lo)} … ${formatNumber(hi)}`;
  return canvas;
}

/** A grayscale image, values clipped to [0, 1], row-major [h, w]. */
export function grayImage(data: ArrayLike<number>, offset: number, h: number, w: number, size = 160): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const scale = Math.max(1, Math.floor(size / Math.max(h, w)));
  canvas.style.width = `${w * scale}px`;
  canvas.style.height = `${h * scale}px`;
  canvas.style.imageRendering = 'pixelated';
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  const img = ctx.createImageData(w, h);
  for (let k = 0; k < h * w; k++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, data[offset + k])));
    img.data[4 * k] = v;
    img.data[4 * k + 1] = v;
    img.data[4 * k + 2] = v;
    img.data[4 * k + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}
