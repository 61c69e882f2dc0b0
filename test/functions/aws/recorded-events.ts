/** Loads recorded AWS events from test/fixtures/events/<source>/<case>.json (fresh copies, so tests may edit them). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'events');

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON is edited freely by tests
export function recordedEvent<T = Record<string, any>>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as T;
}

/** The Solvent job the recorded Batch events belong to. */
export const RECORDED_TENANT = 'acme';
export const RECORDED_JOB_ID = '01JDQ7Z8X9K3M4N5P6Q7R8S9T0';
