import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { startSnowflakeFake, type SnowflakeFake } from '../../servers/snowflake-fake/snowflake-fake-server';

// The real `ferry` command against the Snowflake FAKE (tests/servers/snowflake-fake/README.md), key-pair sign-in.
const key = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
let base = '';
let fake: SnowflakeFake | undefined;
let guard: LoopbackGuard | undefined;
let env: Record<string, string> = {};

const ferry = (args: readonly string[], launcher: 'sources' | 'bundle' = 'sources'): Promise<FerryRun> =>
  runFerry(args, { cwd: base, configHome: path.join(base, 'xdg'), env, launcher });

// The built command (`npm run build`; CI builds before vitest): its lazily loaded Snowflake chunk and the SDK.
const BUNDLE = path.resolve(__dirname, '../../../out/cli/ferry.js');

beforeAll(async () => {
  guard = installLoopbackOnly();
  base = await mkdtemp(path.join(tmpdir(), 'ferry-cli-snowflake-'));
  fake = await startSnowflakeFake({
    account: 'fakeacct',
    users: [{ name: 'svc', publicKeyPem: key.publicKey, roles: ['FERRY_ROLE'] }],
  });
  fake.createStage({ database: 'DB', schema: 'PUBLIC', name: 'EXCHANGE', grants: { FERRY_ROLE: ['READ', 'WRITE'] } });
  env = {
    FERRY_CONNECTOR_SF_TYPE: 'snowflake',
    FERRY_CONNECTOR_SF_ACCOUNT: 'fakeacct',
    FERRY_CONNECTOR_SF_USERNAME: 'svc',
    FERRY_CONNECTOR_SF_PRIVATE_KEY: key.privateKey,
    FERRY_CONNECTOR_SF_ROLE: 'FERRY_ROLE',
    FERRY_CONNECTOR_SF_DATABASE: 'DB',
    FERRY_CONNECTOR_SF_SCHEMA: 'PUBLIC',
    FERRY_CONNECTOR_SF_STAGE: 'EXCHANGE',
    FERRY_CONNECTOR_SF_ACCESS_URL: fake.accessUrl,
  };
});

afterAll(async () => {
  await fake?.stop();
  if (base) await rm(base, { recursive: true, force: true });
  guard?.uninstall();
  expect(guard?.blocked ?? []).toEqual([]);
});

describe('ferry with a Snowflake stage connector', () => {
  it('copies a file into the stage and back byte for byte, lists it, and checks the connector', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 7);
    await writeFile(path.join(base, 'daily report.bin'), data);
    const up = await ferry(['cp', 'daily report.bin', 'sf:incoming/']);
    expect(up.code, up.stderr).toBe(0);
    expect(fake!.storedFile('DB.PUBLIC.EXCHANGE', 'incoming/daily report.bin')?.equals(data)).toBe(true);

    const ls = await ferry(['ls', 'sf:incoming', '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('daily report.bin');

    const down = await ferry(['cp', 'sf:incoming/daily report.bin', path.join(base, 'back.bin')]);
    expect(down.code, down.stderr).toBe(0);
    expect((await readFile(path.join(base, 'back.bin'))).equals(data)).toBe(true);

    const check = await ferry(['check', 'sf', '--write']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(fake!.logins.every((l) => l === 'SNOWFLAKE_JWT')).toBe(true);
    // The SDK's default log file (./snowflake.log) never lands in the user's working directory.
    expect(existsSync(path.join(base, 'snowflake.log'))).toBe(false);
  }, 120_000);

  it.skipIf(!existsSync(BUNDLE))(
    'works from the built command too (the SDK loads from its lazy chunk)',
    async () => {
      await writeFile(path.join(base, 'built report.bin'), 'from the bundle');
      const put = await ferry(['cp', 'built report.bin', 'sf:built/'], 'bundle');
      expect(put.code, put.stderr).toBe(0);
      const ls = await ferry(['ls', 'sf:built', '--json'], 'bundle');
      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stdout).toContain('built report.bin');
      expect(fake!.storedFile('DB.PUBLIC.EXCHANGE', 'built/built report.bin')?.toString()).toBe('from the bundle');
    },
    60_000,
  );
});
