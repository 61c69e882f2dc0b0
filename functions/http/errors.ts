/** @module The one error mapper: SolventError → its status and envelope; anything else → a logged 500. */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { InvalidKeySegmentError, SolventError, type Logger } from '../../shared/index.js';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

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
  if (err instanceof SyntaxError) {
    return c.json({ error: { code: 'invalid_request', message: `malformed JSON: ${err.message}` } }, 400);
  }
  log.error('unhandled error', { path: c.req.path, method: c.req.method, error: (err as Error)?.message, stack: (err as Error)?.stack });
  return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
}
