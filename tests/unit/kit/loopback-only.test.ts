import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';

function get(url: string, client: typeof http | typeof https = http): Promise<number> {
  return new Promise((resolve, reject) => {
    client
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject);
  });
}

describe('loopback-only test guard', () => {
  let guard: LoopbackGuard | undefined;
  afterEach(() => guard?.uninstall());

  it('lets loopback through and refuses any other host, by address or by name, over http and https', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    guard = installLoopbackOnly();
    try {
      expect(await get(`http://127.0.0.1:${port}/`)).toBe(200);
      expect(await get(`http://localhost:${port}/`)).toBe(200);
      await expect(get('http://192.0.2.1:80/')).rejects.toThrow(/egress blocked: 192\.0\.2\.1:80/);
      await expect(get('https://www.googleapis.com/drive/v3/files', https)).rejects.toThrow(/egress blocked/);
      expect(guard.blocked.map((b) => b.host)).toEqual(['192.0.2.1', 'www.googleapis.com']);
    } finally {
      server.close();
    }
  });

  it('uninstall restores the original connect', () => {
    const before = net.Socket.prototype.connect;
    guard = installLoopbackOnly();
    expect(net.Socket.prototype.connect).not.toBe(before);
    guard.uninstall();
    expect(net.Socket.prototype.connect).toBe(before);
  });
});
