import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { ServerIdentityError } from '../../../connectors/server-identity';
import { type FtpsOptions } from '../../../shared/connectors/ftps-descriptor';
import { requireServer } from '../../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../../servers/vsftpd-server';

const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

async function use<T>(driver: FtpsDriver, fn: (d: FtpsDriver) => Promise<T>): Promise<T> {
  try {
    return await fn(driver);
  } finally {
    await driver.close();
  }
}

describe.skipIf(!vsftpd.available).each(['explicit', 'implicit'] as const)('ftps (%s TLS) certificate trust', (tls) => {
  let server: VsftpdServer;
  let base: FtpsOptions;
  beforeAll(async () => {
    server = await startVsftpd({ tls });
    base = {
      host: server.host,
      port: server.port,
      username: server.user.name,
      password: server.user.password,
      secure: tls,
      ca: server.certificate.caPem,
      root: '.',
    };
  });
  afterAll(async () => server?.dispose());

  it('connects with the given CA and shows the certificate in check()', async () => {
    const report = await use(new FtpsDriver(base), (d) => d.check({ write: true }));
    expect(report.ok).toBe(true);
    const handshake = report.steps.find((s) => s.id === 'handshake');
    expect(handshake?.fingerprint).toBe(server.certificate.fingerprint256);
    expect(handshake?.detail).toContain('CN=127.0.0.1');
  });

  it('refuses a certificate no authority vouches for, naming its fingerprint', async () => {
    const options = { ...base, ca: undefined };
    const error = await use(new FtpsDriver(options), (d) => failure(d.list('')));
    expect(error).toBeInstanceOf(ServerIdentityError);
    expect(error).toMatchObject({ code: 'AuthFailed', fingerprint: server.certificate.fingerprint256 });
    const report = await use(new FtpsDriver(options), (d) => d.check());
    expect(report.steps.find((s) => s.id === 'handshake')).toMatchObject({
      status: 'failed',
      fingerprint: server.certificate.fingerprint256,
    });
  });

  it('accepts a pinned certificate without its CA, data connections included, and refuses another pin', async () => {
    const pinned = { ...base, ca: undefined, certificateFingerprint: server.certificate.fingerprint256 };
    await use(new FtpsDriver(pinned), async (d) => {
      await d.write('pinned.txt', Readable.from([Buffer.from('pinned')]));
      expect((await d.list('')).entries.map((e) => e.name)).toContain('pinned.txt');
      await d.remove('pinned.txt');
    });
    const wrong = { ...pinned, certificateFingerprint: 'AB'.repeat(32) };
    expect(await use(new FtpsDriver(wrong), (d) => failure(d.list('')))).toMatchObject({
      code: 'AuthFailed',
      problem: 'changed',
    });
  });

  it('refuses a wrong password as AuthFailed', async () => {
    const error = await use(new FtpsDriver({ ...base, password: 'wrong-password' }), (d) => failure(d.list('')));
    expect(error).toMatchObject({ code: 'AuthFailed' });
  });

  it('resumes an upload with APPE and a download with REST', async () => {
    await use(new FtpsDriver(base), async (d) => {
      const data = Buffer.from('0123456789abcdefghij');
      await d.write('resume.bin', Readable.from([data.subarray(0, 8)]));
      const result = await d.write('resume.bin', Readable.from([data.subarray(8)]), { offset: 8 });
      expect(result).toMatchObject({ size: 20, written: 12 });
      const chunks: Buffer[] = [];
      for await (const chunk of await d.read('resume.bin', { range: { offset: 12 } })) chunks.push(chunk);
      expect(Buffer.concat(chunks).toString()).toBe('cdefghij');
      expect(await failure(d.write('resume.bin', Readable.from([data]), { offset: 3 }))).toMatchObject({
        code: 'Conflict',
      });
      await d.remove('resume.bin');
    });
  });
});
