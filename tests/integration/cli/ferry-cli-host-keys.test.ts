import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';
import { connectorEnv, sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

let base = '';
let sshd: SshdServer | undefined;
let other: SshdServer | undefined;

/** Runs the real `ferry` launcher with its own config folder (so its own known-hosts.json). */
const ferry = (args: readonly string[], env: Record<string, string>, xdg: string): Promise<FerryRun> =>
  runFerry(args, { cwd: base, configHome: path.join(base, xdg), env });

const depot = (server: SshdServer, extra: Record<string, string> = {}): Record<string, string> => ({
  ...connectorEnv('depot', 'sftp', sshdSftpOptions(server, { pin: false })),
  ...extra,
});

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-cli-keys-'));
  if (sshdAvailable.available) [sshd, other] = await Promise.all([startSshd(), startSshd()]);
});

afterAll(async () => {
  await Promise.all([sshd?.dispose(), other?.dispose()]);
  await rm(base, { recursive: true, force: true });
});

describe.skipIf(!sshdAvailable.available)('ferry and SSH host keys (OpenSSH sshd)', () => {
  it('prints the host key it trusts on first use and where it saved it, then stays quiet', async () => {
    const first = await ferry(['ls', 'depot:'], depot(sshd!), 'tofu');
    expect(first.code, first.stderr).toBe(0);
    const known = path.join(base, 'tofu', 'ferry', 'known-hosts.json');
    expect(first.stderr.trim()).toBe(
      `ferry: Trusted new SSH host key for 127.0.0.1:${sshd!.port} on first use: ${sshd!.hostKeyFingerprint} ` +
        `(saved in ${known}; pin it with FERRY_CONNECTOR_DEPOT_HOST_KEY_FINGERPRINT, or refuse unknown keys with --no-tofu)`,
    );
    expect(JSON.parse(await readFile(known, 'utf8'))).toEqual({
      [`sftp:127.0.0.1:${sshd!.port}`]: sshd!.hostKeyFingerprint,
    });
    const again = await ferry(['ls', 'depot:'], depot(sshd!), 'tofu');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe('');
  });

  it('refuses an unknown host key with --no-tofu or FERRY_NO_TOFU=1, showing it and how to pin it', async () => {
    for (const [args, env] of [
      [['ls', 'depot:', '--no-tofu'], depot(sshd!)],
      [['ls', 'depot:'], depot(sshd!, { FERRY_NO_TOFU: '1' })],
    ] as const) {
      const run = await ferry(args, env, 'strict');
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(`host key ${sshd!.hostKeyFingerprint} is not trusted`);
      expect(run.stderr).toContain(`FERRY_CONNECTOR_DEPOT_HOST_KEY_FINGERPRINT=${sshd!.hostKeyFingerprint}`);
      await expect(readFile(path.join(base, 'strict', 'ferry', 'known-hosts.json'))).rejects.toThrow(/ENOENT/);
    }
    const pinned = await ferry(
      ['ls', 'depot:', '--no-tofu'],
      depot(sshd!, { FERRY_CONNECTOR_DEPOT_HOST_KEY_FINGERPRINT: sshd!.hostKeyFingerprint }),
      'strict',
    );
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stderr).toBe('');
  });

  it('says a first connection does not match the pinned fingerprint, not that the key changed', async () => {
    const run = await ferry(
      ['ls', 'depot:'],
      depot(sshd!, { FERRY_CONNECTOR_DEPOT_HOST_KEY_FINGERPRINT: other!.hostKeyFingerprint }),
      'mismatch',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `does not match the pinned fingerprint ${other!.hostKeyFingerprint}; the server presented ${sshd!.hostKeyFingerprint}`,
    );
    expect(run.stderr).not.toMatch(/changed/);
  });

  it('refuses a malformed pin before connecting, naming the accepted format', async () => {
    const bare = sshd!.hostKeyFingerprint.replace(/^SHA256:/, 'MD5:');
    const run = await ferry(
      ['ls', 'depot:'],
      depot(sshd!, { FERRY_CONNECTOR_DEPOT_HOST_KEY_FINGERPRINT: bare }),
      'malformed',
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ferry: .*hostKeyFingerprint/);
    expect(run.stderr).toContain('expected "SHA256:" and 43 base64 characters');
  });
});
