// A publish binding's change cursor in binding_state: saved and forgotten, a ledger of before the column upgraded.
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { bindingState, recordRun, saveChangeCursor } from '../../../main/services/sync/binding-state';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TempFolders } from './sync-test-kit';

const temp = new TempFolders();

describe('the change cursor in binding_state', () => {
  afterAll(() => temp.removeAll());

  it('is saved with its scope and forgotten; a run that knows no file count keeps the last one', () => {
    const ledger = new SyncLedger(':memory:');
    try {
      expect(bindingState(ledger, 'b').changeCursor).toBeNull();
      recordRun(ledger, 'b', 7, 1000);
      saveChangeCursor(ledger, 'b', { cursor: 'drive~42', scope: '["drive","out",[],[]]' });
      expect(bindingState(ledger, 'b')).toMatchObject({
        lastFileCount: 7,
        changeCursor: { cursor: 'drive~42', scope: '["drive","out",[],[]]' },
      });
      recordRun(ledger, 'b', null, 2000);
      expect(bindingState(ledger, 'b')).toMatchObject({ lastRunAt: 2000, lastFileCount: 7 });
      saveChangeCursor(ledger, 'b', null);
      expect(bindingState(ledger, 'b').changeCursor).toBeNull();
    } finally {
      ledger.close();
    }
  });

  it('a ledger made before the column gains it and keeps its rows', () => {
    const file = path.join(temp.make('ferry-ledger-upgrade-'), 'sync-ledger.sqlite');
    const old = new DatabaseSync(file);
    old.exec(`CREATE TABLE binding_state (binding_id TEXT PRIMARY KEY, feed_after INTEGER NOT NULL DEFAULT 0,
      target_id TEXT, last_run_at INTEGER, last_file_count INTEGER);
      INSERT INTO binding_state (binding_id, last_file_count) VALUES ('b', 3);
      PRAGMA user_version = 1;`);
    old.close();
    const ledger = new SyncLedger(file);
    try {
      expect(bindingState(ledger, 'b')).toMatchObject({ lastFileCount: 3, changeCursor: null });
      saveChangeCursor(ledger, 'b', { cursor: 'c', scope: 's' });
      expect(bindingState(ledger, 'b').changeCursor).toEqual({ cursor: 'c', scope: 's' });
    } finally {
      ledger.close();
    }
    // Opening it again changes nothing.
    const again = new SyncLedger(file);
    expect(bindingState(again, 'b').changeCursor).toEqual({ cursor: 'c', scope: 's' });
    again.close();
  });
});
