// platform/cli.ts as operators run it, twice on one PostgreSQL with the offer storage on one S3 bucket (Swift) from
// --offer-files-s3-* flags and FERRY_OFFER_S3_* keys: an upload started on one process finishes on the other.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { newId } from '../../../platform/auth/secret-token';
import { swiftS3Options } from '../../kit/server-options';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { MiB, runTus, sha256Of, someBytes } from './upload-kit';

const ROOT = path.resolve(__dirname, '../../..');
const postgres = postgresAvailability();
const swift = swiftAvailability();

interface Cli {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: { text: string };
}

function startCli(args: readonly string[], env: Record<string, string>): Promise<Cli> {
  const inherited = { ...process.env };
  for (const name of Object.keys(inherited))
    if (name.startsWith('FERRY_') || name === 'DATABASE_URL') delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { text: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output.text += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output.text += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`platform/cli.ts did not listen within 60 s:\n${output.text}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform/cli.ts exited (${code}):\n${output.text}`));
    });
    const onData = () => {
      const listening = /Ferry platform listening on (http:\/\/\S+)/.exec(output.text);
      if (listening === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout.off('data', onData);
      // The CLI installs its SIGTERM handler just after printing this line: a loaded machine may not have run it yet.
      setTimeout(() => resolve({ url: listening[1]!, child, output }), 500);
    };
    child.stdout.on('data', onData);
  });
}

function stopCli(cli: Cli | undefined): Promise<number | null> {
  if (cli === undefined || cli.child.exitCode !== null) return Promise.resolve(cli?.child.exitCode ?? null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => cli.child.kill('SIGKILL'), 15_000);
    cli.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    cli.child.kill('SIGTERM');
  });
}

async function json(url: string, token: string | null, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

describe.skipIf(!postgres.available || !swift.available)('platform/cli.ts with the offer storage on S3', () => {
  let pg: PostgresServer;
  let server: SwiftServer;
  let databaseUrl: string;
  const clis: Cli[] = [];

  beforeAll(async () => {
    if (!postgres.available) return;
    [pg, server] = await Promise.all([startPostgres(postgres.bin), startSwift()]);
    const admin = new S3Driver(swiftS3Options(server, 'cli-offers'));
    await admin.client.send(new CreateBucketCommand({ Bucket: 'cli-offers' }));
    await admin.close();
    databaseUrl = await pg.createDatabase();
  }, 180_000);

  afterAll(async () => {
    for (const cli of clis) await stopCli(cli);
    await server?.stop();
    await pg?.stop();
  });

  it('two processes share the bucket: an upload started on one finishes on the other, exact', async () => {
    const flags = [
      '--database-url',
      databaseUrl,
      '--offer-files-s3-bucket',
      'cli-offers',
      '--offer-files-s3-endpoint',
      server.endpoint,
      '--offer-files-s3-prefix',
      'platform',
    ];
    const env = {
      FERRY_OFFER_S3_ACCESS_KEY_ID: server.accessKeyId,
      FERRY_OFFER_S3_SECRET_ACCESS_KEY: server.secretAccessKey,
      FERRY_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
    };
    // One after the other: both migrate the same database otherwise (they would wait on the lock anyway).
    clis.push(await startCli(flags, env));
    clis.push(await startCli(flags, env));
    const [one, two] = clis as [Cli, Cli];
    for (const cli of clis) expect(cli.output.text).not.toContain('offer files and uploads are kept');

    await json(`${one.url}/v1/setup`, null, {
      organisationName: 'Acme',
      name: 'Ada Admin',
      email: 'ada@acme.example',
      password: 'correct horse battery staple',
    });
    const login = await json(`${one.url}/v1/auth/login`, null, {
      email: 'ada@acme.example',
      password: 'correct horse battery staple',
    });
    const token = login.token as string;
    const me = await json(`${one.url}/v1/me`, token);
    const orgId = (me.memberships as Array<{ orgId: string }>)[0]!.orgId;
    const offerId = newId('off');
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(
      `INSERT INTO offers (id, org_id, title, kind, status, max_file_size, created_at, updated_at)
       VALUES ($1, $2, 'CLI offer', 'one-shot', 'draft', $3, now(), now())`,
      [offerId, orgId, 64 * MiB],
    );
    await client.end();

    const { bytes, sha256 } = someBytes(3 * MiB + 5);
    const metadata = { path: 'cli/file.bin', sha256 };
    const uploads = `/v1/orgs/${orgId}/offers/${offerId}/uploads`;
    const first = await runTus(bytes, { endpoint: one.url + uploads, token, metadata, abortAfter: MiB });
    expect(first.error).toBeNull();
    const second = await runTus(bytes, { uploadUrl: two.url + new URL(first.url!).pathname, token, metadata });
    expect(second.error).toBeNull();
    expect(second.patchOffsets[0]).toBeGreaterThanOrEqual(MiB);
    const content = await fetch(`${one.url}/v1/orgs/${orgId}/offers/${offerId}/files/${second.fileId}/content`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(content.status).toBe(200);
    expect(sha256Of(Buffer.from(await content.arrayBuffer()))).toBe(sha256);
    const direct = new S3Driver(swiftS3Options(server, 'cli-offers'));
    expect((await direct.stat(`platform/uploads/${new URL(first.url!).pathname.split('/').pop()!}`)).size).toBe(
      bytes.length,
    );
    await direct.close();
    for (const cli of clis.splice(0)) expect(await stopCli(cli)).toBe(0);
  }, 240_000);

  it('warns that a folder is one machine only when PostgreSQL is used with --offer-files', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'ferry-cli-offer-files-'));
    const cli = await startCli(['--database-url', databaseUrl, '--offer-files', folder], {
      FERRY_VAULT_KEY: Buffer.alloc(32, 1).toString('base64'),
    });
    clis.push(cli);
    expect(cli.output.text).toContain('on this machine: run one instance on this database');
    expect(await stopCli(clis.pop())).toBe(0);
    rmSync(folder, { recursive: true, force: true });
  }, 120_000);
});
