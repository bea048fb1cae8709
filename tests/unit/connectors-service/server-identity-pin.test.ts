import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServerIdentityError, verifyServerIdentity } from '../../../connectors/server-identity';
import { sameSshFingerprint } from '../../../connectors/sftp/ssh-fingerprint';
import { FileTrustStore } from '../../../main/cli/file-trust-store';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-pin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PIN = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';
const SEEN = 'SHA256:AAAAztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';

describe('a pinned fingerprint that does not match', () => {
  it('says it does not match the pin (not that the key changed) and remembers nothing', async () => {
    const trustStore = new FileTrustStore(path.join(dir, 'pin.json'));
    const error = await verifyServerIdentity(
      { what: 'host key', pinned: PIN, trustStore, trustKey: 'sftp:h:22', same: sameSshFingerprint },
      SEEN,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerIdentityError);
    expect(error).toMatchObject({ problem: 'changed', againstPin: true, expected: PIN, fingerprint: SEEN });
    expect((error as Error).message).toBe(
      `The server's host key does not match the pinned fingerprint ${PIN}; the server presented ${SEEN}.`,
    );
    expect(await trustStore.get('sftp:h:22')).toBeUndefined();
  });

  it('still calls a key different from the remembered one a change', async () => {
    const trustStore = new FileTrustStore(path.join(dir, 'remembered.json'));
    await trustStore.set('sftp:h:22', PIN);
    const error = await verifyServerIdentity(
      { what: 'host key', trustStore, trustKey: 'sftp:h:22', same: sameSshFingerprint },
      SEEN,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'changed', againstPin: false });
    expect((error as Error).message).toMatch(/^The server's host key changed: it presented/);
  });
});
