import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore } from '../../../main/services/secrets/keychain-secret-store';
import { openSecretStore } from '../../../main/services/secrets/open-secret-store';

// Against the real OS keychain: GNOME Keyring over D-Bus under CI (scripts/with-keyring.sh), the desktop's elsewhere.
const service = `ferry-test-${randomUUID()}`;
const root = path.resolve(__dirname, '../../..');
const keychain = await KeychainSecretStore.open(service).catch((error: unknown) => error as Error);
const missing = keychain instanceof Error ? keychain.message : undefined;
if (missing && process.env['CI'] === 'true') {
  throw new Error(`CI requires an OS keychain (run under scripts/with-keyring.sh): ${missing}`);
}
if (missing) console.warn(`Skipping keychain tests: ${missing}`);

describe.skipIf(missing !== undefined)('KeychainSecretStore (real keychain)', () => {
  const store = keychain as KeychainSecretStore;

  it('stores, reads, replaces and deletes a secret', async () => {
    const name = `connector:${randomUUID()}:password`;
    expect(await store.has(name)).toBe(false);
    await store.set(name, 'pässwörd with spaces & ünïcode');
    expect(await store.get(name)).toBe('pässwörd with spaces & ünïcode');
    await store.set(name, 'second');
    expect(await store.get(name)).toBe('second');
    await store.delete(name);
    expect(await store.get(name)).toBeUndefined();
    await store.delete(name); // deleting twice is fine
  });

  it('keeps secrets apart by service and name, and survives a new store instance', async () => {
    const name = `session:${randomUUID()}`;
    await store.set(name, 'token-a');
    const again = await KeychainSecretStore.open(service);
    expect(await again.get(name)).toBe('token-a');
    const other = await KeychainSecretStore.open(`${service}-other`);
    expect(await other.get(name)).toBeUndefined();
    await store.delete(name);
  });

  it('keeps a long secret (a private key) intact', async () => {
    const name = `connector:${randomUUID()}:privateKey`;
    const key = `-----BEGIN OPENSSH PRIVATE KEY-----\n${'A'.repeat(3000)}\n-----END OPENSSH PRIVATE KEY-----\n`;
    await store.set(name, key);
    expect(await store.get(name)).toBe(key);
    await store.delete(name);
  });

  it('is what openSecretStore picks when the keychain works', async () => {
    const opened = await openSecretStore(service);
    expect(opened.store.backend).toBe('keychain');
    expect(opened.keychainProblem).toBeUndefined();
  });
});

describe('without a keychain', () => {
  it.runIf(process.platform === 'linux')(
    'says so plainly and falls back to session memory, never to a file or the kernel keyring',
    () => {
      // A fresh process whose D-Bus session does not exist: Secret Service cannot answer.
      const script = `
        import { openSecretStore } from './main/services/secrets/open-secret-store';
        void openSecretStore('ferry-test').then(async ({ store, keychainProblem }) => {
          await store.set('a', 'b');
          console.log(JSON.stringify({ backend: store.backend, keychainProblem, value: await store.get('a') }));
        });`;
      const run = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['--eval', script], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/ferry-bus' },
      });
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, string>;
      expect(result['backend']).toBe('session');
      expect(result['keychainProblem']).toMatch(/Secret Service/);
      expect(result['value']).toBe('b');
    },
  );
});
