// platform/README.md's upload lines (tus with plain curl) run as written against a listening platform.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { offerFiles } from '../../../platform/db/schema';
import { requireServer } from '../../servers/require-server';
import { setUp } from '../platform-harness';
import { insertOffer, listeningPlatform, someBytes, type ListeningPlatform } from './upload-kit';

const README = path.join(__dirname, '../../../platform/README.md');
const curl = requireServer('curl', '/usr/bin/curl', 'apt-get install curl');

describe.skipIf(!curl.available)("platform/README.md's upload lines", () => {
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let folder: string;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(os.tmpdir(), 'ferry-readme-upload-'));
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite');
  });

  afterAll(async () => {
    await env?.app.close();
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('create an upload, send the file in one PATCH, get the offer file ID; the file is verified and added', async () => {
    const org = await setUp(env);
    const offerId = await insertOffer(env.db, org.orgId);
    const blocks = [...readFileSync(README, 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    const block = blocks.find((b) => b.includes('/offers/$OFFER/uploads'));
    expect(block, 'the upload block').toBeDefined();
    const { bytes, sha256 } = someBytes(300_000);
    writeFileSync(path.join(folder, 'prices.csv'), bytes);
    const script = `API=${env.base}\nTOKEN=${org.adminToken}\nORG=${org.orgId}\nOFFER=${offerId}\n${block!}`;
    // Asynchronously: the platform answers curl from this very process.
    const run = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: folder,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const fileId = /x-ferry-file-id: (ofl_\w+)/i.exec(run.stdout)?.[1];
    expect(fileId, run.stdout).toBeDefined();
    const [file] = await env.db.select().from(offerFiles).where(eq(offerFiles.id, fileId!));
    expect(file).toMatchObject({ offerId, path: 'prices.csv', size: bytes.length, sha256, status: 'available' });
  });
});
