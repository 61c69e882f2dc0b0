/**
 * @module The `solvent` CLI (DESIGN §8): `serve`; `solve spec.json [--out]` in-process; `submit | status | wait |
 * result | cancel | jobs | schedules` against a server (`--url`, default http://127.0.0.1:8787; `--key` or
 * SOLVENT_API_KEY); `examples [dir]` writes the example specs. `--json` prints machine-readable output.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SolventClient, SolventApiError } from '../../sdk/index.js';
import { EXAMPLES } from '../../examples/index.js';
import { flag, parseArgs } from './args.js';
import { schedulesCommand } from './schedules.js';
import { solveCommand } from './solve.js';

const HELP = `solvent — optimization as a service

  solvent serve [--port 8787] [--data .solvent] [--concurrency N]   run the local service (API + web page)
  solvent solve spec.json [--out result.json]                       run one job in-process, with a progress bar
  solvent submit spec.json [--idempotency-key K] [--wait]           submit to a server, print the job id
  solvent status ID | wait ID | result ID [--out f] | cancel ID     follow a job
  solvent jobs [--status S] [--limit N]                             list your jobs, newest first
  solvent schedules [list | create file.json | delete ID]           recurring jobs
  solvent examples [dir]                                            write example specs (default ./examples-out)

  --url URL (default $SOLVENT_URL or http://127.0.0.1:8787)   --key KEY (default $SOLVENT_API_KEY)   --json
`;

const env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8787),
    HOST: z.string().default('127.0.0.1'),
    SOLVENT_DATA: z.string().default('.solvent'),
    SOLVENT_CONCURRENCY: z.coerce.number().int().min(1).optional(),
    SOLVENT_API_KEY: z.string().min(8).optional(),
    SOLVENT_URL: z.string().url().optional(),
    SOLVENT_DATA_DIR: z.string().optional(),
  })
  .parse(process.env);

function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human()}\n`);
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const [cmd, ...rest] = args.positional;
  const json = args.flags.json === true;
  if (!cmd || args.flags.help) {
    process.stdout.write(HELP);
    return cmd ? 0 : 1;
  }
  if (cmd === 'serve') {
    const { startLocalServer } = await import('../local/server.js');
    const port = Number(flag(args, 'port') ?? env.PORT);
    const s = await startLocalServer({
      port,
      host: env.HOST,
      dataRoot: flag(args, 'data') ?? env.SOLVENT_DATA,
      concurrency: Number(flag(args, 'concurrency') ?? env.SOLVENT_CONCURRENCY ?? 0) || undefined,
      apiKey: env.SOLVENT_API_KEY,
      dataDir: env.SOLVENT_DATA_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data'),
    });
    process.stdout.write(`Solvent local service on ${s.url}  (web page: ${s.url}/, API: ${s.url}/v1, OpenAPI: ${s.url}/openapi.json)\n`);
    if (s.keyCreated) process.stdout.write(`API key for tenant "local" (shown once; stored hashed): ${s.apiKey}\n`);
    else if (env.SOLVENT_API_KEY) process.stdout.write('API key: from SOLVENT_API_KEY\n');
    else process.stdout.write('API key: created on an earlier start (set SOLVENT_API_KEY to register a key you know)\n');
    if (s.recovered.requeued + s.recovered.resumed > 0) process.stdout.write(`Recovered ${s.recovered.requeued} queued and ${s.recovered.resumed} interrupted jobs\n`);
    const shutdown = async () => {
      await s.close();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return -1; // keep running
  }
  if (cmd === 'solve') {
    if (!rest[0]) throw new Error('usage: solvent solve spec.json [--out result.json]');
    return solveCommand(rest[0], { out: flag(args, 'out'), json, progress: !json && process.stderr.isTTY !== false && args.flags['no-progress'] !== true, dataDir: env.SOLVENT_DATA_DIR ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'data') });
  }
  if (cmd === 'examples') {
    const dir = rest[0] ?? 'examples-out';
    await mkdir(dir, { recursive: true });
    for (const e of EXAMPLES) await writeFile(join(dir, `${e.name}.json`), `${JSON.stringify(e.spec, null, 2)}\n`);
    print(json, EXAMPLES.map((e) => join(dir, `${e.name}.json`)), () => `wrote ${EXAMPLES.length} example specs to ${dir}/`);
    return 0;
  }

  const client = new SolventClient({ url: flag(args, 'url') ?? env.SOLVENT_URL ?? 'http://127.0.0.1:8787', apiKey: flag(args, 'key') ?? env.SOLVENT_API_KEY });
  switch (cmd) {
    case 'submit': {
      if (!rest[0]) throw new Error('usage: solvent submit spec.json');
      const spec = JSON.parse(await readFile(rest[0], 'utf8'));
      const job = await client.submit(spec, { idempotencyKey: flag(args, 'idempotency-key') });
      if (args.flags.wait) {
        const rec = await client.wait(job.id, { onUpdate: (r) => !json && process.stderr.write(`  ${r.status}${r.progress ? ` iteration ${r.progress.iteration}` : ''}\n`) });
        print(json, rec, () => `${rec.id} ${rec.status}${rec.error ? `: ${rec.error.message}` : ''}`);
        return rec.status === 'succeeded' ? 0 : 1;
      }
      print(json, job, () => job.id);
      return 0;
    }
    case 'status': {
      const rec = await client.get(need(rest[0]));
      print(json, rec, () => `${rec.id} ${rec.solver} ${rec.status}${rec.progress ? ` iteration ${rec.progress.iteration}` : ''}${rec.error ? ` — ${rec.error.message}` : ''}`);
      return 0;
    }
    case 'wait': {
      const rec = await client.wait(need(rest[0]), { onUpdate: (r) => !json && process.stderr.write(`  ${r.status}${r.progress ? ` iteration ${r.progress.iteration}` : ''}\n`) });
      print(json, rec, () => `${rec.id} ${rec.status}${rec.error ? ` — ${rec.error.message}` : ''}`);
      return rec.status === 'succeeded' ? 0 : 1;
    }
    case 'result': {
      const res = await client.result(need(rest[0]));
      const text = JSON.stringify(res, null, json ? 0 : 2);
      const out = flag(args, 'out');
      if (out) await writeFile(out, `${text}\n`);
      else process.stdout.write(`${text}\n`);
      return 0;
    }
    case 'cancel': {
      await client.cancel(need(rest[0]));
      print(json, { id: rest[0], cancelRequested: true }, () => `cancel requested for ${rest[0]}`);
      return 0;
    }
    case 'jobs': {
      const limit = flag(args, 'limit');
      const page = await client.list({ status: flag(args, 'status') as never, limit: limit ? Number(limit) : undefined });
      print(json, page, () => page.jobs.map((j) => `${j.id}  ${j.solver.padEnd(7)} ${j.status.padEnd(9)} ${j.createdAt}${j.name ? `  ${j.name}` : ''}`).join('\n') || '(no jobs)');
      return 0;
    }
    case 'schedules':
      await schedulesCommand(rest, client, json);
      return 0;
    default:
      process.stderr.write(`unknown command ${cmd}\n${HELP}`);
      return 1;
  }
}

function need(id: string | undefined): string {
  if (!id) throw new Error('a job id is required');
  return id;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (e) {
  if (e instanceof SolventApiError) {
    process.stderr.write(`error ${e.status} ${e.code}: ${e.message}\n`);
    for (const i of e.issues ?? []) process.stderr.write(`  ${i.path || '(root)'}: ${i.message}\n`);
  } else process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
}
