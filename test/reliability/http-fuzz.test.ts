/**
 * Bad-input fuzzing of the HTTP API (in process, `app.request`): mutated example specs, random JSON, malformed
 * text, wrong content types, non-finite numbers as JSON text, deep nesting, oversized bodies, path-like ids and
 * refs, long headers. Every answer is < 500, every 4xx carries `{error:{code,message,issues?}}`, and the
 * FsObjectStore under a temp folder writes nothing outside its data root.
 */
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../../examples/index.js';
import { INLINE_BODY_LIMIT_BYTES } from '../../shared/index.js';
import { expectClientError, expectNo5xx, filesUnder, fsSandbox, makeHarness, type Harness } from './harness.js';

const sandbox = fsSandbox();
let h: Harness;
beforeAll(() => {
  h = makeHarness({ store: sandbox.store });
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (as key lists) to a node of a JSON value. */
function pathsOf(v: Json, base: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(base);
  if (Array.isArray(v)) {
    for (let i = 0; i < Math.min(v.length, 8); i++) pathsOf(v[i], [...base, i], out);
  }
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) pathsOf(x, [...base, k], out);
  return out;
}

/** Marker strings swapped for raw JSON text after stringify (values JSON cannot carry as numbers). */
const RAW: Record<string, string> = { __INF__: '1e999', __NINF__: '-1e999', __BIG__: '1234567890123456789012345678e300', __TINY__: '1e-400' };

const weird: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, -0.5, 1e308, -1e308, 2 ** 53 + 1, 1e21, '', 'NaN', 'Infinity', '../../etc/passwd', '%2e%2e', [], {}, [null], { ref: '../x' }),
  fc.constantFrom<Json>(...Object.keys(RAW)),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('x'.repeat(5000), Array.from({ length: 2000 }, (_, i) => i)),
);

function mutate(root: Json, path: (string | number)[], op: 'set' | 'delete' | 'add', value: Json, extraKey: string): Json {
  if (path.length === 0) return op === 'set' ? value : root;
  const copy = structuredClone(root);
  // biome-ignore lint/suspicious/noExplicitAny: walking a JSON value by a path of its own keys
  let node: any = copy;
  for (const k of path.slice(0, -1)) node = node[k];
  const last = path[path.length - 1];
  if (op === 'set') node[last] = value;
  else if (op === 'delete') {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else if (node[last] && typeof node[last] === 'object' && !Array.isArray(node[last])) node[last][extraKey] = value;
  else node[last] = value;
  return copy;
}

function toText(v: Json): string {
  let s = JSON.stringify(v);
  for (const [m, raw] of Object.entries(RAW)) s = s.replaceAll(`"${m}"`, raw);
  return s;
}

const post = (path: string, text: string, headers: Record<string, string> = {}) =>
  h.request('POST', path, { raw: text, headers: { 'content-type': 'application/json', ...headers } });

describe('HTTP API under bad input', () => {
  it('mutated example specs never get a 5xx; 4xx answers carry the error envelope', async () => {
    const mutation = fc.record({
      ex: fc.nat({ max: EXAMPLES.length - 1 }),
      steps: fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom<'set' | 'delete' | 'add'>('set', 'set', 'delete', 'add'), value: weird, key: fc.constantFrom('kind', 'solver', 'ref', '__proto__', 'constructor', 'extra', 'x'.repeat(300)) }), {
        minLength: 1,
        maxLength: 3,
      }),
      dry: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ ex, steps, dry }) => {
        let spec = structuredClone(EXAMPLES[ex].spec) as Json;
        for (const s of steps) {
          const paths = pathsOf(spec);
          spec = mutate(spec, paths[s.at % paths.length], s.op, s.value, s.key);
        }
        const text = toText(spec);
        const a = await post(dry ? '/v1/jobs?dryRun=true' : '/v1/jobs', text);
        expectNo5xx(a, text.slice(0, 200));
        if (a.status >= 400) expect([400, 404, 409, 413]).toContain(a.status);
        // whatever was accepted is readable again without a 5xx
        if (a.status === 202) {
          const got = await h.request('GET', `/v1/jobs/${a.json.id}`);
          expect(got.status).toBe(200);
        }
      }),
      { numRuns: 250, seed: 20250101 },
    );
  });

  it('random JSON bodies and random text are refused with a 4xx envelope', async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.record({ solver: fc.oneof(fc.constantFrom('bcd', 'bilevel', 'root', 'fdr', 'BCD', '', 'nope', '__proto__'), fc.string()), problem: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ kind: fc.string() })) }).map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom('/v1/jobs', '/v1/jobs?dryRun=true', '/v1/schedules'), async (text, path) => {
        const a = await post(path, text);
        expectClientError(a, `${path} ${text.slice(0, 120)}`);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('non-finite numbers (1e999 text, null) and unknown solver/kind name the path', async () => {
    const base = EXAMPLES.find((e) => e.name === 'bcd.least-squares')?.spec as { problem: Record<string, unknown> };
    const inf = JSON.stringify(base).replace('"b":[1,', '"b":[1e999,');
    const a = await post('/v1/jobs', inf);
    expectClientError(a, 'Infinity in b');
    expect(a.json.error.code).toBe('invalid_spec');
    expect(a.json.error.issues.map((i: { path: string }) => i.path)).toContain('problem.b.0');
    const n = await post('/v1/jobs', JSON.stringify({ ...base, problem: { ...base.problem, b: [null, 2, 3, 4, 5, 6] } }));
    expect(n.status).toBe(400);
    expect(n.json.error.issues.map((i: { path: string }) => i.path)).toContain('problem.b.0');
    const kind = await post('/v1/jobs', JSON.stringify({ ...base, problem: { ...base.problem, kind: 'nope' } }));
    expect(kind.status).toBe(400);
    expect(kind.json.error.issues[0].path).toBe('problem.kind');
    const solver = await post('/v1/jobs', JSON.stringify({ ...base, solver: 'nope' }));
    expect(solver.status).toBe(400);
    expect(solver.json.error.issues[0].path).toBe('solver');
    const seed = await post('/v1/jobs', JSON.stringify({ ...base, seed: 0 }).replace('"seed":0', '"seed":1e999'));
    expect(seed.status).toBe(400);
  });

  it('malformed JSON, wrong content types, empty bodies and deep nesting → 400', async () => {
    const cases: [string, BodyInit | undefined, string | undefined][] = [
      ['{"solver": ', '{"solver": ', 'application/json'],
      ['trailing comma', '{"solver":"bcd",}', 'application/json'],
      ['NaN literal', '{"solver":"bcd","seed":NaN}', 'application/json'],
      ['empty', '', 'application/json'],
      ['text/plain', '{"solver":"bcd"}', 'text/plain'],
      ['form', 'solver=bcd', 'application/x-www-form-urlencoded'],
      ['multipart', '--x\r\n\r\n--x--', 'multipart/form-data; boundary=x'],
      ['no content type', '{"solver":"bcd"}', undefined],
      ['json array', '[1,2,3]', 'application/json'],
      ['json string', '"bcd"', 'application/json'],
      ['json null', 'null', 'application/json'],
      ['deep arrays', `${'['.repeat(200_000)}${']'.repeat(200_000)}`, 'application/json'],
      ['deep objects', `{"solver":"bcd","problem":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, 'application/json'],
      ['deep options', `{"solver":"bcd","problem":{"kind":"least-squares","A":{"shape":[1,1],"data":[1]},"b":[1]},"options":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, 'application/json'],
      ['deep tags', `{"solver":"bcd","problem":{"kind":"least-squares","A":{"shape":[1,1],"data":[1]},"b":[1]},"tags":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`, 'application/json'],
      ['utf-16 garbage', new Uint8Array([0xff, 0xfe, 0x7b, 0x00]), 'application/json'],
      ['BOM', '\uFEFF{"solver":"bcd"}', 'application/json'],
    ];
    for (const path of ['/v1/jobs', '/v1/jobs?dryRun=true', '/v1/schedules']) {
      for (const [name, raw, ct] of cases) {
        const a = await h.request('POST', path, { raw, headers: ct ? { 'content-type': ct } : {} });
        expectClientError(a, `${path} ${name}`);
        expect([400, 415], `${path} ${name}`).toContain(a.status);
      }
    }
    // a deeply nested body with an Idempotency-Key (the body is hashed canonically)
    const deep = `{"solver":"bcd","problem":{"kind":"least-squares","A":{"shape":[1,1],"data":[1]},"b":[1]},"options":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    expectClientError(await post('/v1/jobs', deep, { 'idempotency-key': 'deep-1' }), 'deep + idempotency');
  });

  it('bodies over the inline limit → 413 naming the limit (with and without Content-Length)', async () => {
    const big = `{"solver":"bcd","pad":"${'x'.repeat(INLINE_BODY_LIMIT_BYTES)}"}`;
    for (const path of ['/v1/jobs', '/v1/jobs?dryRun=true', '/v1/schedules']) {
      const a = await post(path, big);
      expect(a.status, path).toBe(413);
      expect(a.json.error).toMatchObject({ code: 'too_large', limit: INLINE_BODY_LIMIT_BYTES });
    }
    // a streamed body (no Content-Length) is cut at the limit too
    const chunk = new TextEncoder().encode('x'.repeat(1 << 20));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ > 6) ctl.close();
        else ctl.enqueue(chunk);
      },
    });
    const s = await h.request('POST', '/v1/jobs', { raw: stream, headers: { 'content-type': 'application/json' } });
    expect(s.status).toBe(413);
    expect(s.json.error.code).toBe('too_large');
  });

  it('path-like and odd ids, refs and artifact names → 404/400 envelopes, never a file outside the root', async () => {
    const evil = fc.oneof(
      fc.constantFrom('..', '.', '../..', '../../etc/passwd', '..%2F..%2Fetc', '%2e%2e', '%2e%2e%2f%2e%2e', '%252e%252e', '..\\..\\x', '/etc/passwd', 'a/../b', '\u0000', '%00', 'x'.repeat(5000), 'tenants', 'index', '01ARZ3NDEKTSV4RRFFQ69G5FA.', 'ÄÖÜ', '.tmp-abc', 'x.lock', 'CON', '*', '~root'),
      fc.string({ maxLength: 40 }),
      fc.array(fc.constantFrom('..', '.', '%2e', '%2f', '/', '\\', 'a', '%00', '%'), { maxLength: 8 }).map((p) => p.join('')),
    );
    const enc = fc.constantFrom<'raw' | 'encoded'>('raw', 'encoded');
    await fc.assert(
      fc.asyncProperty(evil, enc, fc.nat({ max: 9 }), async (s, how, which) => {
        const id = how === 'encoded' ? encodeURIComponent(s) : s.replaceAll('?', '%3F').replaceAll('#', '%23');
        const routes: [string, string, unknown?][] = [
          ['GET', `/v1/jobs/${id}`],
          ['GET', `/v1/jobs/${id}/result`],
          ['POST', `/v1/jobs/${id}/cancel`],
          ['GET', `/v1/jobs/${id}/artifacts/x.npy`],
          ['GET', `/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV/artifacts/${id}`],
          ['PUT', `/v1/uploads/${id}`],
          ['GET', `/v1/schedules/${id}`],
          ['DELETE', `/v1/schedules/${id}`],
          ['GET', `/v1/jobs?cursor=${encodeURIComponent(s)}`],
          ['POST', '/v1/jobs', { solver: 'bcd', problem: { ref: `uploads/${s}` } }],
        ];
        const [method, path, body] = routes[which];
        let a: Awaited<ReturnType<Harness['request']>>;
        try {
          a = method === 'PUT' ? await h.request(method, path, { raw: '{"kind":"least-squares"}' }) : await h.request(method, path, body === undefined ? {} : { body });
        } catch (e) {
          if (e instanceof TypeError && /URL|Invalid/i.test(e.message)) return; // not a requestable URL at all
          throw e;
        }
        // a PUT to an odd but safe id is a legitimate upload
        if (method === 'PUT' && a.status === 200) return;
        expectClientError(a, `${method} ${path}`);
      }),
      { numRuns: 400, seed: 99 },
    );
  });

  it('very long and odd headers → 4xx envelopes', async () => {
    const spec = EXAMPLES.find((e) => e.name === 'bcd.least-squares')?.spec;
    const cases: Record<string, string>[] = [
      { authorization: `Bearer ${'k'.repeat(100_000)}` },
      { authorization: 'Bearer' },
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: `Bearer ${h.keyOf.alpha} extra` },
      { authorization: `Bearer  ${h.keyOf.alpha.slice(0, -1)}` },
    ];
    for (const headers of cases) {
      const a = await h.request('GET', '/v1/jobs', { headers, key: undefined });
      expectClientError(a, JSON.stringify(headers).slice(0, 80));
    }
    const longIdem = await h.request('POST', '/v1/jobs', { body: spec, headers: { 'idempotency-key': 'i'.repeat(10_000) } });
    expectClientError(longIdem, 'long idempotency key');
    const junk = await h.request('GET', '/v1/jobs', { headers: { 'x-junk': 'j'.repeat(200_000), 'content-type': 'j'.repeat(10_000) } });
    expect(junk.status).toBe(200);
    for (const q of ['limit=1e999', 'limit=-1', 'limit=abc', 'limit=101', 'status=nope', `cursor=${'Z'.repeat(200)}`, 'dryRun=maybe']) {
      const a = await h.request(q.startsWith('dryRun') ? 'POST' : 'GET', `/v1/jobs?${q}`, q.startsWith('dryRun') ? { body: spec } : {});
      expectClientError(a, q);
    }
  });

  it('unknown routes and methods → 404/405 envelopes', async () => {
    for (const [m, p] of [
      ['GET', '/v1/nope'],
      ['PATCH', '/v1/jobs'],
      ['DELETE', '/v1/jobs/01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['GET', '/v2/jobs'],
      ['POST', '/v1/solvers'],
    ]) {
      expectClientError(await h.request(m, p), `${m} ${p}`);
    }
  });
});

afterAll(() => {
  // Nothing outside the data root; every file inside it is a valid store key under tenants/ (no temp leftovers).
  expect(readdirSync(sandbox.base)).toEqual(['data']);
  const files = filesUnder(sandbox.root);
  expect(files.length).toBeGreaterThan(0);
  for (const f of files) {
    expect(f).toMatch(/^tenants\/alpha\/(jobs|index|uploads|idempotency|schedules)\//);
    expect(f).not.toMatch(/(^|\/)\.tmp-|\.lock$|\.\./);
  }
});
