/**
 * API keys and the Lambda authorizer on a recorded HTTP API v2 REQUEST event: keys are stored only as SHA-256 digests,
 * a valid key yields its tenant, wrong/disabled/malformed keys yield no tenant (the app answers 401), a failing
 * store denies, and lookups are cached.
 */
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { bearerKey, digestOf, HashedKeyAuth, keyIdOf, newApiKey, storeApiKey } from '../../../functions/aws/api-keys.js';
import { createAuthorizer } from '../../../functions/aws/authorizer.js';
import { tenantFromEvent } from '../../../functions/aws/tenant.js';
import type { ObjectStore } from '../../../shared/ports/index.js';
import { apiKeyRecordKey } from '../../../shared/store/keys.js';
import { MemoryStore } from '../../support/memory-store.js';
import { recordedEvent } from './recorded-events.js';

function requestWith(authorization: string | undefined): APIGatewayRequestAuthorizerEventV2 {
  const e = recordedEvent<APIGatewayRequestAuthorizerEventV2>('apigw/authorizer-request.json');
  if (authorization === undefined) {
    delete e.headers!.authorization;
    e.identitySource = [];
  } else {
    e.headers!.authorization = authorization;
    e.identitySource = [authorization];
  }
  return e;
}

async function setup() {
  const store = new MemoryStore();
  const created = newApiKey('acme', '2026-11-26T00:00:00Z', 'ci');
  await storeApiKey(store, created.id, created.record);
  return { store, ...created };
}

describe('API key records', () => {
  it('store the SHA-256 digest under its prefix, never the key', async () => {
    const { store, key, id } = await setup();
    expect(key).toMatch(/^slv_[A-Za-z0-9_-]{43}$/);
    expect(id).toBe(digestOf(key).toString('hex').slice(0, 32));
    const stored = new TextDecoder().decode((await store.get(apiKeyRecordKey(id)))!.body);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(4));
    expect(JSON.parse(stored)).toMatchObject({ tenant: 'acme', sha256: digestOf(key).toString('hex'), name: 'ci' });
    await expect(storeApiKey(store, id, newApiKey('acme', 'x').record)).rejects.toThrow(/already exists/);
  });

  it('bearerKey accepts "Bearer <key>" only', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('bearer abc')).toBe('abc');
    for (const bad of [undefined, '', 'abc', 'Basic abc', 'Bearer', 'Bearer a b', `Bearer ${'x'.repeat(300)}`, 'Bearer ké']) {
      expect(bearerKey(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('HashedKeyAuth', () => {
  it('a key whose digest prefix matches but whose full digest differs is rejected', async () => {
    const { store, key, id, record } = await setup();
    const auth = new HashedKeyAuth(store);
    expect(await auth.authenticate(key)).toEqual({ tenant: 'acme' });
    // Forge a record at the right place with a different full digest (as if two keys shared 128 bits).
    const forged = { ...record, sha256: `${record.sha256.slice(0, 63)}${record.sha256.endsWith('0') ? '1' : '0'}` };
    await store.put(apiKeyRecordKey(id), JSON.stringify(forged));
    expect(await new HashedKeyAuth(store).authenticate(key)).toBeUndefined();
  });

  it('disabled keys and unknown keys are rejected', async () => {
    const { store, key, id, record } = await setup();
    expect(await new HashedKeyAuth(store).authenticate(`${key}x`)).toBeUndefined();
    await store.put(apiKeyRecordKey(id), JSON.stringify({ ...record, disabled: true }));
    expect(await new HashedKeyAuth(store).authenticate(key)).toBeUndefined();
  });

  it('caches lookups (hits and misses) for cacheMs', async () => {
    const { store, key } = await setup();
    let gets = 0;
    const counting: ObjectStore = Object.assign(Object.create(store), {
      get: (k: string) => {
        gets++;
        return store.get(k);
      },
    });
    let now = 0;
    const auth = new HashedKeyAuth(counting, { cacheMs: 1000, now: () => now });
    await auth.authenticate(key);
    await auth.authenticate(key);
    await auth.authenticate('slv_unknown');
    await auth.authenticate('slv_unknown');
    expect(gets).toBe(2);
    now = 1001;
    await auth.authenticate(key);
    expect(gets).toBe(3);
  });
});

describe('authorizer (simple responses)', () => {
  it('a valid key authorizes with its tenant in the context', async () => {
    const { store, key } = await setup();
    const authorize = createAuthorizer(new HashedKeyAuth(store));
    expect(await authorize(requestWith(`Bearer ${key}`))).toEqual({ isAuthorized: true, context: { tenant: 'acme' } });
  });

  it('wrong, malformed or absent keys pass with no tenant, so the app answers its 401 envelope', async () => {
    const { store, key } = await setup();
    const authorize = createAuthorizer(new HashedKeyAuth(store));
    // A near miss: the last character changed (to one it is not — the key is random).
    const nearMiss = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    for (const header of [`Bearer ${nearMiss}`, `Basic ${key}`, 'Bearer', undefined]) {
      const out = await authorize(requestWith(header));
      expect(out, String(header)).toEqual({ isAuthorized: true, context: { tenant: '' } });
      expect(tenantFromEvent({ requestContext: { authorizer: { lambda: { ...out.context } } } })).toBeUndefined();
    }
  });

  it('a failing store denies outright', async () => {
    const broken: ObjectStore = Object.assign(Object.create(new MemoryStore()), {
      get: () => Promise.reject(Object.assign(new Error('AccessDenied'), { $metadata: { httpStatusCode: 403 } })),
    });
    const authorize = createAuthorizer(new HashedKeyAuth(broken));
    expect((await authorize(requestWith('Bearer slv_anything'))).isAuthorized).toBe(false);
  });
});

describe('tenantFromEvent', () => {
  it('reads the authorizer context and rejects empty or unsafe tenants', () => {
    const ctx = (tenant: unknown) => ({ requestContext: { authorizer: { lambda: { tenant } } } });
    expect(tenantFromEvent(ctx('acme'))).toBe('acme');
    expect(tenantFromEvent(ctx(''))).toBeUndefined();
    expect(tenantFromEvent(ctx('../x'))).toBeUndefined();
    expect(tenantFromEvent(ctx(42))).toBeUndefined();
    expect(tenantFromEvent({ requestContext: { authorizer: { lambda: null } } })).toBeUndefined();
    expect(tenantFromEvent(undefined)).toBeUndefined();
  });
});

it('keyIdOf is the first 128 bits of the digest in hex', () => {
  expect(keyIdOf(Buffer.alloc(32, 0xab))).toBe('ab'.repeat(16));
});
