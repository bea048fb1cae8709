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
  files: { done: 0, failed: 0, skipped: 0 },
  verification: null,
  outcome: null,
  questions: [],
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
      files: { done: 2, failed: 1, skipped: 0 },
      error: { code: 'PermissionDenied', message: 'no', path: 'in/b.csv/x' },
      finishedAt: 5,
    });
    journal.fileDone('b', 'in/b.csv/1', { size: 10, skipped: false });
    journal.fileDone('b', 'in/b.csv/2', { size: 20, skipped: true });
    journal.close();

    const reopened = new TransferJournal(file);
    expect(reopened.all().map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(reopened.all()[1]).toEqual(
      entry('b', {
        state: 'failed',
        kind: 'folder',
        bytes: 1235,
        files: { done: 2, failed: 1, skipped: 0 },
        error: { code: 'PermissionDenied', message: 'no', path: 'in/b.csv/x' },
        finishedAt: 5,
      }),
    );
    expect(reopened.doneFiles('b')).toEqual(
      new Map([
        ['in/b.csv/1', { size: 10, skipped: false }],
        ['in/b.csv/2', { size: 20, skipped: true }],
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

describe('TransferJournal: conflicts (schema 2)', () => {
  it('upgrades a schema 1 journal in place, keeping its transfers and finished files', () => {
    const file = path.join(dir, 'transfers.sqlite');
    const db = new DatabaseSync(file);
    db.exec(`CREATE TABLE transfers (id TEXT PRIMARY KEY, position INTEGER NOT NULL, batch_id TEXT NOT NULL,
      name TEXT NOT NULL, source_connector TEXT NOT NULL, source_path TEXT NOT NULL, destination_connector TEXT NOT NULL,
      destination_path TEXT NOT NULL, kind TEXT, state TEXT NOT NULL, bytes INTEGER NOT NULL DEFAULT 0, total INTEGER,
      files_done INTEGER NOT NULL DEFAULT 0, files_failed INTEGER NOT NULL DEFAULT 0, verification TEXT, error TEXT,
      created_at INTEGER NOT NULL, finished_at INTEGER);
      CREATE TABLE transfer_files (transfer_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
      path TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (transfer_id, path));
      INSERT INTO transfers VALUES ('old', 1, 'b0', 'set', 'sftp-1', 'in/set', 'local-disk', 'dl', 'folder', 'paused',
        7, NULL, 1, 0, NULL, NULL, 1700000000000, NULL);
      INSERT INTO transfer_files VALUES ('old', 'in/set/a', 7);
      PRAGMA user_version = 1;`);
    db.close();
    const journal = new TransferJournal(file);
    expect(journal.all()).toEqual([
      expect.objectContaining({ id: 'old', state: 'paused', files: { done: 1, failed: 0, skipped: 0 }, questions: [] }),
    ]);
    expect(journal.doneFiles('old')).toEqual(new Map([['in/set/a', { size: 7, skipped: false }]]));
    journal.close();
  });

  it('keeps open questions, outcomes, answers and "apply to all" answers across a reopen', () => {
    const file = path.join(dir, 'transfers.sqlite');
    const journal = new TransferJournal(file);
    const question = {
      sourcePath: 'in/a.csv',
      path: 'dl/a.csv',
      existing: { kind: 'file' as const, size: 3, modifiedAt: 1 },
      incoming: { size: 9, modifiedAt: 2 },
      choices: ['overwrite' as const, 'skip' as const],
    };
    journal.insert([entry('a', { state: 'waiting', questions: [question] }), entry('b', { batchId: 'b2' })]);
    journal.update('b', { state: 'done', outcome: { kind: 'keptBoth', name: 'b (2).csv' } });
    journal.answer('a', 'in/a.csv', 'skip');
    journal.setBatchAnswer('b1', 'keepBoth');
    journal.setBatchAnswer('b2', 'overwrite');
    journal.close();

    const reopened = new TransferJournal(file);
    expect(reopened.all()[0]).toMatchObject({ state: 'waiting', questions: [question] });
    expect(reopened.all()[1]).toMatchObject({ outcome: { kind: 'keptBoth', name: 'b (2).csv' } });
    expect(reopened.answers('a')).toEqual(new Map([['in/a.csv', 'skip']]));
    expect(reopened.batchAnswers()).toEqual(
      new Map([
        ['b1', 'keepBoth'],
        ['b2', 'overwrite'],
      ]),
    );
    // Clearing a batch's last transfer forgets its answers.
    reopened.update('a', { questions: [] });
    expect(reopened.all()[0]!.questions).toEqual([]);
    reopened.remove(['b']);
    expect(reopened.batchAnswers()).toEqual(new Map([['b1', 'keepBoth']]));
    reopened.remove(['a']);
    expect(reopened.answers('a').size).toBe(0);
    reopened.close();
  });
});
