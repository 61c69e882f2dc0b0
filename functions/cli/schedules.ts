/**
 * @module `solvent schedules [list | get ID | create file.json | delete ID]` (DESIGN §8): recurring jobs on a
 * server through the SDK. The file holds `{cron: "0 3 * * *" | rate: "6 hours", timezone?, name?, spec}`.
 * `--json` prints the API's objects instead of a table.
 */
import { readFile } from 'node:fs/promises';
import type { ScheduleRecord, SolventClient } from '../../sdk/index.js';

const USAGE = 'usage: solvent schedules [list | get ID | create file.json | delete ID]';

function line(s: ScheduleRecord): string {
  const when = s.cron !== undefined ? `cron "${s.cron}"${s.timezone ? ` ${s.timezone}` : ''}` : `rate "${s.rate}"`;
  const solver = typeof s.spec.solver === 'string' ? s.spec.solver : '?';
  const state = s.enabled ? `next ${s.next ?? 'never'}` : 'disabled';
  return `${s.id}  ${solver.padEnd(7)} ${when.padEnd(28)} ${state}${s.lastJobId ? `  last job ${s.lastJobId}` : ''}${s.name ? `  ${s.name}` : ''}`;
}

function out(json: boolean, value: unknown, human: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${human}\n`);
}

export async function schedulesCommand(args: string[], client: SolventClient, json: boolean): Promise<void> {
  const [sub = 'list', arg, ...extra] = args;
  if (extra.length > 0) throw new Error(USAGE);
  switch (sub) {
    case 'list': {
      const all = await client.schedules.list();
      out(json, { schedules: all }, all.map(line).join('\n') || '(no schedules)');
      return;
    }
    case 'get': {
      if (!arg) throw new Error(USAGE);
      const s = await client.schedules.get(arg);
      out(json, s, `${line(s)}\n${JSON.stringify(s.spec, null, 2)}`);
      return;
    }
    case 'create': {
      if (!arg) throw new Error(USAGE);
      let input: unknown;
      try {
        input = JSON.parse(await readFile(arg, 'utf8'));
      } catch (e) {
        throw new Error(`cannot read ${arg} as JSON: ${(e as Error).message}`);
      }
      const s = await client.schedules.create(input as Parameters<SolventClient['schedules']['create']>[0]);
      out(json, s, `created schedule ${s.id}; next run ${s.next ?? 'never'}`);
      return;
    }
    case 'delete': {
      if (!arg) throw new Error(USAGE);
      await client.schedules.delete(arg);
      out(json, { id: arg, deleted: true }, `deleted schedule ${arg}`);
      return;
    }
    default:
      throw new Error(`unknown schedules command ${JSON.stringify(sub)}; ${USAGE}`);
  }
}
