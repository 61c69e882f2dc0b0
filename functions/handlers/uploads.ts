/**
 * @module Uploads (DESIGN §3): `POST /v1/uploads` returns a ref and a short-lived URL to PUT the problem JSON to
 * (a presigned S3 URL on AWS; the API's own `PUT /v1/uploads/{id}` locally). A job then names `{ref}` as its problem.
 */
import { InvalidRequestError, NotFoundError, TooLargeError, UPLOAD_LIMIT_BYTES, keys, isSafeSegment } from '../../shared/index.js';
import type { Deps, RequestContext } from './deps.js';

const UPLOAD_URL_TTL_S = 900;

export async function createUpload(ctx: RequestContext, deps: Deps): Promise<{ ref: string; uploadUrl: string; expiresAt: string; maxBytes: number }> {
  const id = deps.newId();
  const key = keys.uploadKey(ctx.tenant, id);
  const presigned = await deps.store.presign(key, 'PUT', UPLOAD_URL_TTL_S);
  return {
    ref: `uploads/${id}`,
    uploadUrl: presigned ?? `${deps.baseUrl}/v1/uploads/${id}`,
    expiresAt: new Date(deps.clock.now() + UPLOAD_URL_TTL_S * 1000).toISOString(),
    maxBytes: UPLOAD_LIMIT_BYTES,
  };
}

/** The local runtime's upload target (authenticated like every API call). */
export async function putUpload(id: string, body: Uint8Array, ctx: RequestContext, deps: Deps): Promise<{ ref: string; bytes: number }> {
  if (!isSafeSegment(id)) throw new NotFoundError('no such upload');
  if (body.byteLength > UPLOAD_LIMIT_BYTES) throw new TooLargeError(`upload is ${body.byteLength} bytes, above the limit of ${UPLOAD_LIMIT_BYTES}`, UPLOAD_LIMIT_BYTES);
  if (body.byteLength === 0) throw new InvalidRequestError('empty upload');
  await deps.store.put(keys.uploadKey(ctx.tenant, id), body, { contentType: 'application/json' });
  return { ref: `uploads/${id}`, bytes: body.byteLength };
}
