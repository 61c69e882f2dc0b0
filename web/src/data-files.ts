/**
 * @module Reading user data files in the browser and placing them into the problem being edited: CSV (a header
 * row is skipped), .npy (via the SDK's parser) and JSON (a whole spec, a problem object, or a plain array). A table
 * goes to the problem's matrix and vector fields (all columns but the last → `X`/`A`, last column → `y`/`b`), or
 * to a grid field (`values`) with the array's shape (DESIGN §2 encodings).
 */
import { parseNpy } from '../../sdk/index.js';
import type { JsonSchema } from './schema-form.js';

export interface Table {
  shape: number[];
  data: number[];
}

export type Loaded = { type: 'spec'; spec: Record<string, unknown> } | { type: 'problem'; problem: Record<string, unknown> } | { type: 'table'; table: Table; source: string };

export function parseCsv(text: string): Table {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
  lines.forEach((line, li) => {
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const nums = cells.map(Number);
    if (nums.some((n) => !Number.isFinite(n))) {
      if (li === 0 && rows.length === 0) return; // a header row
      throw new Error(`CSV line ${li + 1}: "${line.slice(0, 60)}" has a value that is not a finite number`);
    }
    rows.push(nums);
  });
  if (rows.length === 0) throw new Error('CSV has no numeric rows');
  const cols = rows[0].length;
  const bad = rows.findIndex((r) => r.length !== cols);
  if (bad >= 0) throw new Error(`CSV row ${bad + 1} has ${rows[bad].length} columns, the first has ${cols}`);
  return { shape: cols === 1 ? [rows.length] : [rows.length, cols], data: rows.flat() };
}

export async function readDataFile(file: File): Promise<Loaded> {
  const name = file.name.toLowerCase();
  if (name.endsWith('.npy')) {
    const a = parseNpy(new Uint8Array(await file.arrayBuffer()));
    return { type: 'table', table: { shape: a.shape, data: Array.from(a.data as ArrayLike<number>) }, source: file.name };
  }
  const text = await file.text();
  if (name.endsWith('.json') || /^\s*[[{]/.test(text)) {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) return { type: 'table', table: fromNested(v), source: file.name };
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.solver === 'string') return { type: 'spec', spec: o };
      if (typeof o.kind === 'string' || 'ref' in o) return { type: 'problem', problem: o };
      if (Array.isArray(o.shape) && Array.isArray(o.data)) return { type: 'table', table: { shape: o.shape as number[], data: o.data as number[] }, source: file.name };
    }
    throw new Error(`${file.name}: JSON must be a spec, a problem, an array, or {shape, data}`);
  }
  return { type: 'table', table: parseCsv(text), source: file.name };
}

function fromNested(v: unknown[]): Table {
  if (v.every((x) => typeof x === 'number')) return { shape: [v.length], data: v as number[] };
  if (v.every((r) => Array.isArray(r))) {
    const rows = v as number[][];
    const cols = rows[0]?.length ?? 0;
    if (rows.some((r) => r.length !== cols)) throw new Error('rows of the array differ in length');
    return { shape: [rows.length, cols], data: rows.flat() };
  }
  throw new Error('array must hold numbers or rows of numbers');
}

const isMatrix = (s: JsonSchema) => {
  const vs = s.anyOf ?? s.oneOf ?? [s];
  return vs.some((v) => v.type === 'object' && v.properties?.shape !== undefined && v.properties?.data !== undefined && v.properties?.shape.prefixItems !== undefined);
};
const isGrid = (s: JsonSchema) => s.type === 'object' && s.properties?.shape !== undefined && s.properties?.data !== undefined && !isMatrix(s);
const isVector = (s: JsonSchema) => s.type === 'array' && typeof s.items === 'object' && (s.items.type === 'number' || s.items.type === 'integer');

/** The problem fields a table fills for this problem variant; throws with a message the page shows. */
export function tableToProblem(table: Table, variant: JsonSchema): Record<string, unknown> {
  const props = Object.entries(variant.properties ?? {});
  const grid = props.find(([, s]) => isGrid(s));
  if (grid) return { [grid[0]]: { shape: table.shape, data: table.data } };
  const matrix = props.find(([, s]) => isMatrix(s));
  const vector = props.find(([, s]) => isVector(s));
  if (!matrix) throw new Error('this problem kind has no matrix or grid field to fill from a file');
  if (table.shape.length !== 2) throw new Error(`a ${table.shape.length}-D array cannot fill ${matrix[0]}; give rows × columns`);
  const [rows, cols] = table.shape;
  if (!vector || cols < 2) return { [matrix[0]]: { shape: [rows, cols], data: table.data } };
  const m: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols - 1; j++) m.push(table.data[i * cols + j]);
    v.push(table.data[i * cols + cols - 1]);
  }
  return { [matrix[0]]: { shape: [rows, cols - 1], data: m }, [vector[0]]: v };
}
