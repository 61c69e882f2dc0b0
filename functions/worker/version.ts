/** @module The reproducibility record's solverVersion: package version and git commit (SOLVENT_COMMIT or .git). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: { version: string; commit: string } | undefined;

export function solverVersion(): { version: string; commit: string } {
  if (cached) return cached;
  const root = join(import.meta.dirname, '..', '..');
  let version = '0.0.0';
  try {
    version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  } catch {}
  let commit = process.env.SOLVENT_COMMIT ?? 'unknown';
  if (commit === 'unknown') {
    try {
      const head = readFileSync(join(root, '.git', 'HEAD'), 'utf8').trim();
      commit = head.startsWith('ref: ') ? readFileSync(join(root, '.git', head.slice(5)), 'utf8').trim() : head;
    } catch {}
  }
  cached = { version, commit: commit.slice(0, 12) };
  return cached;
}
