import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../connectors/connector-error';
import { type TrustStore } from '../../../connectors/driver';
import { ServerIdentityError } from '../../../connectors/server-identity';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { type SftpOptions } from '../../../shared/connectors/sftp-descriptor';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { sshdSftpOptions } from '../../kit/server-options';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

function memoryTrustStore(): TrustStore & { readonly entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return { entries, get: async (key) => entries.get(key), set: async (key, value) => void entries.set(key, value) };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a failure'),
    (error: unknown) => error,
  );
}

describe.skipIf(!sshd.available)('sftp: authentication and host keys against OpenSSH', () => {
  let server: SshdServer;
  let base: SftpOptions;
  beforeAll(async () => {
    server = await startSshd();
    base = sshdSftpOptions(server);
  });
  afterAll(async () => server?.dispose());

  const use = async <T>(driver: SftpDriver, fn: (d: SftpDriver) => Promise<T>): Promise<T> => {
    try {
      return await fn(driver);
    } finally {
      await driver.close();
    }
  };

  it('signs in with a private key and its passphrase', async () => {
    const options = {
      ...base,
      password: undefined,
      privateKey: server.clientKey.privateKey,
      passphrase: server.clientKey.passphrase,
    };
    await use(new SftpDriver(options), async (d) => expect((await d.list('')).entries).toEqual([]));
  });

  it('refuses a wrong passphrase as InvalidInput and a wrong password as AuthFailed', async () => {
    const badKey = { ...base, password: undefined, privateKey: server.clientKey.privateKey, passphrase: 'wrong' };
    expect(await use(new SftpDriver(badKey), (d) => failure(d.list('')))).toMatchObject({ code: 'InvalidInput' });
    const badPassword = { ...base, password: 'wrong-password' };
    expect(await use(new SftpDriver(badPassword), (d) => failure(d.list('')))).toMatchObject({ code: 'AuthFailed' });
  });

  it('check() shows the host key fingerprint exactly as ssh-keygen -lf prints it', async () => {
    const report = await use(new SftpDriver(base), (d) => d.check({ write: true }));
    expect(report.ok).toBe(true);
    const handshake = report.steps.find((s) => s.id === 'handshake');
    expect(handshake?.fingerprint).toBe(server.hostKeyFingerprint);
    expect(report.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('refuses an unknown host key without a pin or trust store, and says which key it was', async () => {
    const options = { ...base, hostKeyFingerprint: undefined };
    const error = await use(new SftpDriver(options), (d) => failure(d.list('')));
    expect(error).toBeInstanceOf(ServerIdentityError);
    expect(error).toMatchObject({ code: 'AuthFailed', problem: 'unknown', fingerprint: server.hostKeyFingerprint });
    const report = await use(new SftpDriver(options), (d) => d.check());
    const handshake = report.steps.find((s) => s.id === 'handshake');
    expect(handshake).toMatchObject({ status: 'failed', fingerprint: server.hostKeyFingerprint });
    expect(report.steps.find((s) => s.id === 'authenticate')?.status).toBe('skipped');
  });

  it('trusts on first use through the trust store, then refuses a changed key', async () => {
    const store = memoryTrustStore();
    const options = { ...base, hostKeyFingerprint: undefined };
    await use(new SftpDriver(options, { trustStore: store }), (d) => d.list(''));
    expect(store.entries.get(`sftp:${server.host}:${server.port}`)).toBe(server.hostKeyFingerprint);
    store.entries.set(`sftp:${server.host}:${server.port}`, 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s');
    const error = await use(new SftpDriver(options, { trustStore: store }), (d) => failure(d.list('')));
    expect(error).toMatchObject({ code: 'AuthFailed', problem: 'changed', fingerprint: server.hostKeyFingerprint });
    expect((error as Error).message).toMatch(/changed/);
  });

  it('refuses a pinned fingerprint that does not match', async () => {
    const options = { ...base, hostKeyFingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' };
    const error = await use(new SftpDriver(options), (d) => failure(d.list('')));
    expect(isConnectorError(error, 'AuthFailed')).toBe(true);
    expect(error).toMatchObject({ problem: 'changed', expected: options.hostKeyFingerprint });
  });

  it('reports a stopped server as Retryable and reconnects once it is back', async () => {
    await use(new SftpDriver(base), async (d) => {
      await d.list('');
      await server.stop();
      expect(await failure(d.list(''))).toMatchObject({ code: 'Retryable' });
      await server.start();
      expect((await d.list('')).entries).toEqual([]);
    });
  });

  it('falls back to sequential streams and gives the same bytes', async () => {
    await use(new SftpDriver(base, {}, { streamsOnly: true }), async (d) => {
      const { Readable } = await import('node:stream');
      const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
      await d.write('seq.bin', Readable.from([data]), { size: data.length });
      const chunks: Buffer[] = [];
      for await (const chunk of await d.read('seq.bin', { range: { offset: 5, length: data.length } }))
        chunks.push(chunk);
      expect(Buffer.concat(chunks).equals(data.subarray(5))).toBe(true);
      expect(d.usesParallelTransfers).toEqual({ reads: false, writes: false });
      await d.remove('seq.bin');
    });
  });
});
