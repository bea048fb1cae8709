import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, describeError } from '../../../connectors/connector-error';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { copyFile } from '../../../connectors/transfer/copy-file';
import {
  aboutDestination,
  isPartialName,
  legacyPartialPathOf,
  partialPathOf,
} from '../../../connectors/transfer/partial-file';
import { expectCode } from '../../conformance/describe-conformance';
import { sha256, streamOf } from '../../kit/test-streams';
import { FlakySourceDriver, InstantClock } from './transfer-fakes';

const MiB = 1024 * 1024;
let dir = '';
let local: LocalDriver;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-partial-'));
  local = new LocalDriver({ root: dir });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('partial files', () => {
  it('are hidden and end in .part, beside the destination, one name per destination', () => {
    const partial = partialPathOf('incoming/report.csv');
    expect(partial).toMatch(/^incoming\/\.ferry-partial-[0-9a-f]{16}\.part$/);
    expect(partialPathOf('report.csv')).toMatch(/^\.ferry-partial-[0-9a-f]{16}\.part$/);
    expect(partialPathOf('incoming/report.csv')).toBe(partial);
    expect(partialPathOf('incoming/other.csv')).not.toBe(partial);
    expect(isPartialName(path.posix.basename(partial))).toBe(true);
    expect(isPartialName(path.posix.basename(legacyPartialPathOf('x')))).toBe(true);
    expect(isPartialName('.ferry-partial-notahash.part')).toBe(false);
  });

  it('a partial left by an earlier version (no .part) is adopted and resumed', async () => {
    const data = randomBytes(2 * MiB);
    const source = new MemoryDriver();
    await source.write('data.bin', streamOf(data));
    await local.write('out/placeholder', streamOf(''));
    await writeFile(path.join(dir, legacyPartialPathOf('out/data.bin')), data.subarray(0, MiB));
    const result = await copyFile({ driver: source, path: 'data.bin' }, { driver: local, path: 'out/data.bin' });
    expect(result.resumedAt).toEqual([MiB]);
    expect(sha256(await readFile(path.join(dir, 'out/data.bin')))).toBe(sha256(data));
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['data.bin', 'placeholder']);
  });

  it('errors about the partial name the destination instead', () => {
    const partial = partialPathOf('a/b.bin');
    const error = new ConnectorError('PermissionDenied', `Permission denied: ${partial}`, {
      path: partial,
      hint: 'Check the account may access this path.',
    });
    const told = aboutDestination(error, partial, 'a/b.bin');
    expect(told.code).toBe('PermissionDenied');
    expect(told.message).toBe('Permission denied: a/b.bin');
    expect(told.path).toBe('a/b.bin');
    const other = new ConnectorError('NotFound', 'Not found: src.bin', { path: 'src.bin' });
    expect(aboutDestination(other, partial, 'a/b.bin')).toBe(other);
  });

  it('when retries run out, the error says so and that the same copy resumes, with no code prefix', async () => {
    const data = randomBytes(2 * MiB);
    const source = new FlakySourceDriver(5, 500_000);
    await source.write('src/data.bin', streamOf(data));
    const error = await expectCode(
      copyFile(
        { driver: source, path: 'src/data.bin' },
        { driver: local, path: 'd.bin' },
        { clock: new InstantClock(), retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } },
      ),
      'Retryable',
    );
    expect(error.message).toMatch(/^Copying to d\.bin failed after 2 attempts: /);
    expect(error.hint).toMatch(/Run the same copy again when the storage is reachable: it resumes where it stopped\./);
    const line = describeError(error);
    expect(line).not.toMatch(/Retryable|ferry-partial/);
    expect(line.startsWith('Copying to d.bin failed')).toBe(true);
  });

  it('when the source cannot be read from an offset, a failed copy leaves no partial (nothing to resume)', async () => {
    const data = randomBytes(2 * MiB);
    const source = new FlakySourceDriver(5, 500_000);
    Object.assign(source, { capabilities: { ...source.capabilities, rangedRead: false } });
    await source.write('src/data.bin', streamOf(data));
    const error = await expectCode(
      copyFile(
        { driver: source, path: 'src/data.bin' },
        { driver: local, path: 'd.bin' },
        { clock: new InstantClock(), retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } },
      ),
      'Retryable',
    );
    expect(error.hint).not.toMatch(/resumes/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('describeError says what happened and what to do, never the code', () => {
    expect(describeError(new ConnectorError('Retryable', 'The connection was lost'))).toBe(
      'The connection was lost (A temporary failure (network, server busy); trying again may work.)',
    );
    expect(describeError(new ConnectorError('NotFound', 'Not found: x', { hint: 'Check the path.' }))).toBe(
      'Not found: x (Check the path.)',
    );
  });
});
