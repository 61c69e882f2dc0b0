/** @module The one error mapper: SolventError → its status and envelope; anything else → a logged 500. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CorruptDocumentError, InvalidKeySegmentError, SolventError, type Logger } from '../../shared/index.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Store write failures that mean "no space": answered 503 (retry later), not an opaque 500. */
const STORAGE_FULL = new Set(['ENOSPC', 'EDQUOT']);

export function errorResponse(err: unknown, c: Context, log: Logger): Response {
  if (err instanceof SolventError) {
    return c.json(err.toJSON(), err.status as ContentfulStatusCode);
  }
  if (err instanceof InvalidKeySegmentError) {
    return c.json({ error: { code: 'not_found', message: 'not found' } }, 404);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'too_large' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'invalid_request';
    const message = err.message || (status === 400 ? 'malformed request' : 'request refused');
    return c.json({ error: { code, message } }, status as ContentfulStatusCode);
  }
  if (err instanceof CorruptDocumentError) {
    // A server-side fault, named without the store layout: which document of the caller's resource is unreadable.
    const doc = err.key.slice(err.key.lastIndexOf('/') + 1);
    log.error('corrupt stored document', { path: c.req.path, method: c.req.method, key: err.key, error: (err.cause as Error)?.message });
    return c.json({ error: { code: 'internal', message: `the stored ${doc} of this resource is corrupt; the service cannot read it` } }, 500);
  }
  if (STORAGE_FULL.has((err as NodeJS.ErrnoException)?.code ?? '')) {
    log.error('storage full', { path: c.req.path, method: c.req.method, error: (err as Error).message });
    return c.json({ error: { code: 'internal', message: 'the service is out of storage space; retry later' } }, 503);
  }
  if (err instanceof SyntaxError) {
    return c.json({ error: { code: 'invalid_request', message: `malformed JSON: ${err.message}` } }, 400);
  }
  log.error('unhandled error', { path: c.req.path, method: c.req.method, error: (err as Error)?.message, stack: (err as Error)?.stack });
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}
