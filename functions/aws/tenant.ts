/**
 * @module The tenant of an API request on AWS: the Lambda authorizer's context (`authorizer.lambda.tenant`) of the
 * API Gateway HTTP API v2 event that `hono/aws-lambda` puts in `c.env.event`. Empty or absent → no tenant (401).
 */
import type { Context } from 'hono';
import { isSafeSegment } from '../../shared/store/keys.js';

interface LambdaBindings {
  event?: { requestContext?: { authorizer?: { lambda?: Record<string, unknown> | null } } };
}

export function tenantFromEvent(event: LambdaBindings['event']): string | undefined {
  const tenant = event?.requestContext?.authorizer?.lambda?.tenant;
  return typeof tenant === 'string' && tenant !== '' && isSafeSegment(tenant) ? tenant : undefined;
}

/** TenantResolver (functions/http/auth.ts) for the Lambda runtime. */
export async function resolveAwsTenant(c: Context): Promise<string | undefined> {
  return tenantFromEvent((c.env as LambdaBindings | undefined)?.event);
}
