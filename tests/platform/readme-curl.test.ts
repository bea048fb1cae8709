// platform/README.md's curl lines run as written (only the address, the SFTP server and its password swapped for a
// local platform and a real sshd): set up an organisation, then create, test, trust and browse an SFTP connector.
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/start-platform';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';

const README = path.join(__dirname, '../../platform/README.md');
const curl = requireServer('curl', '/usr/bin/curl', 'apt-get install curl');
const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

/** Replaces `literal` in the README's script, failing when the README no longer holds it (the test must follow). */
function swap(script: string, literal: string, by: string): string {
  expect(script, `platform/README.md no longer has ${literal}`).toContain(literal);
  return script.split(literal).join(by);
}

/** The README's shell blocks: the first steps (setup, sign-in) and the organisation connector lines. */
function readmeScript(): string {
  const blocks = [...readFileSync(README, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const first = blocks.find((block) => block.includes('/v1/setup'));
  const connectors = blocks.find((block) => block.includes('/connectors/$C/trust'));
  expect(first, 'the first-steps block').toBeDefined();
  expect(connectors, 'the organisation connector block').toBeDefined();
  return `${first}\n${connectors}`;
}

let sshd: SshdServer | undefined;
let platform: RunningPlatform | undefined;
let parent = '';

beforeAll(async () => {
  if (!curl.available || !sshdAvailable.available) return;
  sshd = await startSshd();
  const upload = path.join(sshd.root, 'upload');
  mkdirSync(upload);
  writeFileSync(path.join(upload, 'prices-2026-12.csv'), 'sku,price\nA,1\n');
  chownSync(upload, sshd.user.uid, sshd.user.gid);
  parent = mkdtempSync(path.join(os.tmpdir(), 'ferry-readme-'));
  platform = await startPlatform({ dataDir: path.join(parent, 'platform'), port: 0, logger: false });
}, 60_000);

afterAll(async () => {
  await platform?.stop();
  await sshd?.dispose();
  if (parent !== '') rmSync(parent, { recursive: true, force: true });
});

describe.skipIf(!curl.available || !sshdAvailable.available)("platform/README.md's curl lines", () => {
  it('set up an organisation, then create, test, trust and browse an SFTP organisation connector', async () => {
    const server = sshd!;
    let script = readmeScript();
    script = swap(script, 'API=http://127.0.0.1:8750', `API=${platform!.url}`);
    script = swap(
      script,
      '"host":"sftp.example.org","port":22,"username":"acme","root":"/"',
      `"host":"127.0.0.1","port":${server.port},"username":"${server.user.name}","root":"${server.root}"`,
    );
    script = swap(script, 'the account password', server.user.password);
    // Asynchronously: the platform answers curl from this very process.
    const run = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the README's lines failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const out = run.stdout;
    // The fingerprint the first test showed, echoed for comparison, then pinned by trust.
    expect(out).toContain(server.hostKeyFingerprint.replace(/=+$/, ''));
    expect(out).toMatch(/what: 'host key'/);
    // The second test passes every step it runs, read-only.
    expect(out).toContain('ok Secure handshake');
    expect(out).toContain(`ok Sign in: signed in as ${server.user.name}`);
    expect(out).toContain('ok List the folder');
    expect(out).not.toMatch(/^failed /m);
    // The listing of upload/.
    expect(out).toContain("path: 'upload/prices-2026-12.csv'");
    // The password went in and never came back.
    expect(out).not.toContain(server.user.password);
  });
});
