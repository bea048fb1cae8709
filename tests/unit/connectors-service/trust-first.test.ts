import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorsService } from '../../../main/services/connectors/connectors-service';
import { JsonFileStore } from '../../../main/services/json-file-store';
import type { CheckStep } from '../../../shared/connectors/check-report';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { MemorySecretStore } from '../../kit/memory-secret-store';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

let dir: string;
let sshd: SshdServer | undefined;
let other: SshdServer | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-trust-first-'));
  if (sshdAvailable.available) [sshd, other] = await Promise.all([startSshd(), startSshd()]);
});
afterAll(async () => {
  await Promise.all([sshd?.dispose(), other?.dispose()]);
  rmSync(dir, { recursive: true, force: true });
});

const newService = (name: string) =>
  new ConnectorsService({ store: new JsonFileStore(path.join(dir, `${name}.json`)), secrets: new MemorySecretStore() });

const statuses = (steps: readonly CheckStep[]) => Object.fromEntries(steps.map((s) => [s.id, s.status]));
const step = (steps: readonly CheckStep[], id: CheckStep['id']) => steps.find((s) => s.id === id)!;

async function sftpConnector(service: ConnectorsService, server: SshdServer) {
  return service.create({
    name: `sftp ${server.port}`,
    kind: 'sftp',
    options: { host: server.host, port: server.port, username: server.user.name, root: server.root },
    secrets: { password: server.user.password },
  });
}

describe.skipIf(!sshdAvailable.available)('connector test, the server identity first (OpenSSH)', () => {
  it('stops at an unknown host key without failing anything, then runs the remaining steps once it is trusted', async () => {
    const service = newService('order');
    const created = await sftpConnector(service, sshd!);
    expect(created.identity).toEqual({ what: 'host key', server: `127.0.0.1:${sshd!.port}` });

    const first = await service.test(created.id);
    expect(first.outcome).toBe('confirm-identity');
    expect(first.identity).toMatchObject({ problem: 'unknown', fingerprint: sshd!.hostKeyFingerprint });
    // Nothing failed: the handshake waits for the user, the steps after it wait for the handshake.
    expect(first.report.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(statuses(first.report.steps)).toEqual({
      resolve: 'ok',
      connect: 'ok',
      handshake: 'skipped',
      authenticate: 'skipped',
      list: 'skipped',
      read: 'skipped',
      write: 'skipped',
    });
    expect(step(first.report.steps, 'handshake').fingerprint).toBe(sshd!.hostKeyFingerprint);
    expect(step(first.report.steps, 'list').durationMs).toBe(0);
    expect(first.report.ok).toBe(false);

    await service.trustIdentity(created.id, sshd!.hostKeyFingerprint);
    const second = await service.test(created.id, { write: true });
    expect(second.outcome).toBe('ok');
    expect(statuses(second.report.steps)).toEqual({
      resolve: 'ok',
      connect: 'ok',
      handshake: 'ok',
      authenticate: 'ok',
      list: 'ok',
      read: 'ok',
      write: 'ok',
    });
    const [summary] = await service.list();
    expect(summary?.identity).toEqual({
      what: 'host key',
      server: `127.0.0.1:${sshd!.port}`,
      trusted: { fingerprint: sshd!.hostKeyFingerprint, source: 'confirmed' },
    });
  });

  it('times each connection step by itself (the sign-in is not counted in the name lookup)', async () => {
    const service = newService('timings');
    const created = await sftpConnector(service, sshd!);
    await service.test(created.id);
    await service.trustIdentity(created.id, sshd!.hostKeyFingerprint);
    const started = performance.now();
    const { report } = await service.test(created.id);
    const elapsed = performance.now() - started;
    const ms = (id: CheckStep['id']) => step(report.steps, id).durationMs;
    // The key exchange and the password sign-in take round trips; resolving 127.0.0.1 takes none.
    expect(ms('handshake') + ms('authenticate')).toBeGreaterThan(ms('resolve'));
    expect(ms('authenticate')).toBeGreaterThan(0);
    const total = report.steps.reduce((sum, s) => sum + s.durationMs, 0);
    expect(total).toBeLessThanOrEqual(Math.ceil(elapsed) + report.steps.length);
    // Without "also test writing" the write probe does not run.
    expect(step(report.steps, 'write')).toMatchObject({ status: 'skipped', durationMs: 0 });
  });

  it('forgets a trusted host key: the edit form shows none and the next test asks again', async () => {
    const service = newService('forget');
    const created = await sftpConnector(service, sshd!);
    await service.test(created.id);
    await service.trustIdentity(created.id, sshd!.hostKeyFingerprint);
    expect((await service.get(created.id)).identity?.trusted?.fingerprint).toBe(sshd!.hostKeyFingerprint);

    const forgotten = await service.forgetIdentity(created.id);
    expect(forgotten.identity).toEqual({ what: 'host key', server: `127.0.0.1:${sshd!.port}` });
    expect(service.identities.confirmed(`sftp:127.0.0.1:${sshd!.port}`)).toBeUndefined();
    const again = await service.test(created.id);
    expect(again.outcome).toBe('confirm-identity');
    expect(again.identity?.problem).toBe('unknown');

    // A host key typed in the connector's settings (a pin) is forgotten the same way.
    await service.update({
      id: created.id,
      name: created.name,
      options: { ...created.options, hostKeyFingerprint: sshd!.hostKeyFingerprint },
      secrets: {},
    });
    expect((await service.get(created.id)).identity?.trusted).toEqual({
      fingerprint: sshd!.hostKeyFingerprint,
      source: 'pinned',
    });
    const unpinned = await service.forgetIdentity(created.id);
    expect(unpinned.options['hostKeyFingerprint']).toBeUndefined();
    expect(unpinned.identity?.trusted).toBeUndefined();
    expect((await service.test(created.id)).outcome).toBe('confirm-identity');
  });

  it('remembers a browse refused on an untrusted or changed host key, for the app to offer the confirmation', async () => {
    const service = newService('refusals');
    const created = await sftpConnector(service, sshd!);
    const driver = await service.open(created.id);
    await expect(driver.list('')).rejects.toMatchObject({ code: 'AuthFailed' });
    await driver.close();
    expect((await service.get(created.id)).identity?.refused).toMatchObject({
      problem: 'unknown',
      fingerprint: sshd!.hostKeyFingerprint,
    });

    // Confirming the key (test, then trust) clears the refusal; the next browse works.
    await service.test(created.id);
    await service.trustIdentity(created.id, sshd!.hostKeyFingerprint);
    expect((await service.get(created.id)).identity?.refused).toBeUndefined();
    const trusted = await service.open(created.id);
    await expect(trusted.list('')).resolves.toMatchObject({ entries: expect.any(Array) });
    await trusted.close();

    // Another server's key remembered for this host and port: as if the key changed.
    service.identities.confirm(`sftp:127.0.0.1:${sshd!.port}`, other!.hostKeyFingerprint);
    const changed = await service.open(created.id);
    await expect(changed.list('')).rejects.toMatchObject({ code: 'AuthFailed' });
    await changed.close();
    expect((await service.get(created.id)).identity?.refused).toMatchObject({
      problem: 'changed',
      fingerprint: sshd!.hostKeyFingerprint,
      expected: other!.hostKeyFingerprint,
    });
    const test = await service.test(created.id);
    expect(test.outcome).toBe('identity-changed');
  });
});
