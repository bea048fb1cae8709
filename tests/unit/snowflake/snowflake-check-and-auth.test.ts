import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { SnowflakeDriver } from '../../../connectors/snowflake/snowflake-driver';
import { type SnowflakeOptions } from '../../../shared/connectors/snowflake-descriptor';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { readAll, streamOf } from '../../kit/test-streams';
import { startSnowflakeFake, type SnowflakeFake } from '../../servers/snowflake-fake/snowflake-fake-server';

function rsaKeyPair(passphrase?: string): { readonly privateKey: string; readonly publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding:
      passphrase === undefined
        ? { type: 'pkcs8', format: 'pem' }
        : { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase },
  });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

describe('snowflake sign-in, session renewal and check against the REST fake (a FAKE, see its README)', () => {
  const service = rsaKeyPair();
  const encrypted = rsaKeyPair('correct horse');
  const stranger = rsaKeyPair();
  let fake: SnowflakeFake;
  let guard: LoopbackGuard;
  let base: SnowflakeOptions;

  beforeAll(async () => {
    guard = installLoopbackOnly();
    fake = await startSnowflakeFake({
      account: 'fakeacct',
      users: [
        { name: 'ferry', password: 'secret', roles: ['FERRY_ROLE', 'READER', 'NOBODY'] },
        { name: 'svc', publicKeyPem: service.publicKey, roles: ['FERRY_ROLE'] },
        { name: 'svc2', publicKeyPem: encrypted.publicKey, roles: ['FERRY_ROLE'] },
      ],
    });
    fake.createStage({
      database: 'DB',
      schema: 'PUBLIC',
      name: 'EXCHANGE',
      grants: { FERRY_ROLE: ['READ', 'WRITE'], READER: ['READ'] },
    });
    base = {
      account: 'fakeacct',
      username: 'ferry',
      auth: 'password',
      password: 'secret',
      role: 'FERRY_ROLE',
      database: 'DB',
      schema: 'PUBLIC',
      stage: 'EXCHANGE',
      prefix: '',
      accessUrl: fake.accessUrl,
    };
  });

  afterAll(async () => {
    await fake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('renews an expired session token with the master token and carries on', async () => {
    const driver = new SnowflakeDriver(base);
    await driver.write('renew.txt', streamOf('before'));
    const logins = fake.logins.length;
    fake.expireSessionTokens();
    // The next statement gets 390112; the SDK renews through /session/token-request and re-runs it.
    expect((await readAll(await driver.read('renew.txt'))).toString()).toBe('before');
    expect(fake.renewals).toBe(1);
    expect(fake.requests).toContain('/session/token-request');
    expect(fake.logins.length).toBe(logins);
    await driver.close();
  });

  it('signs in with a key pair: the fake verifies the JWT against the registered public key', async () => {
    const driver = new SnowflakeDriver({
      ...base,
      username: 'svc',
      auth: 'keyPair',
      password: undefined,
      privateKey: service.privateKey,
    });
    await driver.write('jwt.txt', streamOf('signed'));
    expect((await readAll(await driver.read('jwt.txt'))).toString()).toBe('signed');
    expect(fake.logins.at(-1)).toBe('SNOWFLAKE_JWT');
    await driver.close();
  });

  it('signs in with an encrypted private key and its passphrase', async () => {
    const driver = new SnowflakeDriver({
      ...base,
      username: 'svc2',
      auth: 'keyPair',
      privateKey: encrypted.privateKey,
      privateKeyPassphrase: 'correct horse',
    });
    expect((await driver.list('')).entries.length).toBeGreaterThanOrEqual(0);
    expect(fake.logins.at(-1)).toBe('SNOWFLAKE_JWT');
    await driver.close();
  });

  it('refuses a key that is not registered on the user, saying how to register it', async () => {
    const driver = new SnowflakeDriver({ ...base, username: 'svc', auth: 'keyPair', privateKey: stranger.privateKey });
    const error = await failure(driver.list(''));
    expect(error.code).toBe('AuthFailed');
    expect(error.hint).toContain('RSA_PUBLIC_KEY');
    await driver.close();
  });

  it('refuses a malformed key and a wrong passphrase as invalid input, not as a network failure', async () => {
    const garbage = new SnowflakeDriver({ ...base, username: 'svc', auth: 'keyPair', privateKey: 'not a key' });
    const malformed = await failure(garbage.list(''));
    expect(malformed.code, malformed.message).toBe('InvalidInput');
    await garbage.close();
    const locked = new SnowflakeDriver({
      ...base,
      username: 'svc2',
      auth: 'keyPair',
      privateKey: encrypted.privateKey,
      privateKeyPassphrase: 'wrong horse',
    });
    const wrong = await failure(locked.list(''));
    expect(wrong.code, wrong.message).toBe('InvalidInput');
    await locked.close();
  });

  it('refuses a wrong password as AuthFailed', async () => {
    const driver = new SnowflakeDriver({ ...base, password: 'wrong' });
    expect((await failure(driver.list(''))).code).toBe('AuthFailed');
    await driver.close();
  });

  it('checks sign-in, role, list and write, and passes with READ and WRITE', async () => {
    const driver = new SnowflakeDriver(base);
    const report = await driver.check({ write: true });
    expect(report.ok).toBe(true);
    expect(report.steps.find((s) => s.id === 'authenticate')?.detail).toBe('Signed in as FERRY with role FERRY_ROLE.');
    await driver.close();
  });

  it('says which GRANT to run when the role may read but not write the stage', async () => {
    const driver = new SnowflakeDriver({ ...base, role: 'READER' });
    const report = await driver.check({ write: true });
    expect(report.ok).toBe(false);
    expect(report.steps.find((s) => s.id === 'list')?.status).toBe('ok');
    const write = report.steps.find((s) => s.id === 'write');
    expect(write?.status).toBe('failed');
    expect(write?.hint).toContain('GRANT READ, WRITE ON STAGE "DB"."PUBLIC"."EXCHANGE" TO ROLE "READER";');
    await driver.close();
  });

  it('says which GRANTs to run when the role cannot see the stage at all', async () => {
    const driver = new SnowflakeDriver({ ...base, role: 'NOBODY' });
    const report = await driver.check({ write: true });
    const list = report.steps.find((s) => s.id === 'list');
    expect(list?.status).toBe('failed');
    expect(list?.hint).toContain('GRANT USAGE ON DATABASE "DB" TO ROLE "NOBODY";');
    expect(list?.hint).toContain('GRANT USAGE ON SCHEMA "DB"."PUBLIC" TO ROLE "NOBODY";');
    expect(list?.hint).toContain('GRANT READ ON STAGE "DB"."PUBLIC"."EXCHANGE" TO ROLE "NOBODY";');
    await driver.close();
  });

  it('fails the sign-in step when the role is not granted to the user', async () => {
    const driver = new SnowflakeDriver({ ...base, role: 'ACCOUNTADMIN' });
    const report = await driver.check();
    const step = report.steps.find((s) => s.id === 'authenticate');
    expect(step?.status).toBe('failed');
    expect(step?.detail).toContain('not granted');
    expect(step?.hint).toContain('GRANT ROLE');
    await driver.close();
  });
});
