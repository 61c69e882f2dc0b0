/**
 * @module The HTTP API's Lambda authorizer (payload 2.0, simple responses): `Authorization: Bearer <key>` is checked
 * against hashed keys (api-keys.ts) and the tenant is handed to the API function as `authorizer.lambda.tenant`.
 *
 * A wrong or malformed key is let through with an empty tenant rather than denied: API Gateway would answer a denial
 * with its own `403 {"message":"Forbidden"}`, while DESIGN §3 promises the same `401 {error:{code:"unauthorized"}}`
 * envelope as local mode, which the app writes when the tenant resolver finds no tenant. A missing header never
 * reaches the authorizer (it is the identity source): API Gateway answers 401 itself.
 */
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { Auth, Logger } from '../../shared/ports/index.js';
import { bearerKey } from './api-keys.js';

export interface AuthorizerContext {
  /** The key's tenant, or '' when the key is unknown, disabled or malformed. */
  tenant: string;
}
export type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

function authorizationHeader(event: APIGatewayRequestAuthorizerEventV2): string | undefined {
  const headers = event.headers ?? {};
  // HTTP APIs lower-case header names; identitySource carries the same value.
  return headers.authorization ?? headers.Authorization ?? event.identitySource?.[0];
}

export function createAuthorizer(auth: Auth, log?: Logger): (event: APIGatewayRequestAuthorizerEventV2) => Promise<AuthorizerResult> {
  const anonymous: AuthorizerResult = { isAuthorized: true, context: { tenant: '' } };
  return async (event) => {
    const key = bearerKey(authorizationHeader(event));
    if (!key) return anonymous;
    try {
      const principal = await auth.authenticate(key);
      return principal ? { isAuthorized: true, context: { tenant: principal.tenant } } : anonymous;
    } catch (e) {
      // The store failed: deny outright (API Gateway 403) rather than pretend the key is wrong.
      log?.error('authorizer: key lookup failed', { error: e instanceof Error ? e.message : String(e) });
      return { isAuthorized: false, context: { tenant: '' } };
    }
  };
}
