/**
 * @module A form generated from a JSON Schema object (the `GET /v1/solvers` schemas, generated from zod): enums
 * become selects, numbers and integers number inputs, booleans selects (default / true / false), "number or
 * keyword" unions a text input with suggestions, and arrays and objects (matrices, grids) JSON text areas. Each
 * control is named by its JSON path (`options.maxIterations`), so API issues can point at it. Empty fields are
 * left out of the spec so the server applies its documented defaults.
 */

export interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

export interface FormIssue {
  path: string;
  message: string;
}

export interface ObjectForm {
  element: HTMLElement;
  /** The object the fields describe (empty fields left out) and the fields that could not be read. */
  read(): { value: Record<string, unknown>; issues: FormIssue[] };
  /** Fills the fields from an object (unknown keys are ignored). */
  set(value: Record<string, unknown>): void;
  /** Names (JSON paths) of the controls. */
  paths(): string[];
}

type Kind = 'enum' | 'number' | 'integer' | 'boolean' | 'string' | 'mixed' | 'json';

interface Control {
  key: string;
  path: string;
  kind: Kind;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
}

function variants(s: JsonSchema): JsonSchema[] {
  return s.anyOf ?? s.oneOf ?? [s];
}

function kindOf(s: JsonSchema): { kind: Kind; choices?: string[] } {
  const vs = variants(s);
  if (vs.length > 1) {
    const scalar = vs.every((v) => v.type === 'number' || v.type === 'integer' || v.const !== undefined || v.enum !== undefined);
    if (scalar) {
      const choices = vs.flatMap((v) => (v.const !== undefined ? [String(v.const)] : (v.enum ?? []).map(String)));
      return { kind: 'mixed', choices };
    }
    return { kind: 'json' };
  }
  if (s.enum) return { kind: 'enum', choices: s.enum.map(String) };
  if (s.type === 'integer') return { kind: 'integer' };
  if (s.type === 'number') return { kind: 'number' };
  if (s.type === 'boolean') return { kind: 'boolean' };
  if (s.type === 'string') return { kind: 'string' };
  return { kind: 'json' };
}

function hint(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  const lo = s.minimum ?? s.exclusiveMinimum;
  const hi = s.maximum ?? s.exclusiveMaximum;
  if (lo !== undefined && lo > -1e15) parts.push(`${s.exclusiveMinimum !== undefined ? '>' : '≥'} ${lo}`);
  if (hi !== undefined && hi < 1e15) parts.push(`${s.exclusiveMaximum !== undefined ? '<' : '≤'} ${hi}`);
  return parts.join(', ');
}

/**
 * Builds the fields of an object schema. `prefix` is the JSON path of the object (`problem`, `options`); `skip`
 * lists properties that are handled elsewhere (`kind`).
 */
export function objectForm(schema: JsonSchema, prefix: string, skip: string[] = []): ObjectForm {
  const root = document.createElement('div');
  root.className = 'fields';
  const controls: Control[] = [];
  const required = new Set(schema.required ?? []);
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (skip.includes(key) || prop.const !== undefined) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    const { kind, choices } = kindOf(prop);
    const label = document.createElement('label');
    label.className = `field field-${kind}`;
    const title = document.createElement('span');
    title.className = 'field-name';
    title.textContent = `${key}${required.has(key) ? ' *' : ''}`;
    label.append(title);
    let input: Control['input'];
    if (kind === 'enum' || kind === 'boolean') {
      const sel = document.createElement('select');
      const opts = kind === 'boolean' ? ['true', 'false'] : (choices ?? []);
      sel.append(new Option(prop.default !== undefined ? `(default: ${String(prop.default)})` : '(default)', ''));
      for (const c of opts) sel.append(new Option(c, c));
      input = sel;
    } else if (kind === 'json') {
      const ta = document.createElement('textarea');
      ta.rows = 3;
      ta.spellcheck = false;
      ta.placeholder = prop.description ?? 'JSON';
      input = ta;
    } else {
      const inp = document.createElement('input');
      inp.type = 'text';
      inp.inputMode = kind === 'string' ? 'text' : 'decimal';
      inp.placeholder = hint(prop);
      if (kind === 'mixed' && choices?.length) {
        const listId = `dl-${path.replace(/\W/g, '-')}`;
        const dl = document.createElement('datalist');
        dl.id = listId;
        for (const c of choices) dl.append(new Option(c, c));
        inp.setAttribute('list', listId);
        label.append(dl);
        inp.placeholder = [`number or ${choices.map((c) => JSON.stringify(c)).join(' | ')}`, hint(prop)].filter(Boolean).join(', ');
      }
      input = inp;
    }
    input.name = path;
    input.title = prop.description ?? '';
    label.append(input);
    if (prop.description && kind !== 'json') {
      const d = document.createElement('small');
      d.textContent = prop.description;
      label.append(d);
    }
    root.append(label);
    controls.push({ key, path, kind, input });
  }

  return {
    element: root,
    paths: () => controls.map((c) => c.path),
    read() {
      const value: Record<string, unknown> = {};
      const issues: FormIssue[] = [];
      for (const c of controls) {
        const raw = c.input.value.trim();
        if (raw === '') continue;
        switch (c.kind) {
          case 'number':
          case 'integer': {
            const n = Number(raw);
            if (!Number.isFinite(n)) issues.push({ path: c.path, message: `"${raw}" is not a number` });
            else value[c.key] = n;
            break;
          }
          case 'boolean':
            value[c.key] = raw === 'true';
            break;
          case 'mixed': {
            const n = Number(raw);
            value[c.key] = Number.isFinite(n) && raw !== '' ? n : raw;
            break;
          }
          case 'json':
            try {
              value[c.key] = JSON.parse(raw);
            } catch (e) {
              issues.push({ path: c.path, message: `not valid JSON: ${(e as Error).message}` });
            }
            break;
          default:
            value[c.key] = raw;
        }
      }
      return { value, issues };
    },
    set(value) {
      for (const c of controls) {
        const v = value[c.key];
        if (v === undefined || v === null) c.input.value = '';
        else if (c.kind === 'json') c.input.value = JSON.stringify(v);
        else c.input.value = String(v);
      }
    },
  };
}

/** The variants of a discriminated union (`problem.oneOf`) keyed by their `kind` constant. */
export function unionByKind(schema: JsonSchema | undefined, discriminator = 'kind'): Map<string, JsonSchema> {
  const out = new Map<string, JsonSchema>();
  for (const v of schema ? variants(schema) : []) {
    const c = v.properties?.[discriminator]?.const;
    if (typeof c === 'string') out.set(c, v);
  }
  return out;
}
