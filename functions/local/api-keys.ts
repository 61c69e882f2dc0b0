/**
 * @module Local API keys: stored only as SHA-256 hashes in `<data>/auth/keys.json` (never in plain text), compared
 * in constant time. The first start creates a key for the local tenant and prints it once (or takes SOLVENT_API_KEY).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Auth, Principal } from '../../shared/index.js';

interface KeyRecord {
  hash: string;
  tenant: string;
  createdAt: string;
}

export const hashKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

export function newApiKey(): string {
  return `sk_${randomBytes(24).toString('base64url')}`;
}

export class LocalKeyAuth implements Auth {
  private records: KeyRecord[] = [];
  constructor(private readonly file: string) {}

  static at(dataRoot: string): LocalKeyAuth {
    return new LocalKeyAuth(join(dataRoot, 'auth', 'keys.json'));
  }

  async load(): Promise<void> {
    try {
      this.records = JSON.parse(await readFile(this.file, 'utf8')) as KeyRecord[];
    } catch {
      this.records = [];
    }
  }

  /** Registers a key for a tenant (idempotent); returns true if it was new. */
  async add(key: string, tenant: string): Promise<boolean> {
    const hash = hashKey(key).toString('hex');
    if (this.records.some((r) => r.hash === hash)) return false;
    this.records.push({ hash, tenant, createdAt: new Date().toISOString() });
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify(this.records, null, 2), { mode: 0o600 });
    await rename(tmp, this.file);
    return true;
  }

  hasAnyFor(tenant: string): boolean {
    return this.records.some((r) => r.tenant === tenant);
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const h = hashKey(token);
    let found: Principal | undefined;
    // Compare against every record (constant time per record, no early exit).
    for (const r of this.records) {
      const other = Buffer.from(r.hash, 'hex');
      if (other.length === h.length && timingSafeEqual(other, h) && !found) found = { tenant: r.tenant };
    }
    return found;
  }
}
