import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileResumeStateStore } from '../../../connectors/file-resume-state-store';

describe('FileResumeStateStore', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-resume-'));

  it('keeps states across instances (a process restart), removes them, and writes the file private', async () => {
    const file = path.join(dir, 'a', 'resume-state.json');
    const first = new FileResumeStateStore(file);
    await first.save('s3:bucket/key', { uploadId: 'u1', parts: [1, 2] });
    await first.save('gcs:bucket/obj', { session: 'https://example/session' });
    const second = new FileResumeStateStore(file);
    expect(await second.load('s3:bucket/key')).toEqual({ uploadId: 'u1', parts: [1, 2] });
    await second.remove('s3:bucket/key');
    expect(await new FileResumeStateStore(file).load('s3:bucket/key')).toBeUndefined();
    expect(await new FileResumeStateStore(file).load('gcs:bucket/obj')).toEqual({ session: 'https://example/session' });
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('applies concurrent saves one after the other (no lost update)', async () => {
    const file = path.join(dir, 'b.json');
    const store = new FileResumeStateStore(file);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(`k${i}`, i)));
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')) as object)).toHaveLength(20);
  });

  it('treats a damaged file as empty (a fresh upload is always correct)', async () => {
    const file = path.join(dir, 'c.json');
    writeFileSync(file, '{damaged');
    const store = new FileResumeStateStore(file);
    expect(await store.load('x')).toBeUndefined();
    await store.save('x', 1);
    expect(await store.load('x')).toBe(1);
  });
});
