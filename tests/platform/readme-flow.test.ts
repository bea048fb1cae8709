// platform/README.md's "Offers, subscriptions and deliveries with curl" runs as written after the first steps, the
// SFTP connector and the upload lines (only addresses, the SFTP password and the buyer's folder swapped for a local
// platform, a real sshd and a temporary folder): a file put in the provider's SFTP folder reaches the buyer's folder
// with its receipt, and a one-shot offer's file downloads through its link with the right SHA-256.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/start-platform';
import { requireServer } from '../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../servers/sshd-server';

const README = path.join(__dirname, '../../platform/README.md');
const SECTION = '## Offers, subscriptions and deliveries with curl';
const NEW_FILE = 'prices-2026-12-07.csv';
const curl = requireServer('curl', '/usr/bin/curl', 'apt-get install curl');
const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

/** Whether curl speaks SFTP (the README puts the provider's file with it); under CI its absence is a failure. */
function curlSpeaksSftp(): boolean {
  if (!curl.available) return false;
  const speaks = /^Protocols:.*\bsftp\b/m.test(execFileSync('curl', ['-V'], { encoding: 'utf8' }));
  if (!speaks && process.env.CI === 'true') throw new Error('CI=true and curl has no SFTP support (libssh2)');
  return speaks;
}
const runnable = curl.available && sshdAvailable.available && curlSpeaksSftp();

/** Replaces `literal` in the script, failing when the README no longer holds it (the test must follow). */
function swap(script: string, literal: string, by: string): string {
  expect(script, `platform/README.md no longer has ${literal}`).toContain(literal);
  return script.split(literal).join(by);
}

/** The sh blocks of some markdown, in order. */
function shBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}

/**
 * The README's lines in a user's order: first steps, the SFTP connector, this section up to the one-shot offer's
 * creation, the upload lines of the uploads section (the file uploaded into it), then the rest of this section.
 */
function readmeScript(): string {
  const readme = readFileSync(README, 'utf8');
  const all = shBlocks(readme);
  const first = all.find((block) => block.includes('/v1/setup'));
  const connectors = all.find((block) => block.includes('/connectors/$C/trust'));
  const upload = all.find((block) => block.includes('/offers/$OFFER/uploads'));
  expect(readme, 'the flow section').toContain(SECTION);
  const section = shBlocks(readme.split(SECTION)[1]!.split('\n## ')[0]!);
  const oneShot = section.findIndex((block) => block.includes('"kind":"one-shot"'));
  expect([first, connectors, upload].every(Boolean), 'first steps, connector and upload blocks').toBe(true);
  expect(oneShot, 'the one-shot offer block').toBeGreaterThan(0);
  return [first, connectors, ...section.slice(0, oneShot + 1), upload, ...section.slice(oneShot + 1)].join('\n');
}

/** Every file below `dir`, as paths relative to it. */
function filesBelow(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.posix.join(prefix, entry.name);
    return entry.isDirectory() ? filesBelow(dir, relative) : [relative];
  });
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let sshd: SshdServer | undefined;
let platform: RunningPlatform | undefined;
let parent = '';

beforeAll(async () => {
  if (!runnable) return;
  sshd = await startSshd();
  const upload = path.join(sshd.root, 'upload');
  mkdirSync(upload);
  chownSync(upload, sshd.user.uid, sshd.user.gid);
  parent = mkdtempSync(path.join(os.tmpdir(), 'ferry-readme-flow-'));
  platform = await startPlatform({ dataDir: path.join(parent, 'platform'), port: 0, logger: false });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await sshd?.dispose();
  if (parent !== '') rmSync(parent, { recursive: true, force: true });
});

describe.skipIf(!runnable)("platform/README.md's offers, subscriptions and deliveries lines", () => {
  it('deliver a file from the SFTP folder to the buyer with its receipt; download a one-shot file by its link', async () => {
    const server = sshd!;
    const work = path.join(parent, 'work');
    const incoming = path.join(parent, 'globex-incoming');
    mkdirSync(work);
    // The file the one-shot offer sells, uploaded by the uploads section's lines from the current folder.
    const oneShotBytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
    writeFileSync(path.join(work, 'prices.csv'), oneShotBytes);
    let script = readmeScript();
    script = swap(script, 'API=http://127.0.0.1:8750', `API=${platform!.url}`);
    script = swap(
      script,
      '"host":"sftp.example.org","port":22,"username":"acme","root":"/"',
      `"host":"127.0.0.1","port":${server.port},"username":"${server.user.name}","root":"${server.root}"`,
    );
    script = swap(script, "-u 'acme:the account password'", `-u '${server.user.name}:the account password'`);
    script = swap(script, 'the account password', server.user.password);
    script = swap(script, 'sftp://sftp.example.org/upload/', `sftp://127.0.0.1:${server.port}${server.root}/upload/`);
    script = swap(script, 'IN=$HOME/globex-incoming', `IN=${incoming}`);
    // Asynchronously: the platform answers curl from this very process.
    const run = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: work,
      encoding: 'utf8',
      timeout: 200_000,
      env: { ...process.env, PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`the README's lines failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const out = run.stdout;

    // The provider's file went to its SFTP folder; a scan took it once it looked the same twice.
    const provided = readFileSync(path.join(server.root, 'upload', NEW_FILE));
    expect(provided.toString()).toBe('sku,price\nA,1.10\nB,2.20\n');
    expect(out).toContain('Daily prices: published');
    expect(out).toContain('Daily prices (subscription) by Acme');
    expect(out).toMatch(/^scan succeeded, added: /m);

    // The buyer's folder holds the file byte for byte and its receipt, and nothing else.
    const files = filesBelow(incoming).sort();
    const delivered = files.find((file) => file.endsWith(`/${NEW_FILE}`));
    expect(delivered, files.join('\n')).toMatch(new RegExp(`^prices/Daily prices/\\d{4}/\\d{2}/${NEW_FILE}$`));
    expect(files).toEqual([delivered, `${delivered}.ferry-receipt.json`]);
    expect(readFileSync(path.join(incoming, delivered!)).equals(provided)).toBe(true);
    const receipt = JSON.parse(readFileSync(path.join(incoming, `${delivered}.ferry-receipt.json`), 'utf8'));
    expect(receipt).toMatchObject({
      ferryDeliveryReceipt: 1,
      file: { name: NEW_FILE, pathInOffer: NEW_FILE },
      path: delivered,
      conflict: false,
      size: provided.length,
      sha256: sha256(provided),
      offer: { title: 'Daily prices' },
    });
    expect(receipt.providerOrgId).not.toBe(receipt.buyerOrgId);
    // The README's own checks: the receipt printed, the delivered bytes against it, the download against the feed.
    expect(out).toContain(`"deliveryId": "${receipt.deliveryId}"`);
    expect(out).toContain(`${path.join(incoming, delivered!)}: OK`);
    expect(out).toContain('Prices 2026: published, files: 1');
    expect(out).toContain('globex/prices.csv: OK');
    const downloaded = readFileSync(path.join(work, 'globex', 'prices.csv'));
    expect(sha256(downloaded)).toBe(sha256(oneShotBytes));
    expect(downloaded.equals(oneShotBytes)).toBe(true);
    // The SFTP password went in and never came back.
    expect(out).not.toContain(server.user.password);
  }, 240_000);
});
