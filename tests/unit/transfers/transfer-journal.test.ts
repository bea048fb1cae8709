import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JournalEntry, TransferJournal } from '../../../main/services/transfers/transfer-journal';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const entry = (id: string, extra: Partial<JournalEntry> = {}): JournalEntry => ({
  id,
  batchId: 'b1',
  name: `${id}.csv`,
  source: { connectorId: 'sftp-1', path: `in/${id}.csv` },
  destination: { connectorId: 'local-disk', path: 'home/me/Downloads' },
  kind: null,
  state: 'queued',
  bytes: 0,
  total: null,
  files: { done: 0, failed: 0 },
  verification: null,
  error: null,
  createdAt: 1_700_000_000_000,
  finishedAt: null,
  ...extra,
});

describe('TransferJournal', () => {
  it('keeps transfers in order with their changes and finished files across a reopen', () => {
    const file = path.join(dir, 'nested', 'transfers.sqlite');
    const journal = new TransferJournal(file);
    journal.insert([entry('a'), entry('b')]);
    journal.insert([entry('c')]);
    journal.update('b', {
      state: 'failed',
      kind: 'folder',
      bytes: 1234.6,
      files: { done: 2, failed: 1 },
      error: { code: 'PermissionDenied', message: 'no', path: 'in/b.csv/x' },
      finishedAt: 5,
    });
    journal.fileDone('b', 'in/b.csv/1', 10);
    journal.fileDone('b', 'in/b.csv/2', 20);
    journal.close();

    const reopened = new TransferJournal(file);
    expect(reopened.all().map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(reopened.all()[1]).toEqual(
      entry('b', {
        state: 'failed',
        kind: 'folder',
        bytes: 1235,
        files: { done: 2, failed: 1 },
        error: { code: 'PermissionDenied', message: 'no', path: 'in/b.csv/x' },
        finishedAt: 5,
      }),
    );
    expect(reopened.doneFiles('b')).toEqual(
      new Map([
        ['in/b.csv/1', 10],
        ['in/b.csv/2', 20],
      ]),
    );
    reopened.remove(['b']);
    expect(reopened.doneFiles('b').size).toBe(0);
    expect(reopened.all().map((e) => e.id)).toEqual(['a', 'c']);
    reopened.close();
  });

  it('refuses a journal written by a newer Ferry instead of damaging it', () => {
    const file = path.join(dir, 'transfers.sqlite');
    const db = new DatabaseSync(file);
    db.exec('PRAGMA user_version = 99');
    db.close();
    expect(() => new TransferJournal(file)).toThrow(/newer Ferry/);
  });
});
