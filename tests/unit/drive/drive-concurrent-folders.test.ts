// Two Drive drivers (two delivery jobs, two platform instances) writing into the same new folder at the same time:
// Drive allows two folders of one name, so each racer must converge on one, or the path is a Conflict for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { readAll, streamOf } from '../../kit/test-streams';

describe('Drive folders created by several drivers at once (the Drive v3 FAKE, see its README)', () => {
  let guard: LoopbackGuard;
  let drive: DriveFakeConnector;

  beforeAll(async () => {
    guard = installLoopbackOnly();
    drive = await startDriveFakeConnector();
  });

  afterAll(async () => {
    await drive?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('four drivers writing under one new folder tree leave one folder of each name, every file in it', async () => {
    const drivers = Array.from({ length: 4 }, () => new DriveDriver(drive.options));
    try {
      await Promise.all(
        drivers.map((d, i) => d.write(`feeds/Prices/day-${i}.csv`, streamOf(`day ${i}\n`), { size: 6 })),
      );
      for (const name of ['feeds', 'Prices']) {
        const untrashed = drive.fake.filesNamed(name);
        expect(untrashed, `folders named ${name}`).toHaveLength(1);
      }
      const reader = new DriveDriver(drive.options);
      try {
        const page = await reader.list('feeds/Prices');
        expect(page.rejected).toEqual([]);
        expect(page.entries.map((e) => e.name)).toEqual(['day-0.csv', 'day-1.csv', 'day-2.csv', 'day-3.csv']);
        for (let i = 0; i < 4; i++) {
          expect((await readAll(await reader.read(`feeds/Prices/day-${i}.csv`))).toString()).toBe(`day ${i}\n`);
        }
      } finally {
        await reader.close();
      }
    } finally {
      await Promise.all(drivers.map((d) => d.close()));
    }
  });
});
