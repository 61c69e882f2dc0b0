/**
 * @module Benchmark tables: every benchmark returns tables (problem, size, backend, time, iterations, objective or
 * score, ratio to a baseline measured in the same run); the harness prints them and writes bench/results/<name>.json.
 */
export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
  notes?: string[];
}

export interface BenchOptions {
  /** Smaller sizes (CI smoke runs): `npm run bench -- <name> --quick`. */
  quick: boolean;
  args: string[];
}

export type BenchFn = (opts: BenchOptions) => Promise<BenchTable[]>;

function fmt(v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return v.toPrecision(4);
}

export function formatTable(t: BenchTable): string {
  const cells = [t.columns, ...t.rows.map((r) => r.map(fmt))];
  const widths = t.columns.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, j) => c.padEnd(widths[j])).join(' | ')} |`;
  const out = [`### ${t.title}`, line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)];
  for (const n of t.notes ?? []) out.push(`- ${n}`);
  return out.join('\n');
}

/** Median wall time in ms of `reps` runs of fn (after one warm-up). */
export async function timeMs(fn: () => unknown | Promise<unknown>, reps = 5): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}
