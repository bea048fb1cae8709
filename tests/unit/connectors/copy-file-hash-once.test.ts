import { type BinaryLike, type Hash, type HashOptions, randomBytes } from 'node:crypto';
import type * as NodeCrypto from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { copyFile } from '../../../connectors/transfer/copy-file';
import { sha256, streamOf } from '../../kit/test-streams';

// File bytes fed to every digest made in the process, per algorithm: the engine and the drivers all hash through it.
const hashed = vi.hoisted(() => new Map<string, number>());

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof NodeCrypto>();
  const createHash = (algorithm: string, options?: HashOptions): Hash => {
    const hash = original.createHash(algorithm, options);
    const update = hash.update.bind(hash) as (data: BinaryLike) => Hash;
    hash.update = ((data: BinaryLike) => {
      // Strings are names (a partial's hidden name is derived from a digest), not file bytes.
      if (typeof data !== 'string') hashed.set(algorithm, (hashed.get(algorithm) ?? 0) + data.byteLength);
      return update(data);
    }) as Hash['update'];
    return hash;
  };
  return { ...original, createHash, default: { ...original, createHash } };
});

const MiB = 1024 * 1024;

let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-hash-once-'));
  hashed.clear();
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('copyFile hashes each byte once in the process', () => {
  it('between two local folders: one SHA-256 pass, by the destination as it writes', async () => {
    const data = randomBytes(2 * MiB + 5);
    await writeFile(path.join(dir, 'source.bin'), data);
    const expected = sha256(data);
    hashed.clear();
    // Two drivers, so the copy streams instead of copying on disk.
    const result = await copyFile(
      { driver: new LocalDriver({ root: dir }), path: 'source.bin' },
      { driver: new LocalDriver({ root: dir }), path: 'out/copy.bin' },
    );
    expect(result.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: expected, by: 'client' });
    expect(Object.fromEntries(hashed)).toEqual({ sha256: data.length });
    expect((await readFile(path.join(dir, 'out/copy.bin'))).equals(data)).toBe(true);
  });

  it('from a store without a common digest: one SHA-256 pass over the stream', async () => {
    const data = randomBytes(MiB + 3);
    const memory = new MemoryDriver();
    await memory.write('data.bin', streamOf(data));
    const expected = sha256(data);
    hashed.clear();
    // A driver offering no digest of its own: the engine hashes the stream, and nothing else does.
    const bare = Object.assign(Object.create(memory) as MemoryDriver, {
      capabilities: { ...memory.capabilities, hashes: [] },
    });
    const local = new LocalDriver({ root: dir });
    const result = await copyFile({ driver: bare, path: 'data.bin' }, { driver: local, path: 'copy.bin' });
    expect(result.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: expected, by: 'client' });
    expect(Object.fromEntries(hashed)).toEqual({ sha256: data.length });
  });
});
