// The platform server as an operator runs it (`node --import tsx platform/cli.ts ...`) on PostgreSQL: without a vault
// key it starts, warns once and refuses only connectors; with --vault-key-file connectors work, folders are refused,
// and the outgoing addresses of --outgoing-address or FERRY_OUTGOING_ADDRESSES are the ones shown; SIGTERM exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFileStore } from '../../../platform/vault/key-file-store';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { call, type Answer } from './http-call';

const ROOT = path.resolve(__dirname, '../../..');
const PASSWORD = 'correct horse battery staple';
const EMAIL = 'ada@acme.example';
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A running `platform/cli.ts`, its listening URL and everything it printed so far. */
interface CliServer {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: { stdout: string; stderr: string };
}

/** Starts the CLI with `args` and only the vault/outgoing variables of `env` (none inherited), resolved once listening. */
function startCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliServer> {
  const inherited = { ...process.env };
  for (const name of ['FERRY_VAULT_KEY', 'FERRY_VAULT_KEY_FILE', 'FERRY_OUTGOING_ADDRESSES', 'DATABASE_URL'])
    delete inherited[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (output.stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not print its listening line within 30 s'), 30_000);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${code ?? signal}) early`);
    const onData = () => {
      const listening = /Ferry platform listening on (http:\/\/\S+) \(data: PostgreSQL\)/.exec(output.stdout);
      if (listening === null) return;
      // Only this function's own listeners go: later exit listeners (stopCli's) must stay.
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      resolve({ url: listening[1] as string, child, output });
    };
    const fail = (why: string) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout.off('data', onData);
      child.kill('SIGKILL');
      reject(new Error(`platform/cli.ts ${why}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`));
    };
    child.once('exit', onExit);
    child.stdout.on('data', onData);
  });
}

/** Sends SIGTERM and resolves with the exit code (null if a signal ended it; SIGKILL after 15 s). */
function stopCli(server: CliServer): Promise<number | null> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** Runs `body` on a started CLI, then stops it and expects a clean exit (0) after SIGTERM. */
async function withCli(
  args: readonly string[],
  env: Record<string, string>,
  body: (server: CliServer) => Promise<void>,
): Promise<CliServer> {
  const server = await startCli(args, env);
  let code: number | null;
  try {
    await body(server);
  } finally {
    code = await stopCli(server);
  }
  expect(code, `exit after SIGTERM\n${server.output.stdout}\n${server.output.stderr}`).toBe(0);
  expect(server.output.stdout).toContain('SIGTERM: finishing requests and closing the database');
  return server;
}

/** First-run setup, then sign-in and /v1/me as the README's curl steps do: the admin's token and organisation. */
async function setUp(base: string): Promise<{ readonly token: string; readonly orgId: string }> {
  const setup = await call(base, 'POST', '/v1/setup', undefined, {
    organisationName: 'Acme',
    name: 'Ada Admin',
    email: EMAIL,
    password: PASSWORD,
  });
  expect(setup.status, JSON.stringify(setup.body)).toBe(201);
  const login = await call(base, 'POST', '/v1/auth/login', undefined, { email: EMAIL, password: PASSWORD });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  const me = await call(base, 'GET', '/v1/me', login.body.token as string);
  expect(me.status).toBe(200);
  expect(me.body.memberships).toHaveLength(1);
  return { token: login.body.token as string, orgId: me.body.memberships[0].orgId as string };
}

/** Creates the SFTP connector of these checks (the server need not exist: creating connects to nothing). */
function createSftp(base: string, orgId: string, token: string): Promise<Answer> {
  return call(base, 'POST', `/v1/orgs/${orgId}/connectors`, token, {
    name: 'Partner SFTP',
    kind: 'sftp',
    options: { host: '127.0.0.1', port: 1, username: 'x' },
    secrets: { password: 'p' },
  });
}

/** A vault key file as the vault makes one (format ferry-vault-keys/1, one random key, 0600) in a fresh folder. */
function makeKeyFile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-cli-vault-'));
  cleanup.push(dir);
  const file = path.join(dir, 'vault-keys.json');
  keyFileStore(file).load();
  return file;
}

/** The JSON log lines of the server's stdout (its plain-text lines left out). */
function logLines(stdout: string): Array<{ readonly level?: number; readonly msg?: string }> {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level?: number; msg?: string });
}

const postgres = postgresAvailability();

describe.skipIf(!postgres.available)('platform/cli.ts on PostgreSQL, as a process', () => {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    if (postgres.available) server = await startPostgres(postgres.bin);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('without a vault key: starts, warns once about the vault, refuses connectors (503 vault_unavailable), serves members', async () => {
    const databaseUrl = await (server as PostgresServer).createDatabase();
    let startupLog = '';
    const cli = await withCli(['--database-url', databaseUrl, '--port', '0'], {}, async ({ url, output }) => {
      startupLog = output.stdout;
      const acme = await setUp(url);
      const members = await call(url, 'GET', `/v1/orgs/${acme.orgId}/members`, acme.token);
      expect(members.status).toBe(200);
      expect(JSON.stringify(members.body)).toContain(EMAIL);
      const refused = await createSftp(url, acme.orgId, acme.token);
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      expect(refused.body.code).toBe('vault_unavailable');
      expect(refused.body.message).toContain('FERRY_VAULT_KEY');
    });
    // Before any request: one warning (level 40+) besides the offer-storage one (no storage given: a temporary
    // folder), and it says what is refused and what to set.
    const startupWarnings = logLines(startupLog).filter(
      (line) => (line.level ?? 0) >= 40 && !line.msg?.startsWith('offer files and uploads are kept'),
    );
    expect(startupWarnings, startupLog).toHaveLength(1);
    const warning = startupWarnings[0]?.msg ?? '';
    expect(warning).toMatch(/vault has no key/);
    expect(warning).toContain('vault_unavailable');
    expect(warning).toContain('FERRY_VAULT_KEY');
    expect(warning).toContain('--vault-key-file');
    // Over the whole run the vault warning was printed once (stderr holds no other one).
    const vaultWarnings = logLines(cli.output.stdout).filter((line) => line.msg?.startsWith('the vault has no key'));
    expect(vaultWarnings).toHaveLength(1);
    expect(cli.output.stderr).not.toMatch(/vault/i);
  }, 40_000);

  it('with --vault-key-file and --outgoing-address: SFTP connector created and shows those addresses; local refused', async () => {
    const databaseUrl = await (server as PostgresServer).createDatabase();
    const keyFile = makeKeyFile();
    const keys = readFileSync(keyFile, 'utf8');
    const addresses = ['203.0.113.7', '2001:db8::7'];
    const args = ['--database-url', databaseUrl, '--port', '0', '--vault-key-file', keyFile];
    for (const address of addresses) args.push('--outgoing-address', address);
    const cli = await withCli(args, {}, async ({ url }) => {
      const acme = await setUp(url);
      const created = await createSftp(url, acme.orgId, acme.token);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = await call(url, 'GET', `/v1/orgs/${acme.orgId}/connectors/${created.body.id}`, acme.token);
      expect(read.status).toBe(200);
      expect(read.body.secrets).toMatchObject({ password: 'set' });
      expect(read.body.outgoingAddresses).toEqual(addresses);
      const local = await call(url, 'POST', `/v1/orgs/${acme.orgId}/connectors`, acme.token, {
        name: 'A folder',
        kind: 'local',
        options: { root: path.dirname(keyFile) },
      });
      expect(local.status, JSON.stringify(local.body)).toBe(400);
      expect(local.body.code).toBe('validation_failed');
      expect(local.body.message).toContain('not allowed on this platform');
    });
    expect(logLines(cli.output.stdout).filter((line) => line.msg?.includes('vault has no key'))).toEqual([]);
    // The server used the given file as it was (not replaced by a key of its own).
    expect(readFileSync(keyFile, 'utf8')).toBe(keys);
    expect(JSON.parse(keys)).toMatchObject({ format: 'ferry-vault-keys/1', active: 1 });
  }, 40_000);

  it('with FERRY_OUTGOING_ADDRESSES instead of the flag: the connector shows those addresses', async () => {
    const databaseUrl = await (server as PostgresServer).createDatabase();
    const args = ['--database-url', databaseUrl, '--port', '0', '--vault-key-file', makeKeyFile()];
    await withCli(args, { FERRY_OUTGOING_ADDRESSES: '198.51.100.1,198.51.100.2' }, async ({ url }) => {
      const acme = await setUp(url);
      const created = await createSftp(url, acme.orgId, acme.token);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = await call(url, 'GET', `/v1/orgs/${acme.orgId}/connectors/${created.body.id}`, acme.token);
      expect(read.status).toBe(200);
      expect(read.body.outgoingAddresses).toEqual(['198.51.100.1', '198.51.100.2']);
    });
  }, 40_000);
});
