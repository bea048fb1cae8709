import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { uploadFingerprint } from '../../../main/services/offer-uploads/upload-fingerprint';
import {
  UPLOAD_URL_MAX_AGE_MS,
  UploadUrlStore,
  uploadUrlStorePath,
} from '../../../main/services/offer-uploads/upload-url-store';

const DAY = 24 * 60 * 60 * 1000;

const upload = (url: string) => ({
  size: 10,
  metadata: { filename: 'a.csv', path: 'a.csv', sha256: 'ab'.repeat(32) },
  creationTime: 'Sun Dec 06 2026',
  urlStorageKey: '',
  uploadUrl: url,
  parallelUploadUrls: null,
});

describe('the offer upload URL store (node:sqlite)', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ferry-upload-store-'));
    file = uploadUrlStorePath(path.join(dir, 'data'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps uploads across handles (a restart), newest first per fingerprint, in WAL mode', async () => {
    let now = 1_000_000;
    const first = new UploadUrlStore(file, () => now);
    await first.addUpload('fp-1', upload('http://p/uploads/old'));
    now += 1000;
    const key = await first.addUpload('fp-1', upload('http://p/uploads/new'));
    await first.addUpload('fp-2', upload('http://p/uploads/other'));
    first.close();

    const second = new UploadUrlStore(file, () => now);
    try {
      const found = await second.findUploadsByFingerprint('fp-1');
      expect(found.map((u) => u.uploadUrl)).toEqual(['http://p/uploads/new', 'http://p/uploads/old']);
      expect(found[0]).toEqual({ ...upload('http://p/uploads/new'), urlStorageKey: key });
      expect((await second.findAllUploads()).map((u) => u.uploadUrl)).toEqual([
        'http://p/uploads/old',
        'http://p/uploads/new',
        'http://p/uploads/other',
      ]);
      await second.removeUpload(key);
      expect((await second.findUploadsByFingerprint('fp-1')).map((u) => u.uploadUrl)).toEqual(['http://p/uploads/old']);
      second.removeByFingerprint('fp-1');
      expect((await second.findAllUploads()).map((u) => u.uploadUrl)).toEqual(['http://p/uploads/other']);
    } finally {
      second.close();
    }
    const raw = new DatabaseSync(file);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
  });

  it('forgets uploads older than the maximum age when opened', async () => {
    let now = 10 * UPLOAD_URL_MAX_AGE_MS;
    const store = new UploadUrlStore(file, () => now);
    await store.addUpload('fp-old', upload('http://p/uploads/old'));
    now += UPLOAD_URL_MAX_AGE_MS - DAY;
    await store.addUpload('fp-recent', upload('http://p/uploads/recent'));
    store.close();
    now += 2 * DAY;
    const reopened = new UploadUrlStore(file, () => now);
    try {
      expect((await reopened.findAllUploads()).map((u) => u.uploadUrl)).toEqual(['http://p/uploads/recent']);
    } finally {
      reopened.close();
    }
  });

  it('refuses a store written by a newer Ferry', () => {
    new UploadUrlStore(file).close();
    const raw = new DatabaseSync(file);
    raw.exec('PRAGMA user_version = 99');
    raw.close();
    expect(() => new UploadUrlStore(file)).toThrow(/newer Ferry \(schema 99\)/);
  });

  it('fingerprints differ by platform, organisation, offer, path, size and SHA-256 (not by a trailing slash)', () => {
    const base = {
      platformUrl: 'https://ferry.example.org',
      orgId: 'org_1',
      offerId: 'off_1',
      path: 'a/b.csv',
      size: 42,
      sha256: 'ab'.repeat(32),
    };
    const changes = [
      { platformUrl: 'https://other.example.org' },
      { orgId: 'org_2' },
      { offerId: 'off_2' },
      { path: 'a/c.csv' },
      { size: 43 },
      { sha256: 'cd'.repeat(32) },
    ];
    const keys = new Set([base, ...changes.map((c) => ({ ...base, ...c }))].map(uploadFingerprint));
    expect(keys.size).toBe(changes.length + 1);
    expect(uploadFingerprint({ ...base, platformUrl: 'https://ferry.example.org/' })).toBe(uploadFingerprint(base));
  });
});
