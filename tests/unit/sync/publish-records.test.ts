import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PublishRecords, REFUSED_NAME } from '../../../main/services/sync/publish-records';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';

const look = (size: number, mtimeMs = 1000) => ({ size, mtimeMs, etag: null });

describe('PublishRecords.recordLooks', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('records a page of looks in one transaction: new and changed afresh, unchanged one more stable look', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-records-'));
    const ledger = new SyncLedger(path.join(dir, 'ledger.sqlite'));
    const records = new PublishRecords(ledger);
    try {
      records.refused('b', 'bad\u0001name', 1);
      const transactions = vi.spyOn(ledger, 'transaction');
      const page = Array.from({ length: 1000 }, (_, i) => ({ path: `f${i}.csv`, look: look(i) }));
      records.recordLooks('b', page, 10);
      expect(transactions).toHaveBeenCalledTimes(1);
      expect(records.observation('b', 'f7.csv')).toMatchObject({ size: 7, stableLooks: 0, firstSeenAt: 10 });

      // The next scan: f0 changed, f1 unchanged, the refused name stays refused, a new file appears.
      records.recordLooks(
        'b',
        [
          { path: 'f0.csv', look: look(0, 2000) },
          { path: 'f1.csv', look: look(1) },
          { path: 'new.csv', look: look(5) },
        ],
        20,
      );
      expect(transactions).toHaveBeenCalledTimes(2);
      expect(records.observation('b', 'f0.csv')).toMatchObject({ mtimeMs: 2000, stableLooks: 0, lastSeenAt: 20 });
      expect(records.observation('b', 'f1.csv')).toMatchObject({ stableLooks: 1, lastSeenAt: 20, firstSeenAt: 10 });
      expect(records.observation('b', 'new.csv')).toMatchObject({ stableLooks: 0, firstSeenAt: 20 });
      expect(records.observation('b', 'bad\u0001name')?.stableLooks).toBe(REFUSED_NAME);
      records.recordLooks('b', [], 30);
      expect(transactions).toHaveBeenCalledTimes(2);
    } finally {
      ledger.close();
    }
  });
});
