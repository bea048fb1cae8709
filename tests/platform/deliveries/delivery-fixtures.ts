// Offers, acquisitions and offer files for delivery tests, written the way the platform writes them.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { Database } from '../../../platform/db/database';
import { acquisitions, offers } from '../../../platform/db/schema';
import { newId } from '../../../platform/auth/secret-token';
import { bossDatabaseOf } from '../../../platform/jobs/boss-database';
import { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addOfferFile, OFFER_FILES_AVAILABLE } from '../../../platform/offers/offer-file-ledger';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * A second jobs runtime on the platform's database that only sends (like another instance adding files): the
 * ledger queues offer-files-available through it, and the app's workers pick the jobs up.
 */
export async function senderJobs(db: Database): Promise<JobsRuntime> {
  const jobs = new JobsRuntime(bossDatabaseOf(db), quiet, { pollingIntervalSeconds: 0.5 });
  jobs.queue(OFFER_FILES_AVAILABLE);
  await jobs.start();
  return jobs;
}

/** A published subscription offer of `orgId`, inserted as the offers domain would. */
export async function insertOffer(db: Database, orgId: string, title: string): Promise<string> {
  const id = newId('off');
  const now = new Date();
  await db.insert(offers).values({
    id,
    orgId,
    title,
    kind: 'subscription',
    status: 'published',
    maxFileSize: 1024 * 1024 * 1024,
    createdAt: now,
    updatedAt: now,
    publishedAt: now,
  });
  return id;
}

/** An active subscription of `buyerOrgId` to the offer, entitled to every file (history policy all). */
export async function insertAcquisition(
  db: Database,
  offerId: string,
  providerOrgId: string,
  buyerOrgId: string,
  buyerUserId: string,
): Promise<string> {
  const id = newId('acq');
  const now = new Date();
  await db.insert(acquisitions).values({
    id,
    offerId,
    providerOrgId,
    buyerOrgId,
    kind: 'subscription',
    status: 'active',
    acquiredByType: 'user',
    acquiredById: buyerUserId,
    historyAfterSeq: 0,
    periodStart: now,
    createdAt: now,
  });
  return id;
}

/** SHA-256 of bytes, lower-case hex. */
export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Stores `bytes` in the offer storage folder and adds the file to the offer (available at once); its ID. */
export async function addFile(
  db: Database,
  jobs: JobsRuntime,
  storageFolder: string,
  offer: { readonly id: string; readonly orgId: string },
  filePath: string,
  bytes: Buffer,
): Promise<string> {
  const key = `uploads/${newId('upl')}`;
  mkdirSync(path.join(storageFolder, 'uploads'), { recursive: true });
  writeFileSync(path.join(storageFolder, key), bytes);
  return db.transaction((tx) =>
    addOfferFile(
      tx,
      { now: () => new Date(), jobs },
      {
        offerId: offer.id,
        orgId: offer.orgId,
        path: filePath,
        size: bytes.length,
        sha256: sha256(bytes),
        storageKey: key,
        origin: 'upload',
        pending: false,
      },
    ),
  );
}

/** Every file under a folder, relative, sorted (hidden staging and partial files included). */
export function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(path.relative(root, full));
    }
  };
  walk(root);
  return found.sort();
}

/** Polls `probe` until it returns a value that is not undefined (or fails after `ms`). */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms = 30_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) expect.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
