// Organisation connectors on the Google Drive and Snowflake fakes (FAKES: see their READMEs): created through the API
// with the secret in the vault (a service-account JSON key, a password, a private key), tested ok, browsed; the
// secrets never come back from the API and the vault rows hold only ciphertext.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgConnectors, vaultSecrets } from '../../../platform/db/schema';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { startSnowflakeFakeConnector, type SnowflakeFakeConnector } from '../../kit/snowflake-fake-connector';
import { forEachDatabase, setUp } from '../platform-harness';

let guard: LoopbackGuard;
let drive: DriveFakeConnector;
let password: SnowflakeFakeConnector;
let keyPair: SnowflakeFakeConnector;

beforeAll(async () => {
  guard = installLoopbackOnly();
  [drive, password, keyPair] = await Promise.all([
    startDriveFakeConnector(),
    startSnowflakeFakeConnector('password'),
    startSnowflakeFakeConnector('keyPair'),
  ]);
  drive.put('exports/2026-12.csv', 'a,b\n1,2\n');
  drive.put('notes.txt', 'hello');
});

afterAll(async () => {
  await Promise.all([drive?.stop(), password?.stop(), keyPair?.stop()]);
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

/** Every way a secret could show: its text, and for a PEM key or a JSON key its base64 body. */
function fragmentsOf(secret: string): string[] {
  const pem = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END/.exec(secret);
  const body = pem?.[1]?.replace(/\s+/g, '') ?? '';
  return [secret, ...(body.length > 0 ? [body.slice(0, 64), body.slice(-64)] : [])];
}

forEachDatabase((env) => {
  let o: string;
  let token: string;
  const call = (method: string, url: string, body?: unknown) => env().call(method, url, { token, body });

  /** Asserts that no response body, connector row or vault row holds any fragment of `secret`. */
  async function expectNowhere(secret: string, bodies: readonly string[]): Promise<void> {
    const rows = JSON.stringify([
      await env().db.select().from(vaultSecrets),
      await env().db.select().from(orgConnectors),
    ]);
    for (const fragment of fragmentsOf(secret)) {
      for (const body of bodies) expect(body.includes(fragment), 'a response holds the secret').toBe(false);
      expect(rows.includes(fragment), 'a database row holds the secret').toBe(false);
    }
  }

  it('sets up the organisation', async () => {
    const admin = await setUp(env());
    o = `/v1/orgs/${admin.orgId}/connectors`;
    token = admin.adminToken;
  });

  describe('a Google Drive connector with a service-account key', () => {
    let id: string;
    const bodies: string[] = [];

    it('is created with the key in the vault, tests ok (also the write probe) and browses the Shared Drive', async () => {
      const created = await call('POST', o, { name: 'Partner Drive', kind: 'drive', ...drive.apiBody });
      expect(created.statusCode, created.body).toBe(201);
      id = created.json().id;
      expect(created.json().secrets).toMatchObject({ serviceAccountJson: 'set' });
      expect(created.json().options).toMatchObject({ driveId: drive.driveId, apiEndpoint: drive.fake.endpoint });
      const test = await call('POST', `${o}/${id}/test?write=true`);
      expect(test.json().report.ok, test.body).toBe(true);
      const root = await call('GET', `${o}/${id}/entries`);
      expect(root.statusCode, root.body).toBe(200);
      expect(root.json().entries.map((e: { name: string; type: string }) => [e.name, e.type])).toEqual([
        ['exports', 'directory'],
        ['notes.txt', 'file'],
      ]);
      const inner = await call('GET', `${o}/${id}/entries?path=exports`);
      expect(inner.json().entries).toMatchObject([{ name: '2026-12.csv', path: 'exports/2026-12.csv', size: 8 }]);
      const stat = await call('GET', `${o}/${id}/stat?path=exports/2026-12.csv`);
      expect(stat.json()).toMatchObject({ type: 'file', size: 8 });
      bodies.push(created.body, test.body, root.body, inner.body, (await call('GET', `${o}/${id}`)).body);
      bodies.push((await call('GET', o)).body);
    });

    it('never returns the key and keeps it only encrypted', async () => {
      const rows = await env().db.select().from(vaultSecrets);
      expect(rows.filter((r) => r.connectorId === id).map((r) => r.option)).toEqual(['serviceAccountJson']);
      await expectNowhere(drive.account.json, bodies);
      // The JSON key's own fields: its private key body and the key ID travel nowhere either.
      await expectNowhere(JSON.parse(drive.account.json).private_key as string, bodies);
    });

    it('says what the storage refused when the key is not one Drive knows', async () => {
      const stranger = createServiceAccount('ferry-stranger');
      const changed = await call('PATCH', `${o}/${id}`, { secrets: { serviceAccountJson: stranger.json } });
      expect(changed.statusCode, changed.body).toBe(200);
      const browse = await call('GET', `${o}/${id}/entries`);
      expect([browse.statusCode, browse.json().code]).toEqual([409, 'connector_unusable']);
      expect(browse.json().message).toContain('The storage refused');
      await expectNowhere(stranger.json, [changed.body, browse.body]);
      const back = await call('PATCH', `${o}/${id}`, { secrets: drive.apiBody.secrets });
      expect(back.statusCode, back.body).toBe(200);
      expect((await call('POST', `${o}/${id}/test`)).json().report.ok).toBe(true);
    });
  });

  for (const auth of ['password', 'keyPair'] as const) {
    describe(`a Snowflake stage connector signing in with a ${auth === 'password' ? 'password' : 'key pair'}`, () => {
      const server = () => (auth === 'password' ? password : keyPair);
      let id: string;

      it('is created with the secret in the vault, tests ok (also the write probe) and browses the stage', async () => {
        const created = await call('POST', o, { name: `Warehouse ${auth}`, kind: 'snowflake', ...server().apiBody });
        expect(created.statusCode, created.body).toBe(201);
        id = created.json().id;
        const secretName = auth === 'password' ? 'password' : 'privateKey';
        expect(created.json().secrets).toMatchObject({ [secretName]: 'set' });
        const test = await call('POST', `${o}/${id}/test?write=true`);
        expect(test.json().report.ok, test.body).toBe(true);
        expect(server().fake.logins).toContain(auth === 'password' ? 'SNOWFLAKE' : 'SNOWFLAKE_JWT');
        const root = await call('GET', `${o}/${id}/entries`);
        expect(root.statusCode, root.body).toBe(200);
        expect(root.json().entries).toEqual([]);

        const rows = await env().db.select().from(vaultSecrets);
        expect(rows.filter((r) => r.connectorId === id).map((r) => r.option)).toEqual([secretName]);
        const detail = await call('GET', `${o}/${id}`);
        await expectNowhere(server().secret, [
          created.body,
          test.body,
          root.body,
          detail.body,
          (await call('GET', o)).body,
        ]);
      });

      it('refuses a wrong secret with what Snowflake said, without echoing it', async () => {
        const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
        const strangerPem = stranger.export({ type: 'pkcs8', format: 'pem' }).toString();
        const wrong = auth === 'password' ? { password: 'not-the-password' } : { privateKey: strangerPem };
        const changed = await call('PATCH', `${o}/${id}`, { secrets: wrong });
        expect(changed.statusCode, changed.body).toBe(200);
        const test = await call('POST', `${o}/${id}/test`);
        expect(test.json().report.ok, test.body).toBe(false);
        await expectNowhere(Object.values(wrong)[0]!, [changed.body, test.body]);
        const back = await call('PATCH', `${o}/${id}`, { secrets: server().apiBody.secrets });
        expect(back.statusCode, back.body).toBe(200);
        expect((await call('POST', `${o}/${id}/test`)).json().report.ok).toBe(true);
      });
    });
  }
});
