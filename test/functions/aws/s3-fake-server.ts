/**
 * A minimal S3 REST endpoint on 127.0.0.1 for driving the real SDK (signing, XML parsing, error deserialisation):
 * path-style PUT/GET/HEAD/DELETE object with If-None-Match: * and If-Match, and ListObjectsV2 with prefix,
 * start-after, max-keys and continuation tokens. (s3rver is not installed here, and it ignores If-None-Match.)
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface StoredObject {
  body: Buffer;
  etag: string;
  contentType?: string;
}

export interface FakeS3 {
  endpoint: string;
  objects: Map<string, StoredObject>;
  requests: Array<{ method: string; key: string; headers: IncomingMessage['headers'] }>;
  close(): Promise<void>;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function error(res: ServerResponse, status: number, code: string, message: string, head = false): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(head ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeS3(bucket: string): Promise<FakeS3> {
  const objects = new Map<string, StoredObject>();
  const requests: FakeS3['requests'] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, b, ...rest] = url.pathname.split('/');
    if (b !== bucket) return error(res, 404, 'NoSuchBucket', 'no such bucket');
    const key = decodeURIComponent(rest.join('/'));
    const method = req.method ?? 'GET';
    requests.push({ method, key, headers: req.headers });

    if (key === '' && method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const token = url.searchParams.get('continuation-token');
      const after = token ? Buffer.from(token, 'base64url').toString() : (url.searchParams.get('start-after') ?? '');
      const max = Number(url.searchParams.get('max-keys') ?? 1000);
      const all = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
      const page = all.slice(0, max);
      const truncated = all.length > page.length;
      const contents = page
        .map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(k)!.body.length}</Size><ETag>${xmlEscape(objects.get(k)!.etag)}</ETag><StorageClass>STANDARD</StorageClass></Contents>`)
        .join('');
      const next = truncated ? `<NextContinuationToken>${Buffer.from(page[page.length - 1]).toString('base64url')}</NextContinuationToken>` : '';
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
      );
      return;
    }

    const existing = objects.get(key);
    switch (method) {
      case 'PUT': {
        const body = await readBody(req);
        // Checked after the body arrives and before any await: one request at a time decides, as S3 does.
        if (req.headers['if-none-match'] === '*' && existing) return error(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        const ifMatch = req.headers['if-match'];
        if (ifMatch !== undefined) {
          if (!existing) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
          if (existing.etag !== ifMatch) return error(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
        }
        const etag = `"${createHash('md5').update(body).digest('hex')}"`;
        objects.set(key, { body, etag, contentType: req.headers['content-type'] });
        res.writeHead(200, { etag });
        res.end();
        return;
      }
      case 'GET':
      case 'HEAD':
        if (!existing) return error(res, 404, method === 'HEAD' ? 'NotFound' : 'NoSuchKey', 'The specified key does not exist.', method === 'HEAD');
        res.writeHead(200, { etag: existing.etag, 'content-length': existing.body.length, 'content-type': existing.contentType ?? 'binary/octet-stream' });
        res.end(method === 'HEAD' ? undefined : existing.body);
        return;
      case 'DELETE':
        objects.delete(key);
        res.writeHead(204);
        res.end();
        return;
      default:
        return error(res, 405, 'MethodNotAllowed', method);
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => error(res, 500, 'InternalError', String(e)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
