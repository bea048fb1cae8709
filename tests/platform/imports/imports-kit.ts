// A platform for the import tests: an app on its database with a known offer storage folder and vault keys, and a
// context of the test's own on the same database (to run a scan's handler directly, twice at once if need be).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { buildApp } from '../../../platform/build-app';
import { newId } from '../../../platform/auth/secret-token';
import { ConnectorUsages } from '../../../platform/connectors/connector-usages';
import type { Database } from '../../../platform/db/database';
import { offerFiles, offerImports, offers, sourceObservations } from '../../../platform/db/schema';
import { SCAN_QUEUE } from '../../../platform/imports/import-queues';
import { bossDatabaseOf } from '../../../platform/jobs/boss-database';
import { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { OFFER_FILES_AVAILABLE } from '../../../platform/offers/offer-file-ledger';
import { OfferStorage } from '../../../platform/offers/offer-storage';
import type { PlatformContext } from '../../../platform/platform-context';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { VaultService } from '../../../platform/vault/vault-service';
import { FAST, recordingLog, until } from '../jobs/jobs-harness';
import { setUp, type SetUpOrg, type TestEnv } from '../platform-harness';

/** The app, its organisation, the offer storage folder, and a context to run scans directly. */
export interface ImportsPlatform {
  readonly app: FastifyInstance;
  readonly db: Database;
  readonly org: SetUpOrg;
  /** The app as the platform harness's helpers take it (addMember, auditOf). */
  readonly env: TestEnv;
  /** The folder the offer storage keeps files in. */
  readonly storageFolder: string;
  /** A context of the test's own on the app's database (its own jobs runtime, the same vault keys and storage). */
  readonly ctx: PlatformContext;
  call(method: string, url: string, body?: unknown, token?: string): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Starts an app on `db` (fast job polling), sets up its organisation, and a direct context beside it. */
export async function startImportsPlatform(db: Database): Promise<ImportsPlatform> {
  const keys = new ManagedKeyProvider(memoryKeyStore());
  const storageFolder = mkdtempSync(path.join(tmpdir(), 'ferry-imports-storage-'));
  const app = await buildApp({
    db,
    vault: keys,
    jobs: FAST,
    offerStorage: { kind: 'local', folder: storageFolder },
    authRateLimit: { max: 1000, timeWindowMs: 60_000 },
  });
  const jobs = new JobsRuntime(bossDatabaseOf(db), recordingLog(), FAST);
  jobs.queue(OFFER_FILES_AVAILABLE);
  jobs.queue(SCAN_QUEUE);
  await jobs.start();
  const offerStorage = new OfferStorage({ kind: 'local', folder: storageFolder });
  const ctx = {
    db,
    now: () => new Date(),
    jobs,
    vault: { kind: 'ready', service: new VaultService(db, keys) },
    localConnectors: true,
    connectorUsages: new ConnectorUsages(),
    offerStorage,
    outgoingAddresses: () => [],
  } as unknown as PlatformContext;
  const call = (method: string, url: string, body?: unknown, token?: string) =>
    app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token ?? org.adminToken}` },
      ...(body !== undefined ? { payload: body as object } : {}),
    });
  const env: TestEnv = {
    kind: 'pglite',
    app,
    db,
    clock: { now: () => new Date(), advance: () => undefined },
    call: (method, url, { token, body } = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        ...(token !== undefined ? { headers: { authorization: `Bearer ${token}` } } : {}),
        ...(body !== undefined ? { payload: body as object } : {}),
      }),
  };
  const org = await setUp(env);
  return {
    app,
    db,
    org,
    env,
    storageFolder,
    ctx,
    call,
    async close() {
      await jobs.stop();
      await offerStorage.close();
      await app.close();
      rmSync(storageFolder, { recursive: true, force: true });
    },
  };
}

/** The offer a test scans or imports into, written straight to its table (the offers routes are another domain's). */
export async function makeOffer(
  p: ImportsPlatform,
  fields: Partial<typeof offers.$inferInsert> & { readonly title: string },
): Promise<string> {
  const id = newId('off');
  const now = new Date();
  await p.db.insert(offers).values({
    id,
    orgId: p.org.orgId,
    kind: 'subscription',
    status: 'published',
    maxFileSize: 1 << 30,
    creatorId: p.org.adminId,
    // Not due: the app's minute sweep leaves it to the test's own scans unless the test makes it due.
    nextScanAt: new Date(now.getTime() + 86_400_000),
    createdAt: now,
    updatedAt: now,
    ...fields,
  });
  return id;
}

/** The offer's files, oldest first. */
export async function filesOf(p: ImportsPlatform, offerId: string) {
  const rows = await p.db.select().from(offerFiles).where(eq(offerFiles.offerId, offerId));
  return rows.sort((a, b) => a.addedAt.getTime() - b.addedAt.getTime());
}

/** The offer's file at `path` (the latest version), or undefined. */
export async function fileAt(p: ImportsPlatform, offerId: string, path: string) {
  return (await filesOf(p, offerId)).filter((file) => file.path === path).at(-1);
}

/** The offer's source observations, by path. */
export async function observationsOf(p: ImportsPlatform, offerId: string) {
  const rows = await p.db.select().from(sourceObservations).where(eq(sourceObservations.offerId, offerId));
  return new Map(rows.map((row) => [row.path, row]));
}

/** The offer's import and scan rows, oldest first. */
export async function importsOf(p: ImportsPlatform, offerId: string) {
  const rows = await p.db
    .select()
    .from(offerImports)
    .where(and(eq(offerImports.offerId, offerId)));
  return rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** The SHA-256 of bytes, hex. */
export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes the offer storage holds for a file row. */
export function storedBytes(p: ImportsPlatform, storageKey: string): Buffer {
  return readFileSync(path.join(p.storageFolder, ...storageKey.split('/')));
}

/** Waits until the import or scan ended (through the API) and returns it. */
export async function finished(p: ImportsPlatform, offerId: string, importId: string) {
  let last: Record<string, unknown> = {};
  await until(
    `import ${importId} ended`,
    async () => {
      const res = await p.call('GET', `/v1/orgs/${p.org.orgId}/offers/${offerId}/imports/${importId}`);
      expect(res.statusCode, res.body).toBe(200);
      last = res.json();
      return last.status === 'succeeded' || last.status === 'failed';
    },
    30_000,
  );
  return last as {
    status: string;
    added: Array<{ path: string; fileId: string }>;
    skipped: Array<{ path: string; reason: string }>;
    error: string | null;
  };
}
