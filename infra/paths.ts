/** @module Paths the CDK app names: the repository root, Lambda entry files (by path only, never imported), web/. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Lambda entries under functions/aws/lambda/, by file stem. */
export const LAMBDA_ENTRIES = ['api', 'authorizer', 'batch-events', 'schedule', 'schedule-sync'] as const;
export type LambdaEntry = (typeof LAMBDA_ENTRIES)[number];

export function lambdaEntry(name: LambdaEntry): string {
  const path = join(REPO_ROOT, 'functions', 'aws', 'lambda', `${name}.ts`);
  if (!existsSync(path)) throw new Error(`Lambda entry ${path} is missing`);
  return path;
}

export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');
export const WEB_DIR = join(REPO_ROOT, 'web');
export const WORKER_DOCKERFILE = 'infra/worker.Dockerfile';
