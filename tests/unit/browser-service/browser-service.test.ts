import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { BrowserService } from '../../../main/services/browser/browser-service';
import { csvRows, guessDelimiter } from '../../../main/services/browser/csv-rows';
import { DRIVER_PAGE_SIZE } from '../../../main/services/browser/folder-listing';
import { LOCAL_DISK_CONNECTOR_ID } from '../../../main/services/connectors/driver-provider';
import { localDiskLocation } from '../../../main/services/connectors/local-disk';

let dir: string;
const COUNT = 2500;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-browser-'));
  mkdirSync(path.join(dir, 'big'));
  for (let i = 0; i < COUNT; i++)
    writeFileSync(path.join(dir, 'big', `f${String(i).padStart(5, '0')}.txt`), 'x'.repeat(i % 7));
  writeFileSync(path.join(dir, 'people.csv'), 'name;city\n"Doe; Jane";Paris\nRoe;"Lyon ""2"""\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'héllo\n');
  writeFileSync(path.join(dir, 'blob.bin'), Buffer.from([0, 1, 2, 3]));
  writeFileSync(path.join(dir, 'empty.txt'), '');
  writeFileSync(path.join(dir, 'long.txt'), 'é'.repeat(70_000));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function serviceWith(driver: Driver) {
  const open = vi.fn(async () => driver);
  const service = new BrowserService({
    drivers: { open, localLocation: (p) => localDiskLocation(p) },
    homeDir: dir,
  });
  return { service, open, list: vi.spyOn(driver, 'list') };
}

const byName = { by: 'name', direction: 'asc' } as const;

describe('BrowserService', () => {
  it('reads only the driver pages a window needs, then the rest as the user scrolls', async () => {
    const { service, list } = serviceWith(new LocalDriver({ root: dir }));
    const first = await service.list(
      { connectorId: 'c', path: 'big' },
      { offset: 0, limit: 100, sort: byName, filter: '' },
    );
    expect(first.entries.map((e) => e.name).slice(0, 2)).toEqual(['f00000.txt', 'f00001.txt']);
    expect(first).toMatchObject({ matched: DRIVER_PAGE_SIZE, complete: false });
    expect(list).toHaveBeenCalledTimes(1);
    const later = await service.list(
      { connectorId: 'c', path: 'big' },
      { offset: 1950, limit: 100, sort: byName, filter: '' },
    );
    expect(later.entries[0]!.name).toBe('f01950.txt');
    expect(list).toHaveBeenCalledTimes(3);
    const all = await service.list(
      { connectorId: 'c', path: 'big' },
      { offset: 2400, limit: 200, sort: byName, filter: '' },
    );
    expect(all).toMatchObject({ matched: COUNT, complete: true });
    expect(all.entries).toHaveLength(100);
    await service.close();
  });

  it('sorts by size or date after reading the whole folder, and filters by name', async () => {
    const { service } = serviceWith(new LocalDriver({ root: dir }));
    const where = { connectorId: 'c', path: 'big' };
    const bySize = await service.list(where, {
      offset: 0,
      limit: 5,
      sort: { by: 'size', direction: 'desc' },
      filter: '',
    });
    expect(bySize.complete).toBe(true);
    expect(bySize.entries.every((e) => e.size === 6)).toBe(true);
    const filtered = await service.list(where, { offset: 0, limit: 50, sort: byName, filter: 'F0249' });
    expect(filtered.entries.map((e) => e.name)).toEqual([
      'f02490.txt', 'f02491.txt', 'f02492.txt', 'f02493.txt', 'f02494.txt',
      'f02495.txt', 'f02496.txt', 'f02497.txt', 'f02498.txt', 'f02499.txt',
    ]); // prettier-ignore
    expect(filtered.matched).toBe(10);
    await service.close();
  });

  it('previews text and CSV, and shows nothing for binary or empty files', async () => {
    const { service } = serviceWith(new LocalDriver({ root: dir }));
    const at = (p: string) => ({ connectorId: 'c', path: p });
    expect(await service.preview(at('people.csv'))).toEqual({
      kind: 'csv',
      bytes: 45,
      truncated: false,
      rows: [
        ['name', 'city'],
        ['Doe; Jane', 'Paris'],
        ['Roe', 'Lyon "2"'],
      ],
    });
    expect(await service.preview(at('notes.txt'))).toMatchObject({ kind: 'text', text: 'héllo\n', truncated: false });
    expect(await service.preview(at('blob.bin'))).toMatchObject({ kind: 'binary' });
    expect(await service.preview(at('empty.txt'))).toMatchObject({ kind: 'empty' });
    const long = await service.preview(at('long.txt'));
    expect(long).toMatchObject({ kind: 'text', truncated: true, bytes: 64 * 1024 });
    expect(long.text).toBe('é'.repeat(32 * 1024)); // the cut character is dropped, not garbled
    expect(await service.details(at('notes.txt'))).toMatchObject({ name: 'notes.txt', type: 'file', size: 7 });
    expect(service.home()).toEqual({ connectorId: LOCAL_DISK_CONNECTOR_ID, path: dir.slice(1) });
    await service.close();
  });

  it('reopens the driver of a connector that changed', async () => {
    const listeners: ((id: string) => void)[] = [];
    const driver = new LocalDriver({ root: dir });
    const open = vi.fn(async () => driver);
    const service = new BrowserService({
      drivers: { open, localLocation: (p) => localDiskLocation(p) },
      onConnectorChange: (l) => (listeners.push(l), () => undefined),
    });
    const where = { connectorId: 'c', path: '' };
    await service.list(where, { offset: 0, limit: 10, sort: byName, filter: '' });
    listeners.forEach((l) => l('c'));
    await service.list(where, { offset: 0, limit: 10, sort: byName, filter: '' });
    expect(open).toHaveBeenCalledTimes(2);
  });
});

describe('csvRows', () => {
  it('parses quotes, CRLF and drops a cut last line', () => {
    expect(guessDelimiter('a;b;c\n1,2;3')).toBe(';');
    expect(csvRows('a,b\r\n"x\ny",2\r\n3,4', true)).toEqual([
      ['a', 'b'],
      ['x\ny', '2'],
      ['3', '4'],
    ]);
    expect(csvRows('a,b\n1,2\n3,', false)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    // A cut right after a line end keeps that line; a quote left open by the cut drops only the cut record.
    expect(csvRows('a,b\n1,2\n', false)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(csvRows('a,b\n1,2\n"3\n4', false)).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    // Lenient where spreadsheets are: a quote inside a bare cell is text, rows may differ in width, a BOM is dropped.
    expect(csvRows('\uFEFFa,b"c\n1,2,3\n', true)).toEqual([
      ['a', 'b"c'],
      ['1', '2', '3'],
    ]);
  });
});
