import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import type { Driver } from '../../../connectors/driver';
import { contentDisposition, parseRange, serveOfferFile } from '../../../platform/uploads/serve-offer-file';

const bytes = randomBytes(300_000);
const sha256 = createHash('sha256').update(bytes).digest('hex');
let folder: string;
let driver: Driver;
let app: FastifyInstance;

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'ferry-serve-'));
  mkdirSync(path.join(folder, 'uploads'));
  writeFileSync(path.join(folder, 'uploads', 'u1'), bytes);
  driver = createDefaultRegistry().create({ kind: 'local', options: { root: folder } });
  app = Fastify();
  const file = { storageKey: 'uploads/u1', size: bytes.length, sha256, name: 'prix "été" 2026.csv' };
  app.get('/auto', (request, reply) => serveOfferFile({ driver }, file, request, reply));
  app.route({
    method: ['GET', 'HEAD'],
    url: '/explicit',
    exposeHeadRoute: false,
    handler: (request, reply) => serveOfferFile({ driver }, file, request, reply),
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await driver.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('serveOfferFile', () => {
  it('sends the whole file with its length, hash headers and a safe attachment name', async () => {
    const response = await app.inject({ method: 'GET', url: '/explicit' });
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(bytes)).toBe(true);
    expect(response.headers['content-length']).toBe(String(bytes.length));
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers.etag).toBe(`"${sha256}"`);
    expect(response.headers['x-ferry-sha256']).toBe(sha256);
    const b64 = Buffer.from(sha256, 'hex').toString('base64');
    expect(response.headers['repr-digest']).toBe(`sha-256=:${b64}:`);
    expect(response.headers['digest']).toBe(`sha-256=${b64}`);
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="prix __t__ 2026.csv"; filename*=UTF-8''prix%20%22%C3%A9t%C3%A9%22%202026.csv`,
    );
  });

  it('answers ranges byte for byte: first bytes, open end, suffix; 416 past the end', async () => {
    const first = await app.inject({ method: 'GET', url: '/explicit', headers: { range: 'bytes=0-99' } });
    expect(first.statusCode).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-99/${bytes.length}`);
    expect(first.headers['content-length']).toBe('100');
    expect(first.rawPayload.equals(bytes.subarray(0, 100))).toBe(true);
    const open = await app.inject({ method: 'GET', url: '/explicit', headers: { range: 'bytes=299000-' } });
    expect(open.statusCode).toBe(206);
    expect(open.rawPayload.equals(bytes.subarray(299_000))).toBe(true);
    const suffix = await app.inject({ method: 'GET', url: '/explicit', headers: { range: 'bytes=-500' } });
    expect(suffix.statusCode).toBe(206);
    expect(suffix.headers['content-range']).toBe(`bytes ${bytes.length - 500}-${bytes.length - 1}/${bytes.length}`);
    expect(suffix.rawPayload.equals(bytes.subarray(bytes.length - 500))).toBe(true);
    const past = await app.inject({ method: 'GET', url: '/explicit', headers: { range: `bytes=${bytes.length}-` } });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${bytes.length}`);
    const stale = await app.inject({
      method: 'GET',
      url: '/explicit',
      headers: { range: 'bytes=0-9', 'if-range': '"another"' },
    });
    expect(stale.statusCode).toBe(200);
    expect(stale.rawPayload.length).toBe(bytes.length);
  });

  it('answers HEAD with the real length and no body, on an explicit or an automatic HEAD route', async () => {
    for (const url of ['/explicit', '/auto']) {
      const head = await app.inject({ method: 'HEAD', url });
      expect(head.statusCode).toBe(200);
      expect(head.headers['content-length']).toBe(String(bytes.length));
      expect(head.rawPayload.length).toBe(0);
      const ranged = await app.inject({ method: 'HEAD', url, headers: { range: 'bytes=10-19' } });
      expect(ranged.statusCode).toBe(206);
      expect(ranged.headers['content-length']).toBe('10');
    }
  });

  it('stops reading from the storage when the client goes away mid-download', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024, 7);
    writeFileSync(path.join(folder, 'uploads', 'big'), big);
    let opened: Readable | undefined;
    const spy: Driver = Object.create(driver) as Driver;
    spy.read = async (key, options) => (opened = await driver.read(key, options));
    const server = Fastify();
    const file = { storageKey: 'uploads/big', size: big.length, sha256: 'ab'.repeat(32), name: 'big.bin' };
    server.get('/big', (request, reply) => serveOfferFile({ driver: spy }, file, request, reply));
    await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = server.server.address() as { port: number };
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${port}/big`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await new Promise<void>((resolve) => {
        if (opened!.destroyed) resolve();
        else opened!.once('close', () => resolve());
      });
      expect(opened!.destroyed).toBe(true);
      // Far from the whole file was read: the server did not buffer it, nor go on reading for nobody.
      expect((opened as unknown as { bytesRead: number }).bytesRead).toBeLessThan(big.length / 2);
    } finally {
      await server.close();
    }
  });

  it('parses ranges as RFC 9110 says', () => {
    expect(parseRange(undefined, 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-0,5-6', 10)).toEqual({ kind: 'full' });
    expect(parseRange('items=0-1', 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=5-2', 10)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=2-100', 10)).toEqual({ kind: 'partial', start: 2, end: 9 });
    expect(parseRange('bytes=-100', 10)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=-0', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=10-', 10)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(contentDisposition('../../etc/passwd')).toBe(`attachment; filename="passwd"; filename*=UTF-8''passwd`);
  });
});
