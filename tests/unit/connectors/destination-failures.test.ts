import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { type Driver } from '../../../connectors/driver';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { copyFile, type CopyOptions, partialPathOf } from '../../../connectors/transfer/copy-file';
import { sha256 } from '../../kit/test-streams';
import { isPartialName } from '../../../connectors/transfer/partial-file';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../../servers/vsftpd-server';

// Issue 9, items 4 and 5, against real servers: what a user sees when a destination refuses a copy, and which
// failures keep the hidden partial (resumable ones) and which remove it (cancel, permanent failures).
const MiB = 1024 * 1024;
const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');

interface Target {
  readonly name: string;
  readonly available: boolean;
  /** The destination driver and the folder on disk that is its root. */
  open(): Promise<{ readonly driver: Driver; readonly root: string; readonly stop: () => Promise<void> }>;
}

let sshdServer: SshdServer | undefined;
let vsftpdServer: VsftpdServer | undefined;
let local = '';
let source: LocalDriver;
const data = randomBytes(24 * MiB);

beforeAll(async () => {
  local = await mkdtemp(path.join(tmpdir(), 'ferry-dest-failures-'));
  await writeFile(path.join(local, 'source.bin'), data);
  source = new LocalDriver({ root: local });
  [sshdServer, vsftpdServer] = await Promise.all([
    sshd.available ? startSshd() : undefined,
    vsftpd.available ? startVsftpd({ tls: 'explicit' }) : undefined,
  ]);
});

afterAll(async () => {
  await Promise.all([sshdServer?.dispose(), vsftpdServer?.dispose()]);
  await rm(local, { recursive: true, force: true });
});

const targets: readonly Target[] = [
  {
    name: 'sftp (OpenSSH)',
    available: sshd.available,
    open: async () => {
      const s = sshdServer!;
      const driver = new SftpDriver({
        host: s.host,
        port: s.port,
        username: s.user.name,
        password: s.user.password,
        hostKeyFingerprint: s.hostKeyFingerprint,
        root: s.root,
      });
      return { driver, root: s.root, stop: () => s.stop() };
    },
  },
  {
    name: 'ftps (vsftpd)',
    available: vsftpd.available,
    open: async () => {
      const s = vsftpdServer!;
      const driver = new FtpsDriver({
        host: s.host,
        port: s.port,
        username: s.user.name,
        password: s.user.password,
        secure: 'explicit',
        ca: s.certificate.caPem,
        root: '.',
      });
      return { driver, root: s.root, stop: () => s.stop() };
    },
  },
];

/** Names of Ferry's partial files in a folder on the server's disk. */
function partialsIn(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.startsWith('.ferry-'));
}

/** A source whose read stream fails with `error` after 2 MiB: a permanent failure in the middle of a copy. */
function failingSource(error: ConnectorError): Driver {
  const failing = Object.create(source) as Driver;
  return Object.assign(failing, {
    read: async (): Promise<Readable> => {
      let sent = 0;
      return new Readable({
        read() {
          if (sent >= 2 * MiB) return void setTimeout(() => this.destroy(error), 20);
          sent += MiB;
          this.push(data.subarray(sent - MiB, sent));
        },
      });
    },
  });
}

const slow = (): CopyOptions => ({ limiter: new BandwidthLimiter(8 * MiB) });

for (const target of targets) {
  describe.skipIf(!target.available)(`copies into ${target.name}`, () => {
    it('a folder without write permission is PermissionDenied naming the user path, and leaves nothing', async () => {
      const { driver, root } = await target.open();
      try {
        // Owned by root, 0755: the test user may list it but not create files in it.
        mkdirSync(path.join(root, 'locked'), { mode: 0o755 });
        chownSync(path.join(root, 'locked'), 0, 0);
        const error = await copyFile(
          { driver: source, path: 'source.bin' },
          { driver, path: 'locked/report.bin' },
        ).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ConnectorError);
        const e = error as ConnectorError;
        expect(e.code, e.message).toBe('PermissionDenied');
        expect(e.message).toContain('locked/report.bin');
        expect(`${e.message} ${e.hint ?? ''}`).not.toMatch(/ferry-partial|\.part\b|Retryable/);
        expect(e.path).toBe('locked/report.bin');
        expect(readdirSync(path.join(root, 'locked'))).toEqual([]);
        // A new folder inside it: the same refusal, not "not found".
        const nested = await copyFile(
          { driver: source, path: 'source.bin' },
          { driver, path: 'locked/new/report.bin' },
        ).then(
          () => undefined,
          (e: unknown) => e as ConnectorError,
        );
        expect(nested?.code, nested?.message).toBe('PermissionDenied');
        expect(nested?.message).toContain('locked/new');
        expect(readdirSync(path.join(root, 'locked'))).toEqual([]);
      } finally {
        await driver.close();
      }
    });

    it('a cancelled copy removes its partial', async () => {
      const { driver, root } = await target.open();
      try {
        const controller = new AbortController();
        const copying = copyFile(
          { driver: source, path: 'source.bin' },
          { driver, path: 'cancel/report.bin' },
          {
            ...slow(),
            signal: controller.signal,
            onProgress: (p) => {
              if (p.bytes >= 4 * MiB) controller.abort();
            },
          },
        );
        const error = await copying.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as ConnectorError).code).toBe('Cancelled');
        expect(readdirSync(path.join(root, 'cancel'))).toEqual([]);
      } finally {
        await driver.close();
      }
    });

    it('a permanent failure midway removes the partial', async () => {
      const { driver, root } = await target.open();
      try {
        const failure = new ConnectorError('PermissionDenied', 'Permission denied: source.bin', { path: 'source.bin' });
        const error = await copyFile(
          { driver: failingSource(failure), path: 'source.bin' },
          { driver, path: 'permanent/report.bin' },
        ).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as ConnectorError).code).toBe('PermissionDenied');
        expect(readdirSync(path.join(root, 'permanent'))).toEqual([]);
      } finally {
        await driver.close();
      }
    });

    it('a partial holding wrong bytes is caught by the hash after the resume, and the copy starts over', async () => {
      const { driver, root } = await target.open();
      try {
        const owner = (sshdServer ?? vsftpdServer)!.user;
        const partial = path.join(root, 'stale', path.posix.basename(partialPathOf('stale/report.bin')));
        mkdirSync(path.join(root, 'stale'));
        // The right bytes count, the wrong content: only a hash of the whole file can tell.
        const stale = Buffer.from(data.subarray(0, 3 * MiB));
        stale[1000] = stale[1000]! ^ 0xff;
        writeFileSync(partial, stale);
        for (const p of [path.join(root, 'stale'), partial]) chownSync(p, owner.uid, owner.gid);
        const result = await copyFile({ driver: source, path: 'source.bin' }, { driver, path: 'stale/report.bin' });
        expect(result.verification.kind).toBe('hash');
        expect(result.resumedAt).toEqual([]);
        // The restart is told, with its reason, and its attempt counts with the first one.
        expect(result.restarts).toEqual([expect.stringMatching(/^resumed at 3145728: .*sha256/)]);
        expect(result.attempts).toBe(2);
        expect(sha256(readFileSync(path.join(root, 'stale', 'report.bin')))).toBe(sha256(data));
        expect(readdirSync(path.join(root, 'stale'))).toEqual(['report.bin']);
      } finally {
        await driver.close();
      }
    });

    it('a lost connection keeps the partial, hidden and named like a temporary file, for a resume', async () => {
      const { driver, root, stop } = await target.open();
      const server = target.name.startsWith('sftp') ? sshdServer! : vsftpdServer!;
      try {
        let stopping: Promise<void> | undefined;
        const error = await copyFile(
          { driver: source, path: 'source.bin' },
          { driver, path: 'lost/report.bin' },
          {
            ...slow(),
            retry: { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50 },
            onProgress: (p) => {
              if (p.bytes >= 4 * MiB) stopping ??= stop();
            },
          },
        ).then(
          () => undefined,
          (e: unknown) => e,
        );
        await stopping;
        const e = error as ConnectorError;
        expect(e.code, String(error)).toBe('Retryable');
        expect(`${e.message} ${e.hint ?? ''}`).not.toMatch(/ferry-partial/);
        expect(e.hint).toMatch(/run the same copy again .*resumes/i);
        const partials = partialsIn(path.join(root, 'lost'));
        expect(partials).toHaveLength(1);
        expect(partials[0]).toMatch(/^\.ferry-partial-[0-9a-f]{16}\.part$/);
        expect(isPartialName(partials[0]!)).toBe(true);
      } finally {
        await server.start();
        await driver.close();
      }
    });
  });
}
