import { type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFerry, type FerryRun } from '../../kit/ferry-process';
import { connectorEnv, sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const MiB = 1024 * 1024;

let base = '';
let sshd: SshdServer | undefined;
let data = Buffer.alloc(0);

/** Starts the real `ferry` launcher; `whileRunning` acts on the server while the copy runs. */
async function ferry(
  args: readonly string[],
  whileRunning?: (child: ChildProcess) => Promise<void>,
): Promise<FerryRun> {
  const server = sshd!;
  const { child, finished } = startFerry(args, {
    cwd: base,
    configHome: path.join(base, 'xdg'),
    env: connectorEnv('depot', 'sftp', sshdSftpOptions(server)),
  });
  await whileRunning?.(child);
  return finished;
}

/** The bytes the hidden partial holds in a folder of the server (0 while there is none). */
async function partialBytes(folder = ''): Promise<number> {
  const where = path.join(sshd!.root, folder);
  const names = await readdir(where).then(
    (all) => all.filter((n) => n.startsWith('.ferry-partial-')),
    () => [],
  );
  if (names.length === 0) return 0;
  return (await stat(path.join(where, names[0]!))).size;
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-cli-lost-'));
  data = randomBytes(48 * MiB);
  await writeFile(path.join(base, 'big.bin'), data);
  if (sshdAvailable.available) sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.dispose();
  await rm(base, { recursive: true, force: true });
});

describe.skipIf(!sshdAvailable.available)('ferry cp when the SFTP server goes away (OpenSSH sshd)', () => {
  it('fails with a non-zero exit and a message when sshd and its sessions are killed mid-copy, then resumes', async () => {
    const server = sshd!;
    let killedAt = 0;
    const cut = await ferry(['cp', 'big.bin', 'depot:big.bin', '--bwlimit', '16M', '--retries', '2'], async () => {
      const deadline = Date.now() + 30_000;
      while ((killedAt = await partialBytes()) < 12 * MiB) {
        if (Date.now() > deadline) throw new Error('the copy did not start');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // The listener AND its session processes, as a crash or a reboot would.
      await server.stop();
    });
    expect(killedAt).toBeLessThan(data.length);
    expect(cut.code, `stdout: ${cut.stdout}\nstderr: ${cut.stderr}`).toBe(1);
    expect(cut.stdout).not.toContain('Copied');
    expect(cut.stderr).toMatch(
      /^ferry: Copying to big.bin failed after 2 attempts: .*(connection|refused).*run the same copy again .*resumes/im,
    );
    expect(cut.stderr).not.toMatch(/Retryable|ferry-partial/);
    const left = await readdir(server.root);
    expect(left).not.toContain('big.bin');
    // The partial stays for a later copy to resume (a lost connection is worth retrying).
    expect(left.filter((n) => n.startsWith('.ferry-partial-'))).toHaveLength(1);

    await server.start();
    const again = await ferry(['cp', 'big.bin', 'depot:big.bin']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/verified sha256 by the server, resumed 1x\./);
    const copied = await readFile(path.join(server.root, 'big.bin'));
    expect(createHash('sha256').update(copied).digest('hex')).toBe(createHash('sha256').update(data).digest('hex'));
    expect((await readdir(server.root)).filter((n) => n.startsWith('.ferry-'))).toEqual([]);
  }, 120_000);

  it('Ctrl-C mid-copy exits non-zero, says it was cancelled and removes the partial', async () => {
    const run = await ferry(['cp', 'big.bin', 'depot:cancel/big.bin', '--bwlimit', '16M'], async (child) => {
      const deadline = Date.now() + 30_000;
      while ((await partialBytes('cancel')) < 8 * MiB) {
        if (Date.now() > deadline) throw new Error('the copy did not start');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      child.kill('SIGINT');
    });
    expect(run.code, run.stderr).not.toBe(0);
    expect(run.stdout).not.toContain('Copied');
    expect(run.stderr).toMatch(/cancelled/i);
    expect(await readdir(path.join(sshd!.root, 'cancel'))).toEqual([]);
  }, 60_000);
});
