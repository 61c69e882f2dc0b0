/**
 * @module The Solvent web page: API key (kept in localStorage), a form per solver generated from the catalog's JSON
 * Schema (problem kind, problem fields, options), examples and data files (CSV / JSON / .npy), dry-run validation
 * and submission through the SDK, live progress with a convergence plot, the result views, and the job list.
 * API issues are listed with their JSON paths and the matching fields are marked.
 */
import { SolventApiError, SolventClient, SolventProtocolError, type JobRecord, type SolverInfo, type SolventResult } from '../../sdk/index.js';
import { readDataFile, tableToProblem } from './data-files.js';
import { lineChart } from './plots.js';
import { convergenceSeries, renderResult } from './results-view.js';
import { objectForm, unionByKind, type FormIssue, type JsonSchema, type ObjectForm } from './schema-form.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const KEY_STORE = 'solvent.apiKey';
const URL_STORE = 'solvent.apiUrl';

const state: {
  solvers: SolverInfo[];
  client: SolventClient;
  problem?: ObjectForm;
  options?: ObjectForm;
  watch?: AbortController;
  currentJob?: string;
} = { solvers: [], client: makeClient() };

function apiUrl(): string {
  const fromQuery = new URLSearchParams(location.search).get('api');
  return ($<HTMLInputElement>('api-url').value.trim() || fromQuery || localStorage.getItem(URL_STORE) || location.origin).replace(/\/+$/, '');
}

function makeClient(): SolventClient {
  const key = localStorage.getItem(KEY_STORE) ?? '';
  const url = new URLSearchParams(location.search).get('api') || localStorage.getItem(URL_STORE) || location.origin;
  return new SolventClient({ url, apiKey: key || undefined });
}

function resetClient(): void {
  const key = $<HTMLInputElement>('api-key').value.trim();
  const url = apiUrl();
  if (key) localStorage.setItem(KEY_STORE, key);
  else localStorage.removeItem(KEY_STORE);
  if (url !== location.origin) localStorage.setItem(URL_STORE, url);
  else localStorage.removeItem(URL_STORE);
  state.client = new SolventClient({ url, apiKey: key || undefined });
}

// ---------------------------------------------------------------------------------------------------- errors

function clearErrors(): void {
  $('errors').hidden = true;
  $('error-message').textContent = '';
  $('issues').replaceChildren();
  for (const e of document.querySelectorAll('.invalid')) e.classList.remove('invalid');
}

function showError(e: unknown, extra: FormIssue[] = []): void {
  let message: string;
  let issues: FormIssue[] = extra;
  if (e instanceof SolventApiError) {
    message = `${e.message} (${e.code}, HTTP ${e.status}${e.limit !== undefined ? `, limit ${e.limit}` : ''})`;
    issues = [...extra, ...e.issues];
    if (e.status === 401) message += ' — enter a valid API key above';
  } else if (e instanceof SolventProtocolError) {
    message = e.message;
    issues = [...extra, ...e.issues];
  } else if (e instanceof Error) message = e.message;
  else message = String(e);
  $('error-message').textContent = message;
  const list = $('issues');
  list.replaceChildren();
  for (const i of issues) {
    const li = document.createElement('li');
    const code = document.createElement('code');
    code.textContent = i.path || '(root)';
    li.append(code, ` ${i.message}`);
    list.append(li);
    markField(i.path);
  }
  $('errors').hidden = false;
}

/** Marks the control whose JSON path is the issue's path or its closest ancestor. */
function markField(path: string): void {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const el = document.querySelector(`[name="${CSS.escape(parts.slice(0, n).join('.'))}"]`);
    if (el) {
      el.classList.add('invalid');
      return;
    }
  }
}

// ------------------------------------------------------------------------------------------------- the form

function currentSolver(): SolverInfo | undefined {
  return state.solvers.find((s) => s.name === $<HTMLSelectElement>('solver').value);
}

function problemVariants(): Map<string, JsonSchema> {
  const schema = currentSolver()?.schema as JsonSchema | undefined;
  return unionByKind(schema?.properties?.problem);
}

function renderSolver(): void {
  const solver = currentSolver();
  if (!solver) return;
  $('solver-info').textContent = [solver.title, solver.paper].filter(Boolean).join(' — ');
  const kinds = [...problemVariants().keys()];
  const kindSel = $<HTMLSelectElement>('kind');
  kindSel.replaceChildren(...kinds.map((k) => new Option(k, k)));
  const exSel = $<HTMLSelectElement>('example');
  exSel.replaceChildren(new Option(solver.examples.length ? '(choose an example)' : '(no examples)', ''), ...solver.examples.map((e, i) => new Option(e.name, String(i))));
  const schema = solver.schema as JsonSchema;
  const optionsSchema = schema.properties?.options ?? {};
  state.options = objectForm(optionsSchema, 'options');
  $('options-fields').replaceChildren(state.options.element);
  renderKind();
}

function renderKind(): void {
  const variant = problemVariants().get($<HTMLSelectElement>('kind').value);
  state.problem = objectForm(variant ?? {}, 'problem', ['kind']);
  $('problem-fields').replaceChildren(state.problem.element);
  $('problem-hint').textContent = variant?.description ?? '';
  updatePreview();
}

function loadSpec(spec: Record<string, unknown>): void {
  const solver = String(spec.solver ?? '');
  if (!state.solvers.some((s) => s.name === solver)) throw new Error(`unknown solver ${JSON.stringify(solver)}`);
  if ($<HTMLSelectElement>('solver').value !== solver) {
    $<HTMLSelectElement>('solver').value = solver;
    renderSolver();
  }
  const problem = (spec.problem ?? {}) as Record<string, unknown>;
  loadProblem(problem);
  state.options?.set((spec.options ?? {}) as Record<string, unknown>);
  $<HTMLInputElement>('job-name').value = typeof spec.name === 'string' ? spec.name : '';
  $<HTMLInputElement>('seed').value = spec.seed === undefined ? '' : String(spec.seed);
  $<HTMLSelectElement>('backend').value = typeof spec.backend === 'string' ? spec.backend : '';
  updatePreview();
}

function loadProblem(problem: Record<string, unknown>): void {
  if (typeof problem.kind === 'string' && problemVariants().has(problem.kind)) {
    $<HTMLSelectElement>('kind').value = problem.kind;
    renderKind();
  }
  state.problem?.set(problem);
}

/** The spec the form describes, and the fields that could not be read. */
function buildSpec(): { spec: Record<string, unknown>; issues: FormIssue[] } {
  const problem = state.problem?.read() ?? { value: {}, issues: [] };
  const options = state.options?.read() ?? { value: {}, issues: [] };
  const issues = [...problem.issues, ...options.issues];
  const spec: Record<string, unknown> = { solver: $<HTMLSelectElement>('solver').value, problem: { kind: $<HTMLSelectElement>('kind').value, ...problem.value } };
  if (Object.keys(options.value).length) spec.options = options.value;
  const name = $<HTMLInputElement>('job-name').value.trim();
  if (name) spec.name = name;
  const seed = $<HTMLInputElement>('seed').value.trim();
  if (seed) {
    if (Number.isFinite(Number(seed))) spec.seed = Number(seed);
    else issues.push({ path: 'seed', message: `"${seed}" is not a number` });
  }
  const backend = $<HTMLSelectElement>('backend').value;
  if (backend) spec.backend = backend;
  return { spec, issues };
}

function updatePreview(): void {
  const text = JSON.stringify(buildSpec().spec, null, 1);
  $('spec-preview').textContent = text.length > 20_000 ? `${text.slice(0, 20_000)}\n… (${text.length} characters)` : text;
}

async function onFile(file: File): Promise<void> {
  clearErrors();
  try {
    const loaded = await readDataFile(file);
    if (loaded.type === 'spec') loadSpec(loaded.spec);
    else if (loaded.type === 'problem') loadProblem(loaded.problem);
    else {
      const variant = problemVariants().get($<HTMLSelectElement>('kind').value) ?? {};
      const fields = tableToProblem(loaded.table, variant);
      const current = state.problem?.read().value ?? {};
      state.problem?.set({ ...current, ...fields });
      $('file-info').textContent = `${loaded.source}: [${loaded.table.shape.join(' × ')}] → ${Object.keys(fields).join(', ')}`;
    }
    updatePreview();
  } catch (e) {
    showError(e);
  }
}

// --------------------------------------------------------------------------------------------- jobs, progress

async function validate(): Promise<void> {
  clearErrors();
  resetClient();
  const { spec, issues } = buildSpec();
  if (issues.length) return showError(new Error('some fields could not be read'), issues);
  try {
    const r = await state.client.dryRun(spec);
    $('job-status').textContent = `valid — about ${r.resources.vcpus} vCPU, ${r.resources.memoryMiB} MiB, up to ${r.resources.timeoutS} s${r.resources.gpu ? ', GPU' : ''}`;
  } catch (e) {
    showError(e);
  }
}

async function submit(): Promise<void> {
  clearErrors();
  resetClient();
  const { spec, issues } = buildSpec();
  if (issues.length) return showError(new Error('some fields could not be read'), issues);
  const button = $<HTMLButtonElement>('submit');
  button.disabled = true;
  try {
    const job = await state.client.submit(spec as never);
    void refreshJobs();
    void watch(job.id);
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
  }
}

function describe(rec: JobRecord): string {
  const p = rec.progress;
  const bits = [`${rec.id}: ${rec.status}`];
  if (p) {
    bits.push(`iteration ${p.iteration}`);
    if (typeof p.objective === 'number') bits.push(`objective ${p.objective.toPrecision(5)}`);
    if (typeof p.measure === 'number') bits.push(`measure ${p.measure.toPrecision(3)}`);
    if (p.phase) bits.push(`phase ${p.phase}`);
  }
  if (rec.error) bits.push(`— ${rec.error.code}: ${rec.error.message}`);
  return bits.join(', ');
}

async function watch(id: string): Promise<void> {
  state.watch?.abort();
  const ac = new AbortController();
  state.watch = ac;
  state.currentJob = id;
  $('job-panel').hidden = false;
  $('result').replaceChildren();
  $<HTMLButtonElement>('cancel').hidden = false;
  const points: Record<string, unknown>[] = [];
  const draw = () => {
    const { series } = convergenceSeries(points);
    const plots = (series.length ? series : [{ name: 'objective', points: [] }]).map((s) => lineChart([s], { xLabel: 'iteration', yLabel: `${s.name} (live)` }));
    plots[0].id = 'progress-plot';
    $('progress-plot-box').replaceChildren(...plots);
  };
  draw();
  try {
    let last: JobRecord | undefined;
    for await (const rec of state.client.progress(id, { signal: ac.signal, intervalMs: 300, maxIntervalMs: 2000 })) {
      last = rec;
      $('job-status').textContent = describe(rec);
      $('job-status').dataset.status = rec.status;
      const p = rec.progress;
      if (p && points.at(-1)?.iteration !== p.iteration) {
        points.push({ ...p });
        draw();
      }
    }
    $<HTMLButtonElement>('cancel').hidden = true;
    void refreshJobs();
    if (last?.status === 'succeeded') await showResult(id);
  } catch (e) {
    if (!ac.signal.aborted) showError(e);
  }
}

async function showResult(id: string): Promise<void> {
  const result: SolventResult = await state.client.result(id);
  await renderResult($('result'), result, state.client, id, showError);
}

async function openJob(id: string): Promise<void> {
  clearErrors();
  try {
    const rec = await state.client.get(id);
    if (rec.status === 'queued' || rec.status === 'running') return void watch(id);
    state.watch?.abort();
    state.currentJob = id;
    $('job-panel').hidden = false;
    $<HTMLButtonElement>('cancel').hidden = true;
    $('job-status').textContent = describe(rec);
    $('job-status').dataset.status = rec.status;
    $('progress-plot-box').replaceChildren();
    $('result').replaceChildren();
    if (rec.status === 'succeeded') await showResult(id);
  } catch (e) {
    showError(e);
  }
}

async function refreshJobs(): Promise<void> {
  if (!state.client.apiKey) {
    $('jobs-body').replaceChildren();
    $('jobs-note').textContent = 'Enter an API key to see your jobs.';
    return;
  }
  try {
    const page = await state.client.list({ limit: 20 });
    $('jobs-note').textContent = page.jobs.length ? '' : 'No jobs yet.';
    $('jobs-body').replaceChildren(
      ...page.jobs.map((j) => {
        const tr = document.createElement('tr');
        tr.dataset.id = j.id;
        tr.dataset.status = j.status;
        for (const text of [j.id, j.solver, j.status, j.name ?? '', new Date(j.createdAt).toLocaleString()]) {
          const td = document.createElement('td');
          td.textContent = text;
          tr.append(td);
        }
        tr.addEventListener('click', () => void openJob(j.id));
        return tr;
      }),
    );
  } catch (e) {
    $('jobs-note').textContent = e instanceof SolventApiError ? `${e.code}: ${e.message}` : String(e);
  }
}

// --------------------------------------------------------------------------------------------------- start

async function init(): Promise<void> {
  $<HTMLInputElement>('api-key').value = localStorage.getItem(KEY_STORE) ?? '';
  $<HTMLInputElement>('api-url').value = new URLSearchParams(location.search).get('api') || localStorage.getItem(URL_STORE) || '';
  $<HTMLInputElement>('api-url').placeholder = location.origin;
  $('save-key').addEventListener('click', () => {
    resetClient();
    clearErrors();
    void refreshJobs();
  });
  $('solver').addEventListener('change', renderSolver);
  $('kind').addEventListener('change', renderKind);
  $('spec-form').addEventListener('input', updatePreview);
  $('example').addEventListener('change', () => {
    const ex = currentSolver()?.examples[Number($<HTMLSelectElement>('example').value)];
    if (!ex) return;
    clearErrors();
    try {
      loadSpec(ex.spec);
    } catch (e) {
      showError(e);
    }
  });
  $<HTMLInputElement>('data-file').addEventListener('change', (ev) => {
    const f = (ev.target as HTMLInputElement).files?.[0];
    if (f) void onFile(f);
  });
  $('spec-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submit();
  });
  $('validate').addEventListener('click', () => void validate());
  $('cancel').addEventListener('click', async () => {
    if (!state.currentJob) return;
    try {
      await state.client.cancel(state.currentJob);
    } catch (e) {
      showError(e);
    }
  });
  $('refresh-jobs').addEventListener('click', () => void refreshJobs());
  try {
    state.solvers = await state.client.solvers();
  } catch (e) {
    showError(e);
    return;
  }
  $<HTMLSelectElement>('solver').replaceChildren(...state.solvers.map((s) => new Option(s.title ? `${s.name} — ${s.title}` : s.name, s.name)));
  renderSolver();
  void refreshJobs();
  setInterval(() => {
    if (document.visibilityState === 'visible') void refreshJobs();
  }, 5000);
  document.body.dataset.ready = 'true';
}

void init();
