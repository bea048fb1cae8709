// Organisation connectors on real servers through the API: an SFTP one (OpenSSH sshd: unknown host key, trust, test,
// browse; a changed key refused) and an S3 one (OpenStack Swift's s3api: test with the write probe, browse).
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { sshdSftpOptions, swiftS3Options } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { forEachDatabase, setUp, type TestEnv } from '../platform-harness';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const swift = swiftAvailability();

let sshd: SshdServer | undefined;
let swiftServer: SwiftServer | undefined;
const BUCKET = 'org-connectors';

beforeAll(async () => {
  const started = await Promise.all([
    sshdAvailable.available ? startSshd() : undefined,
    swift.available ? startSwift() : undefined,
  ]);
  [sshd, swiftServer] = started;
  if (sshd !== undefined) {
    mkdirSync(path.join(sshd.root, 'incoming'));
    writeFileSync(path.join(sshd.root, 'incoming', 'day-1.csv'), 'id\n1\n2\n');
    writeFileSync(path.join(sshd.root, 'notes.txt'), 'hello');
    for (const p of ['incoming', 'incoming/day-1.csv', 'notes.txt']) {
      chownSync(path.join(sshd.root, p), sshd.user.uid, sshd.user.gid);
    }
  }
  if (swiftServer !== undefined) {
    const admin = new S3Driver(swiftS3Options(swiftServer, BUCKET));
    await admin.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await admin.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/2026-12.csv', Body: 'a,b\n1,2\n' }));
    await admin.close();
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([sshd?.dispose(), swiftServer?.stop()]);
});

async function admin(env: TestEnv): Promise<{ o: string; token: string }> {
  const { orgId, adminToken } = await setUp(env);
  return { o: `/v1/orgs/${orgId}/connectors`, token: adminToken };
}

forEachDatabase((env) => {
  let o: string;
  let token: string;
  const call = (method: string, url: string, body?: unknown) => env().call(method, url, { token, body });

  it('sets up the organisation', async () => {
    ({ o, token } = await admin(env()));
  });

  describe.skipIf(!sshdAvailable.available)('an SFTP connector (OpenSSH sshd)', () => {
    let id: string;

    it('shows the unknown host key at the first test, trusts exactly it, then tests ok', async () => {
      const { password, ...options } = sshdSftpOptions(sshd!, { pin: false });
      const created = await call('POST', o, { name: 'Partner SFTP', kind: 'sftp', options, secrets: { password } });
      expect(created.statusCode, created.body).toBe(201);
      id = created.json().id;
      expect((await call('GET', `${o}/${id}/entries`)).json().code).toBe('connector_unusable');

      const first = await call('POST', `${o}/${id}/test`);
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().report.ok).toBe(false);
      const identity = first.json().identity;
      expect(identity).toMatchObject({ problem: 'unknown', what: 'host key', server: `127.0.0.1:${sshd!.port}` });
      expect(identity.fingerprint.replace(/=+$/, '')).toBe(sshd!.hostKeyFingerprint.replace(/=+$/, ''));
      const handshake = first.json().report.steps.find((s: { id: string }) => s.id === 'handshake');
      expect(handshake.hint).toBe(
        `Compare ${identity.fingerprint} with the one the server's administrator gives you, then confirm it: ` +
          'POST .../trust with this fingerprint (Trust in Ferry).',
      );

      const wrong = await call('POST', `${o}/${id}/trust`, { fingerprint: 'SHA256:' + 'C'.repeat(43) });
      expect([wrong.statusCode, wrong.json().code]).toEqual([400, 'validation_failed']);
      const trusted = await call('POST', `${o}/${id}/trust`, { fingerprint: identity.fingerprint });
      expect(trusted.statusCode, trusted.body).toBe(200);
      expect(trusted.json().identity).toEqual({ what: 'host key', fingerprint: identity.fingerprint });
      expect(trusted.json().options.hostKeyFingerprint).toBe(identity.fingerprint);

      const second = await call('POST', `${o}/${id}/test`);
      expect(second.json().report.ok, second.body).toBe(true);
      expect(second.json().identity).toBeUndefined();
    });

    it('browses the server through the API (entries, stat)', async () => {
      const root = await call('GET', `${o}/${id}/entries`);
      expect(root.statusCode, root.body).toBe(200);
      expect(root.json().entries.map((e: { name: string; type: string }) => [e.name, e.type])).toEqual([
        ['incoming', 'directory'],
        ['notes.txt', 'file'],
      ]);
      const inner = await call('GET', `${o}/${id}/entries?path=incoming`);
      expect(inner.json().entries).toMatchObject([{ name: 'day-1.csv', path: 'incoming/day-1.csv', size: 7 }]);
      const stat = await call('GET', `${o}/${id}/stat?path=incoming/day-1.csv`);
      expect(stat.json()).toMatchObject({ type: 'file', size: 7 });
      const missing = await call('GET', `${o}/${id}/stat?path=incoming/none.csv`);
      expect(missing.json().code).toBe('not_found');
    });

    it('forgets the trusted host key: the next test shows it to confirm again, and trusting it works', async () => {
      const forgotten = await call('POST', `${o}/${id}/forget-identity`);
      expect(forgotten.statusCode, forgotten.body).toBe(200);
      expect(forgotten.json()).toMatchObject({ identity: null, needsIdentity: true });
      expect((await call('GET', `${o}/${id}/entries`)).json().code).toBe('connector_unusable');
      const test = await call('POST', `${o}/${id}/test`);
      expect(test.json().identity).toMatchObject({ problem: 'unknown', what: 'host key' });
      const trusted = await call('POST', `${o}/${id}/trust`, { fingerprint: test.json().identity.fingerprint });
      expect(trusted.statusCode, trusted.body).toBe(200);
      expect((await call('POST', `${o}/${id}/test`)).json().report.ok).toBe(true);
    });

    it('refuses a changed host key: shown as changed, never trusted', async () => {
      const other = 'SHA256:' + 'D'.repeat(43);
      const detail = (await call('GET', `${o}/${id}`)).json();
      const changed = await call('PATCH', `${o}/${id}`, {
        options: { ...detail.options, hostKeyFingerprint: other },
      });
      expect(changed.statusCode, changed.body).toBe(200);
      const test = await call('POST', `${o}/${id}/test`);
      expect(test.json().identity).toMatchObject({ problem: 'changed', expected: other });
      const trust = await call('POST', `${o}/${id}/trust`, { fingerprint: test.json().identity.fingerprint });
      expect([trust.statusCode, trust.json().code]).toEqual([400, 'validation_failed']);
      expect(trust.json().message).toContain('changed');
      const browse = await call('GET', `${o}/${id}/entries`);
      expect(browse.json().code).toBe('connector_unusable');
    });
  });

  describe.skipIf(!swift.available)('an S3 connector (Swift s3api)', () => {
    let id: string;

    it('tests ok with the write probe and browses the bucket', async () => {
      const { secretAccessKey, ...options } = swiftS3Options(swiftServer!, BUCKET);
      const created = await call('POST', o, { name: 'Exports S3', kind: 's3', options, secrets: { secretAccessKey } });
      expect(created.statusCode, created.body).toBe(201);
      id = created.json().id;
      expect(created.json().secrets).toMatchObject({ secretAccessKey: 'set' });
      const test = await call('POST', `${o}/${id}/test?write=true`);
      expect(test.json().report.ok, test.body).toBe(true);
      expect(test.json().report.steps.find((s: { id: string }) => s.id === 'write').status).toBe('ok');
      const root = await call('GET', `${o}/${id}/entries`);
      expect(root.json().entries.map((e: { name: string }) => e.name)).toEqual(['exports']);
      const inner = await call('GET', `${o}/${id}/entries?path=exports`);
      expect(inner.json().entries).toMatchObject([{ name: '2026-12.csv', type: 'file', size: 8 }]);
      const stat = await call('GET', `${o}/${id}/stat?path=exports/2026-12.csv`);
      expect(stat.json()).toMatchObject({ type: 'file', size: 8 });
    });

    it('says what the storage refused when the secret is wrong', async () => {
      const res = await call('PATCH', `${o}/${id}`, { secrets: { secretAccessKey: 'not-the-secret' } });
      expect(res.statusCode).toBe(200);
      const browse = await call('GET', `${o}/${id}/entries`);
      expect([browse.statusCode, browse.json().code]).toEqual([409, 'connector_unusable']);
      expect(browse.json().message).toContain('The storage refused');
      expect(browse.body).not.toContain('not-the-secret');
    });
  });
});
