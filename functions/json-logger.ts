/**
 * @module Structured JSON logs (one object per line, with job ids in the fields). Secrets never reach a log:
 * fields named like keys/tokens/authorization are redacted at any depth, and so is `Bearer <token>` inside strings.
 */
import type { Logger } from '../shared/index.js';

const SECRET = /(authorization|api[-_]?key|token|secret|password)/i;

const BEARER = /\b(Bearer)\s+[^\s"',;]+/gi;

/** Redacts secret-named fields at any depth and `Bearer <token>` inside strings (messages, errors, stacks). */
function redact(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET.test(k) ? '[redacted]' : scrub(v, depth);
  return out;
}

function scrub(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.replace(BEARER, '$1 [redacted]');
  if (v === null || typeof v !== 'object' || depth >= 8) return v;
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
  if (v instanceof Error) return scrub(v.message, depth);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v; // Dates, typed arrays…: as JSON.stringify writes them
  return redact(v as Record<string, unknown>, depth + 1);
}

export function createJsonLogger(write: (line: string) => void = (l) => process.stderr.write(l), base: Record<string, unknown> = {}, quiet = false): Logger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) => {
    if (quiet && level === 'info') return;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: scrub(msg, 0), ...base, ...(fields ? redact(fields) : {}) })}\n`);
  };
  return {
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
