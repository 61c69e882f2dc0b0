/**
 * @module Filesystem ObjectStore (local runtime): keys map to files under one root folder. Writes go to a temp
 * file then rename (atomic), put-if-absent uses an exclusive link, conditional writes hold a per-key lock file.
 * Keys are checked so that no key resolves outside the root (no `..`, no absolute paths, no NUL, no backslash).
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { InvalidKeySegmentError, PreconditionFailedError, type Body, type GetResult, type ListOptions, type ListResult, type ObjectInfo, type ObjectStore, type PutOptions } from '../../shared/index.js';

const KEY_RE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** A key this store cannot hold; a kind of InvalidKeySegmentError, so the API answers 404 (not 500) for it. */
export class InvalidKeyError extends InvalidKeySegmentError {
  constructor(key: string) {
    super('store key', String(key));
    this.name = 'InvalidKeyError';
  }
}

function etagOf(buf: Uint8Array): string {
  return createHash('sha1').update(buf).digest('hex');
}

function toBytes(b: Body): Uint8Array {
  return typeof b === 'string' ? new TextEncoder().encode(b) : b;
}

export class FsObjectStore implements ObjectStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Resolves a key to a path inside the root, or throws InvalidKeyError. */
  pathOf(key: string): string {
    if (typeof key !== 'string' || key.length === 0 || key.length > 1024 || !KEY_RE.test(key)) throw new InvalidKeyError(key);
    for (const part of key.split('/')) if (part === '.' || part === '..' || part.startsWith('.tmp-') || part.endsWith('.lock')) throw new InvalidKeyError(key);
    const p = resolve(this.root, key);
    if (!p.startsWith(this.root + sep)) throw new InvalidKeyError(key);
    return p;
  }

  async get(key: string): Promise<GetResult | undefined> {
    try {
      const body = new Uint8Array(await readFile(this.pathOf(key)));
      return { body, etag: etagOf(body) };
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const got = await this.get(key);
    return got ? { key, size: got.body.byteLength, etag: got.etag } : undefined;
  }

  private async writeAtomic(path: string, bytes: Uint8Array): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  }

  async put(key: string, body: Body, options: PutOptions = {}): Promise<string> {
    const path = this.pathOf(key);
    const bytes = toBytes(body);
    if (options.ifMatch === undefined) {
      await this.writeAtomic(path, bytes);
      return etagOf(bytes);
    }
    return this.withLock(path, async () => {
      const cur = await this.get(key);
      if (!cur || cur.etag !== options.ifMatch) throw new PreconditionFailedError(key);
      await this.writeAtomic(path, bytes);
      return etagOf(bytes);
    });
  }

  async putIfAbsent(key: string, body: Body): Promise<boolean> {
    const path = this.pathOf(key);
    const bytes = toBytes(body);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(tmp, bytes);
    try {
      await link(tmp, path); // fails with EEXIST if present: atomic create-if-absent with full content
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      await unlink(tmp).catch(() => {});
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const limit = Math.max(1, Math.min(options.limit ?? 1000, 1000));
    // The deepest folder fully named by the prefix is where the walk starts.
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    let startDir: string;
    try {
      startDir = dirKey ? this.pathOf(dirKey) : this.root;
    } catch {
      return { keys: [] };
    }
    const keys: string[] = [];
    const walk = async (dir: string, keyBase: string): Promise<boolean> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return true;
        throw e;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const ent of entries) {
        if (ent.name.startsWith('.tmp-') || ent.name.endsWith('.lock')) continue;
        const key = keyBase ? `${keyBase}/${ent.name}` : ent.name;
        if (ent.isDirectory()) {
          const kd = `${key}/`;
          // prune folders that cannot contain matching keys after startAfter
          if (!(kd.startsWith(prefix) || prefix.startsWith(kd))) continue;
          if (options.startAfter && kd < options.startAfter && !options.startAfter.startsWith(kd)) continue;
          if (!(await walk(join(dir, ent.name), key))) return false;
        } else if (key.startsWith(prefix) && (!options.startAfter || key > options.startAfter)) {
          keys.push(key);
          if (keys.length > limit) return false;
        }
      }
      return true;
    };
    await walk(startDir, dirKey);
    if (keys.length > limit) {
      keys.length = limit;
      return { keys, next: keys[limit - 1] };
    }
    return { keys };
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async presign(): Promise<string | undefined> {
    return undefined;
  }

  private async withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
    const lock = `${path}.lock`;
    await mkdir(dirname(path), { recursive: true });
    for (let i = 0; ; i++) {
      try {
        const fh = await open(lock, 'wx');
        await fh.close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        // a lock older than 10 s is stale (its holder died)
        const st = await stat(lock).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > 10_000) await rm(lock, { force: true });
        if (i > 2000) throw new Error(`lock timeout on ${path}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }
}

function isMissing(e: unknown): boolean {
  const c = (e as NodeJS.ErrnoException).code;
  return c === 'ENOENT' || c === 'ENOTDIR' || c === 'EISDIR';
}
