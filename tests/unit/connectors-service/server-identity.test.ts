import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorsService } from '../../../main/services/connectors/connectors-service';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { VSFTPD_BINARY, startVsftpd, type VsftpdServer } from '../../servers/vsftpd-server';
import { MemorySecretStore } from '../../kit/memory-secret-store';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const vsftpdAvailable = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');

let dir: string;
let sshd: SshdServer | undefined;
let other: SshdServer | undefined;
let vsftpd: VsftpdServer | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-identity-'));
  if (sshdAvailable.available) [sshd, other] = await Promise.all([startSshd(), startSshd()]);
  if (vsftpdAvailable.available) vsftpd = await startVsftpd();
});
afterAll(async () => {
  await Promise.all([sshd?.dispose(), other?.dispose(), vsftpd?.dispose()]);
  rmSync(dir, { recursive: true, force: true });
});

const newService = (name: string) =>
  new ConnectorsService({ store: new JsonFileStore(path.join(dir, `${name}.json`)), secrets: new MemorySecretStore() });

const stepStatus = (steps: readonly { id: string; status: string }[]) =>
  Object.fromEntries(steps.map((s) => [s.id, s.status]));

describe.skipIf(!sshdAvailable.available)('SFTP host keys (OpenSSH)', () => {
  const input = (server: SshdServer, password: string) => ({
    name: `sftp ${server.port}`,
    kind: 'sftp',
    options: { host: server.host, port: server.port, username: server.user.name, root: server.root },
    secrets: { password },
  });

  it('asks to confirm an unknown host key, then connects; a changed key is refused and cannot be trusted', async () => {
    const service = newService('sftp-tofu');
    const created = await service.create(input(sshd!, sshd!.user.password));

    const first = await service.test(created.id);
    expect(first.report.ok).toBe(false);
    // The identity comes first: the handshake waits for the user's confirmation, it did not fail.
    expect(first.outcome).toBe('confirm-identity');
    expect(stepStatus(first.report.steps)).toMatchObject({ connect: 'ok', handshake: 'skipped' });
    expect(first.identity).toMatchObject({
      problem: 'unknown',
      what: 'host key',
      fingerprint: sshd!.hostKeyFingerprint,
      server: `127.0.0.1:${sshd!.port}`,
    });
    // Only the fingerprint that was shown can be trusted.
    await expect(service.trustIdentity(created.id, other!.hostKeyFingerprint)).rejects.toMatchObject({
      reason: 'NoIdentityToTrust',
    });
    await service.trustIdentity(created.id, sshd!.hostKeyFingerprint);
    const second = await service.test(created.id);
    expect(second.identity).toBeUndefined();
    expect(stepStatus(second.report.steps)).toMatchObject({
      handshake: 'ok',
      authenticate: 'ok',
      list: 'ok',
    });
    expect(second.report.ok).toBe(true);

    // The key remembered for this host and port is now a different server's: as if the server's key changed.
    service.identities.confirm(`sftp:127.0.0.1:${sshd!.port}`, other!.hostKeyFingerprint);
    const changed = await service.test(created.id);
    expect(changed.report.ok).toBe(false);
    expect(changed.identity).toMatchObject({
      problem: 'changed',
      fingerprint: sshd!.hostKeyFingerprint,
      expected: other!.hostKeyFingerprint,
    });
    await expect(service.trustIdentity(created.id, sshd!.hostKeyFingerprint)).rejects.toMatchObject({
      reason: 'NoIdentityToTrust',
    });
  });

  it('shows a wrong password as the failing sign-in step', async () => {
    const service = newService('sftp-password');
    const created = await service.create({
      ...input(sshd!, 'not-the-password'),
      options: { ...input(sshd!, '').options, hostKeyFingerprint: sshd!.hostKeyFingerprint },
    });
    const result = await service.test(created.id);
    expect(result.report.ok).toBe(false);
    expect(result.identity).toBeUndefined();
    const failed = result.report.steps.find((s) => s.status === 'failed');
    expect(failed?.id).toBe('authenticate');
    expect(failed?.hint).toMatch(/password/i);
    expect(stepStatus(result.report.steps)).toMatchObject({ handshake: 'ok', list: 'skipped' });
  });
});

describe.skipIf(!vsftpdAvailable.available)('FTPS certificates (vsftpd)', () => {
  it('pins a certificate no authority vouches for once the user confirms it', async () => {
    const service = newService('ftps');
    const created = await service.create({
      name: 'ftps',
      kind: 'ftps',
      options: { host: vsftpd!.host, port: vsftpd!.port, username: vsftpd!.user.name },
      secrets: { password: vsftpd!.user.password },
    });
    const first = await service.test(created.id);
    expect(first.report.ok).toBe(false);
    expect(first.identity).toMatchObject({
      problem: 'unknown',
      what: 'certificate',
      fingerprint: vsftpd!.certificate.fingerprint256,
    });
    const pinned = await service.trustIdentity(created.id, vsftpd!.certificate.fingerprint256);
    expect(pinned.options['certificateFingerprint']).toBe(vsftpd!.certificate.fingerprint256);
    const second = await service.test(created.id);
    expect(second.report.ok).toBe(true);
    expect(second.identity).toBeUndefined();
  });
});
