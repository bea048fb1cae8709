// The acquisitions screen's main methods on a real platform: an entitled file is saved where the user chooses through
// a download link, its SHA-256 checked (a different one keeps nothing under the chosen name); a cancelled save dialog
// writes nothing; a cancelled acquisition is refused before any dialog; the naming preview expands a pattern as the
// platform's deliveries do and says why a pattern is refused.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../../platform';
import { type IpcHandlers, createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import { AcquisitionDownloads } from '../../../main/services/acquisitions/acquisition-downloads';
import { acquisitionsHandlers } from '../../../main/services/acquisitions/acquisitions-handlers';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { AccountRegistry } from '../../../main/services/platform/account-registry';
import { LocalWorkspace } from '../../../main/services/platform/local-workspace';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { PlatformConnection } from '../../../main/services/platform/platform-connection';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';

const PASSWORD = 'correct horse battery';
const FILE = 'prices.csv';
const BYTES = Buffer.from('sku,price\nA,1.10\n');
const SHA = createHash('sha256').update(BYTES).digest('hex');

let platform: RunningPlatform;
let dir: string;
let local: LocalWorkspace;
let dispatch: ReturnType<typeof createDispatcher>;
let acquisitionId: string;
let fileId: string;
let token: string;
let connection: PlatformConnection;
let buyerId: string;
/** What the next save dialog answers (a path, or null: cancelled), and how many opened. */
let nextSavePath: string | null = null;
let dialogs = 0;

async function call(method: string, route: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${platform.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

beforeAll(async () => {
  platform = await startPlatform({ logger: false });
  const setup = await new PlatformClient(platform.url).setup({
    organisationName: 'Provider Co',
    name: 'Ada',
    email: 'ada@example.org',
    password: PASSWORD,
  });
  token = setup.token;
  const providerId = setup.organisation.id;
  buyerId = (await call('POST', '/v1/orgs', { name: 'Buyer Co' })).id as string;
  const offerId = (await call('POST', `/v1/orgs/${providerId}/offers`, { title: 'Daily prices', kind: 'one-shot' }))
    .id as string;
  const b64 = (value: string) => Buffer.from(value).toString('base64');
  const tus = { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' };
  const created = await fetch(`${platform.url}/v1/orgs/${providerId}/offers/${offerId}/uploads`, {
    method: 'POST',
    headers: {
      ...tus,
      'upload-length': String(BYTES.length),
      'upload-metadata': `path ${b64(FILE)},sha256 ${b64(SHA)}`,
    },
  });
  const patched = await fetch(new URL(created.headers.get('location')!, platform.url), {
    method: 'PATCH',
    headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
    body: BYTES,
  });
  fileId = patched.headers.get('x-ferry-file-id')!;
  await call('POST', `/v1/orgs/${providerId}/offers/${offerId}/publish`);
  acquisitionId = (await call('POST', `/v1/orgs/${buyerId}/acquisitions`, { offerId })).id as string;

  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-acq-downloads-'));
  const store = new JsonFileStore(path.join(dir, 'settings.json'));
  local = new LocalWorkspace({ dataDir: path.join(dir, 'platform'), store });
  connection = new PlatformConnection({
    accounts: new AccountRegistry(store),
    secrets: new SessionSecretStore(),
    local,
  });
  await connection.signIn({ kind: 'remote', url: platform.url }, 'ada@example.org', PASSWORD);
  await connection.switchOrganisation(buyerId);
  const downloads = new AcquisitionDownloads(connection, async () => {
    dialogs++;
    return nextSavePath;
  });
  dispatch = createDispatcher(acquisitionsHandlers(downloads) as IpcHandlers, () => undefined);
});
afterAll(async () => {
  await local?.stop();
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('acquisitions.download', () => {
  it('saves the entitled file where the user chose, its SHA-256 checked, with no partial file left', async () => {
    nextSavePath = path.join(dir, 'saved', 'mine.csv');
    const result = await dispatch('acquisitions.download', { acquisitionId, fileId, name: FILE, sha256: SHA });
    expect(result).toEqual({ ok: true, value: { saved: true, path: nextSavePath, bytes: BYTES.length, sha256: SHA } });
    expect(readFileSync(nextSavePath)).toEqual(BYTES);
    expect(readdirSync(path.dirname(nextSavePath))).toEqual(['mine.csv']);
  });

  it('writes nothing when the save dialog is cancelled', async () => {
    nextSavePath = null;
    const result = await dispatch('acquisitions.download', { acquisitionId, fileId, name: FILE, sha256: SHA });
    expect(result).toEqual({ ok: true, value: { saved: false } });
  });

  it('keeps nothing under the chosen name when the bytes are not the ones offered', async () => {
    nextSavePath = path.join(dir, 'altered', 'prices.csv');
    const result = await dispatch('acquisitions.download', {
      acquisitionId,
      fileId,
      name: FILE,
      sha256: 'f'.repeat(64),
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'PlatformUnreachable', reason: 'download-mismatch' } });
    expect(existsSync(nextSavePath)).toBe(false);
    expect(readdirSync(path.dirname(nextSavePath))).toEqual([]);
  });

  it('a connection cut mid-body leaves the file already at the chosen path as it was, and no partial', async () => {
    // A server that dies after the first bytes: the real download's headers, half its body, then the socket goes.
    const cutter = createServer((req, res) => {
      void fetch(`${platform.url}${req.url}`).then(async (upstream) => {
        const body = Buffer.from(await upstream.arrayBuffer());
        res.writeHead(200, { 'content-length': String(body.length), 'content-type': 'application/octet-stream' });
        res.write(body.subarray(0, body.length >> 1), () => res.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => cutter.listen(0, '127.0.0.1', resolve));
    const via = `http://127.0.0.1:${(cutter.address() as AddressInfo).port}`;
    const cut = new AcquisitionDownloads(
      connection,
      async () => nextSavePath,
      (url, init) => fetch(String(url).replace(platform.url, via), init),
    );
    const cutDispatch = createDispatcher(acquisitionsHandlers(cut) as IpcHandlers, () => undefined);
    nextSavePath = path.join(dir, 'cut', 'prices.csv');
    mkdirSync(path.dirname(nextSavePath));
    writeFileSync(nextSavePath, 'the copy I already had');
    try {
      const result = await cutDispatch('acquisitions.download', { acquisitionId, fileId, name: FILE, sha256: SHA });
      expect(result).toMatchObject({ ok: false, error: { code: 'PlatformUnreachable', reason: 'download-failed' } });
      expect(readFileSync(nextSavePath, 'utf8')).toBe('the copy I already had');
      expect(readdirSync(path.dirname(nextSavePath))).toEqual(['prices.csv']);
    } finally {
      await new Promise((resolve) => cutter.close(resolve));
    }
  });

  it('refuses a cancelled acquisition before any save dialog opens', async () => {
    await call('POST', `/v1/orgs/${buyerId}/acquisitions/${acquisitionId}/cancel`);
    const before = dialogs;
    nextSavePath = path.join(dir, 'late.csv');
    const result = await dispatch('acquisitions.download', { acquisitionId, fileId, name: FILE, sha256: SHA });
    expect(result).toMatchObject({ ok: false, error: { code: 'PlatformRefused' } });
    expect(dialogs).toBe(before);
    expect(existsSync(nextSavePath)).toBe(false);
  });
});

describe('deliveries.previewNaming', () => {
  const sample = {
    offerTitle: 'Daily: prices',
    filePath: 'eod/prices.csv',
    acquisitionId: 'acq_1',
    availableAt: '2026-12-07T10:00:00.000Z',
  };

  it('expands a pattern as the deliveries do (a path-safe title, the UTC date)', async () => {
    const result = await dispatch('deliveries.previewNaming', {
      pattern: '{offer}/{yyyy}/{mm}/{stem}{ext}',
      ...sample,
    });
    expect(result).toEqual({ ok: true, value: { ok: true, path: 'Daily- prices/2026/12/prices.csv' } });
  });

  it('says why a pattern is refused', async () => {
    const unknown = await dispatch('deliveries.previewNaming', { pattern: '{offer}/{nom}', ...sample });
    expect(unknown).toMatchObject({ ok: true, value: { ok: false, problem: expect.stringContaining('{nom}') } });
    const nameless = await dispatch('deliveries.previewNaming', { pattern: '{offer}/{yyyy}', ...sample });
    expect(nameless).toMatchObject({ ok: true, value: { ok: false, problem: expect.stringContaining('{name}') } });
  });
});
