/**
 * @module Creates an API key for a tenant on AWS: `npx tsx functions/aws/create-api-key.ts --bucket <bucket>
 * --tenant <tenant> [--name <label>]`. Stores only the key's SHA-256 record (auth/keys/…) and prints the key once.
 * Uses the caller's AWS credentials (needs s3:PutObject on auth/keys/* of the bucket).
 */
import { parseArgs } from 'node:util';
import { isSafeSegment } from '../../shared/store/keys.js';
import { newApiKey, storeApiKey } from './api-keys.js';
import { S3ObjectStore } from './s3-store.js';

const { values } = parseArgs({
  options: { bucket: { type: 'string' }, tenant: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean', default: false } },
});
if (!values.bucket || !values.tenant || !isSafeSegment(values.tenant)) {
  process.stderr.write('usage: create-api-key --bucket <bucket> --tenant <tenant: letters, digits, - and _> [--name <label>] [--json]\n');
  process.exit(2);
}
const created = newApiKey(values.tenant, new Date().toISOString(), values.name);
await storeApiKey(new S3ObjectStore({ bucket: values.bucket }), created.id, created.record);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ key: created.key, id: created.id, tenant: values.tenant })}\n`);
} else {
  process.stdout.write(`API key for tenant ${values.tenant} (shown once, store it now):\n\n  ${created.key}\n\nkey id: ${created.id}\n`);
}
