import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHash, hasMkdir, hasRename } from '../../../connectors/capabilities';
import { type CredentialPort } from '../../../connectors/config/credential-port';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { MemoryResumeStateStore } from '../../../connectors/resume-state-store';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { readAll } from '../../kit/test-streams';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';

// Google Drive as the app, the platform and the CLI get it: raw options (strings, as a form or a flag gives them)
// through the default registry, whose Drive driver loads @googleapis/drive on first use. Runs against the FAKE.
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe('drive from the default registry (Drive v3 fake)', () => {
  const guard = installLoopbackOnly();
  const account = createServiceAccount('ferry-registry');
  let fake: DriveFake;
  let driveId: string;

  beforeAll(async () => {
    fake = await startDriveFake([account]);
    driveId = fake.createSharedDrive('Exchange');
  });

  afterAll(async () => {
    await fake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('validates raw options, loads lazily and round-trips a file through a resumable session', async () => {
    const resumeStore = new MemoryResumeStateStore();
    const saved: string[] = [];
    const credentials: CredentialPort = { save: async (option) => void saved.push(option) };
    const driver = createDefaultRegistry().create(
      {
        kind: 'drive',
        options: {
          serviceAccountJson: account.json,
          driveId,
          apiEndpoint: fake.endpoint,
          simpleUploadThresholdMiB: '1',
          chunkSizeMiB: '1',
        },
      },
      { resumeStore, credentials },
    );
    expect([hasHash(driver), hasMkdir(driver), hasRename(driver)]).toEqual([true, true, true]);
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const written = await driver.write('in/big.bin', Readable.from([data]), { size: data.length, hashes: ['sha256'] });
    expect(written).toMatchObject({
      size: data.length,
      hashes: { sha256: sha256(data) },
      stored: { sha256: sha256(data) },
    });
    expect(fake.requests.filter((r) => r.startsWith('PUT /upload/drive/v3/files?uploadType=resumable'))).toHaveLength(
      4,
    );
    expect(sha256(await readAll(await driver.read('in/big.bin')))).toBe(sha256(data));
    if (!hasHash(driver)) throw new Error('the Drive driver announces hashes');
    expect(await driver.hash('in/big.bin', 'sha256')).toBe(sha256(data));
    expect(resumeStore.states.size).toBe(0);
    const report = await driver.check({ write: true });
    expect(report.steps.filter((step) => step.status === 'failed')).toEqual([]);
    expect(saved).toEqual([]);
    await driver.close();
  });

  it('refuses an unknown Google Docs mode at creation, and a missing key on first use, as bad input', async () => {
    const registry = createDefaultRegistry();
    expect(() =>
      registry.create({ kind: 'drive', options: { serviceAccountJson: account.json, googleDocs: 'html' } }),
    ).toThrow(/googleDocs/);
    const keyless = registry.create({ kind: 'drive', options: { driveId, apiEndpoint: fake.endpoint } });
    const error = await keyless.list('').then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(error).toMatchObject({
      code: 'InvalidInput',
      message: 'A service account key (JSON) is needed to sign in with a service account.',
    });
    await keyless.close();
  });
});
