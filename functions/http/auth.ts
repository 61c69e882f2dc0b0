/** @module How a request's tenant is found: locally from the API key, on AWS from the Lambda authorizer's context. */
import type { Context } from 'hono';
import type { Auth } from '../../shared/index.js';

export type TenantResolver = (c: Context) => Promise<string | undefined>;

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
  return m ? m[1] : undefined;
}

/** Resolves the tenant from `Authorization: Bearer <key>` through an Auth port. */
export function bearerResolver(auth: Auth): TenantResolver {
  return async (c) => {
    const token = bearerToken(c.req.header('authorization'));
    if (!token) return undefined;
    return (await auth.authenticate(token))?.tenant;
  };
}
