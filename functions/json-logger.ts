/**
 * @module Structured JSON logs (one object per line, with job ids in the fields). Secrets never reach a log:
 * fields named like keys/tokens/authorization are redacted.
 */
import type { Logger } from '../shared/index.js';

const SECRET = /(authorization|api[-_]?key|token|secret|password)/i;

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET.test(k) ? '[redacted]' : v;
  return out;
}

export function createJsonLogger(write: (line: string) => void = (l) => process.stderr.write(l), base: Record<string, unknown> = {}, quiet = false): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (quiet && level === 'info') return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...(fields ? redact(fields) : {}) })}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
