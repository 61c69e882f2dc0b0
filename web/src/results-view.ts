/**
 * @module Rendering of a finished job's result: a summary, the convergence plot from `history` (every solver), and
 * the solver's own view — fdr: heat map of the fitted surface `u` with the jump set `jumpMask` overlaid (1-D: line
 * with jump cells marked; 3-D: middle slice); bilevel: the reconstructions .npy artifact as images with PSNR; root:
 * candidate scores; bcd: the solution vector — plus download buttons for result.json and every artifact.
 */
import type { BcdResult, BilevelResult, FdrResult, RootResult, SolventClient, SolventResult } from '../../sdk/index.js';
import { barChart, formatNumber, grayImage, heatmap, lineChart, type Series } from './plots.js';

const PRIMARY = ['objective', 'upperLoss', 'loss', 'measure', 'meanPredicted'];
const SECONDARY = ['optimality', 'measure', 'gradNorm', 'validationLoss'];

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  const { dataset, ...rest } = props;
  Object.assign(e, rest);
  if (dataset) Object.assign(e.dataset, dataset);
  e.append(...children);
  return e;
}

/**
 * Series for convergence plots from history-like points (result history or live progress points): the solver's
 * objective (or loss, or measure) first, then its stopping measure; each gets its own chart (scales differ).
 */
export function convergenceSeries(points: Record<string, unknown>[]): { series: Series[]; yLabel: string } {
  const has = (k: string) => points.some((p) => typeof p[k] === 'number' && Number.isFinite(p[k] as number));
  const primary = PRIMARY.find(has);
  const secondary = SECONDARY.find((k) => k !== primary && has(k));
  const x = (p: Record<string, unknown>, i: number) => (typeof p.iteration === 'number' ? p.iteration : i);
  const series: Series[] = [];
  for (const key of [primary, secondary]) {
    if (!key) continue;
    series.push({ name: key, points: points.map((p, i) => [x(p, i), typeof p[key] === 'number' ? (p[key] as number) : Number.NaN]) });
  }
  return { series, yLabel: [primary, secondary].filter(Boolean).join(' / ') };
}

function summary(result: SolventResult): HTMLElement {
  const rows: [string, string][] = [
    ['solver', result.solver],
    ['stop', result.stop],
    ['iterations', String(result.iterations)],
    ['elapsed', `${formatNumber(result.elapsedMs)} ms`],
    ['backend', result.backend],
  ];
  const num = (label: string, v: unknown) => {
    if (typeof v === 'number') rows.push([label, formatNumber(v)]);
  };
  switch (result.solver) {
    case 'bcd':
      num('objective', result.objective);
      num('optimality', result.optimality);
      if (result.support) rows.push(['support size', String(result.support.length)]);
      break;
    case 'bilevel':
      num('upper loss', result.upperLoss);
      if (result.cost) rows.push(['cost', `${result.cost.lowerIterations} lower + ${result.cost.cgIterations} CG iterations`]);
      if (result.hyperparameters) rows.push(['hyperparameters', JSON.stringify(result.hyperparameters).slice(0, 160)]);
      break;
    case 'root':
      if (result.scores) rows.push(['scores', `p100 ${formatNumber(result.scores.p100)}, p80 ${formatNumber(result.scores.p80)}, p50 ${formatNumber(result.scores.p50)}`]);
      if (result.offlineBest) num('offline best y', result.offlineBest.y);
      break;
    case 'fdr':
      num('lambda', result.lambda);
      num('nu', result.nu);
      rows.push(['jump cells', String(result.jumps?.length ?? 0)]);
      break;
  }
  const dl = h('dl', { className: 'summary' });
  for (const [k, v] of rows) dl.append(h('dt', {}, k), h('dd', { dataset: { field: k } }, v));
  return dl;
}

function fdrView(r: FdrResult): HTMLElement {
  const box = h('div', { className: 'solver-view', id: 'fdr-view' });
  const shape = r.u.shape;
  if (shape.length === 1) {
    const pts: [number, number][] = r.u.data.map((v, i) => [i, v]);
    const jumps: [number, number][] = r.u.data.map((v, i) => [i, r.jumpMask.data[i] ? v : Number.NaN]);
    box.append(h('h4', {}, 'Fitted curve (red: jump cells)'), lineChart([{ name: 'u', points: pts }, { name: 'jumps', points: jumps.filter(([, v]) => Number.isFinite(v)) }], { xLabel: 'cell', log: false }));
    return box;
  }
  let s = shape;
  let u: ArrayLike<number> = r.u.data;
  let m: ArrayLike<number> = r.jumpMask.data;
  let note = '';
  if (shape.length === 3) {
    const [n1, n2, n3] = shape;
    const k = Math.floor(n3 / 2);
    const us = new Float64Array(n1 * n2);
    const ms = new Float64Array(n1 * n2);
    for (let i = 0; i < n1 * n2; i++) {
      us[i] = r.u.data[i * n3 + k];
      ms[i] = r.jumpMask.data[i * n3 + k];
    }
    s = [n1, n2];
    u = us;
    m = ms;
    note = ` (slice ${k} of ${n3} along axis 3)`;
  }
  const canvas = heatmap(s, u, m);
  canvas.id = 'fdr-heatmap';
  box.append(h('h4', {}, `Fitted surface u with its jump set${note}`), canvas, h('p', { className: 'muted' }, `u from ${canvas.dataset.range}; ${canvas.dataset.jumps} jump cells in red; x → right, y ↑`));
  return box;
}

async function bilevelView(r: BilevelResult, client: SolventClient): Promise<HTMLElement> {
  const box = h('div', { className: 'solver-view', id: 'bilevel-view' });
  const art = r.artifacts.find((a) => a.name === 'reconstructions.npy');
  if (r.psnr?.length) {
    const t = h('table', { className: 'psnr' }, h('tr', {}, h('th', {}, 'image'), h('th', {}, 'PSNR before (dB)'), h('th', {}, 'after (dB)')));
    r.psnr.forEach((p, i) => {
      t.append(h('tr', {}, h('td', {}, String(i)), h('td', {}, formatNumber(p.before)), h('td', {}, formatNumber(p.after))));
    });
    box.append(t);
  }
  if (art?.url) {
    try {
      const a = await client.artifact(art);
      const [n, hh, w] = a.shape.length === 3 ? a.shape : [1, a.shape[0], a.shape[1]];
      const imgs = h('div', { className: 'images', id: 'reconstructions' });
      for (let i = 0; i < Math.min(n, 12); i++) imgs.append(grayImage(a.data as ArrayLike<number>, i * hh * w, hh, w));
      box.prepend(h('h4', {}, 'Denoised images (reconstructions.npy)'), imgs);
    } catch (e) {
      box.append(h('p', { className: 'error' }, `could not load reconstructions: ${(e as Error).message}`));
    }
  }
  return box;
}

function rootView(r: RootResult): HTMLElement {
  const box = h('div', { className: 'solver-view', id: 'root-view' });
  if (r.predicted?.length) box.append(h('h4', {}, 'Candidates: predicted score (GP posterior mean, y units)'), barChart(r.predicted, { yLabel: 'predicted' }));
  if (r.scores) {
    const t = h('table', {});
    for (const [k, v] of Object.entries(r.scores)) if (typeof v === 'number') t.append(h('tr', {}, h('th', {}, k), h('td', {}, formatNumber(v))));
    box.append(h('h4', {}, 'True scores (normalised)'), t);
  }
  return box;
}

function bcdView(r: BcdResult): HTMLElement {
  const box = h('div', { className: 'solver-view', id: 'bcd-view' });
  if (r.x?.length && r.x.length <= 400) box.append(h('h4', {}, `Solution x (${r.x.length} entries)`), barChart(r.x, { yLabel: 'x' }));
  return box;
}

function downloads(result: SolventResult, client: SolventClient, jobId: string, onError: (e: unknown) => void): HTMLElement {
  const box = h('div', { className: 'downloads', id: 'downloads' });
  const save = (blob: Blob, name: string) => {
    const a = h('a', { href: URL.createObjectURL(blob), download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  };
  const json = h('button', { type: 'button', textContent: 'result.json' });
  json.addEventListener('click', () => save(new Blob([JSON.stringify(result, null, 2)], { type: 'application/json' }), `${jobId}-result.json`));
  box.append(json);
  for (const art of result.artifacts) {
    const b = h('button', { type: 'button', textContent: art.name, title: `${art.dtype} [${art.shape.join('×')}]` });
    b.dataset.artifact = art.name;
    b.addEventListener('click', async () => {
      try {
        save(new Blob([await client.download(art)], { type: 'application/octet-stream' }), `${jobId}-${art.name}`);
      } catch (e) {
        onError(e);
      }
    });
    box.append(b);
  }
  return box;
}

export async function renderResult(target: HTMLElement, result: SolventResult, client: SolventClient, jobId: string, onError: (e: unknown) => void): Promise<void> {
  target.replaceChildren();
  target.append(summary(result));
  const { series } = convergenceSeries(result.history as Record<string, unknown>[]);
  target.append(h('h4', {}, 'Convergence'));
  series.forEach((s, k) => {
    const plot = lineChart([s], { xLabel: 'iteration', yLabel: s.name });
    if (k === 0) plot.id = 'result-plot';
    target.append(plot);
  });
  if (series.length === 0) target.append(h('p', { className: 'muted' }, 'no convergence history'));
  switch (result.solver) {
    case 'fdr':
      target.append(fdrView(result));
      break;
    case 'bilevel':
      target.append(await bilevelView(result, client));
      break;
    case 'root':
      target.append(rootView(result));
      break;
    case 'bcd':
      target.append(bcdView(result));
      break;
  }
  target.append(h('h4', {}, 'Downloads'), downloads(result, client, jobId, onError));
}
