// Takes one file of a connector into an offer: the checks, the verified copy, and the ledger in one transaction.
import { and, eq, ne } from 'drizzle-orm';
import { isConnectorError } from '../../connectors/connector-error';
import type { Driver, Entry } from '../../connectors/driver';
import { describeError } from '../../connectors/connector-error';
import { normalizePath } from '../../connectors/path-safety';
import { MAX_OFFER_PATH_BYTES } from '../../shared/platform/imports-api';
import type { Transaction } from '../db/database';
import { offerFiles, offers } from '../db/schema';
import { addOfferFile } from '../offers/offer-file-ledger';
import type { PlatformContext } from '../platform-context';
import { copyIntoOffer, discardCopy, sourceSha256 } from './copy-in';

/** What happened to one file: added (its offer file ID) or skipped with a reason. */
export type TakeOutcome =
  { readonly kind: 'added'; readonly fileId: string } | { readonly kind: 'skipped'; readonly reason: string };

/** The offer a file goes into, as read when the run started (its staging is read again under the lock). */
export interface TargetOffer {
  readonly id: string;
  readonly orgId: string;
  readonly maxFileSize: number;
}

/** The skip reason of an offer path, or null when it is acceptable. */
export function offerPathProblem(path: string): string | null {
  try {
    if (normalizePath(path) === '') return 'unsafe name: the path is empty';
  } catch (error) {
    return `unsafe name: ${describeError(error)}`;
  }
  const bytes = Buffer.byteLength(path, 'utf8');
  return bytes > MAX_OFFER_PATH_BYTES
    ? `path too long: ${bytes} bytes, an offer's paths have at most ${MAX_OFFER_PATH_BYTES}`
    : null;
}

/** The path in the offer of a file `relative` under `targetFolder` ('' for the offer's root). */
export function offerPathOf(targetFolder: string, relative: string): string {
  return targetFolder === '' ? relative : `${targetFolder}/${relative}`;
}

// Storage failures that concern this file only: skipped with the reason, the run goes on.
const FILE_ONLY = new Set(['NotFound', 'PermissionDenied', 'InvalidInput', 'Integrity', 'QuotaExceeded']);

const ALREADY = 'already in the offer (same path, size and SHA-256)';

/**
 * Takes `entry` into the offer at `offerPath` unless it is unsafe, too large or already there (same path, size and
 * SHA-256; the source is hashed, not copied, when a file of that path and size exists). Copies it in verified, then
 * adds it under the offer row's lock (pending with staging), with `record` run in the same transaction. Failures of
 * the file alone are skipped with their reason; a storage that is down or refuses access throws (the run stops).
 */
export async function takeFile(
  ctx: PlatformContext,
  source: Driver,
  offer: TargetOffer,
  entry: Entry,
  offerPath: string,
  originRef: string,
  record: (tx: Transaction, outcome: TakeOutcome) => Promise<void>,
  signal?: AbortSignal,
): Promise<TakeOutcome> {
  const skip = async (reason: string): Promise<TakeOutcome> => {
    const outcome: TakeOutcome = { kind: 'skipped', reason };
    await ctx.db.transaction((tx) => record(tx, outcome));
    return outcome;
  };
  const problem = offerPathProblem(offerPath);
  if (problem !== null) return skip(problem);
  const size = entry.size ?? 0;
  if (size > offer.maxFileSize) {
    return skip(`too large: ${size} bytes, the offer takes files up to ${offer.maxFileSize} bytes`);
  }
  const present = await ctx.db
    .select({ sha256: offerFiles.sha256 })
    .from(offerFiles)
    .where(
      and(
        eq(offerFiles.offerId, offer.id),
        eq(offerFiles.path, offerPath),
        eq(offerFiles.size, size),
        ne(offerFiles.status, 'removed'),
      ),
    );
  try {
    if (present.length > 0) {
      const sha256 = await sourceSha256(source, entry, signal);
      if (present.some((file) => file.sha256 === sha256)) return skip(ALREADY);
    }
    const copy = await copyIntoOffer(source, entry.path, ctx.offerStorage.driver, offer.id, signal);
    try {
      return await ctx.db.transaction(async (tx) => {
        // The lock serialises concurrent runs adding to this offer: the second sees the first one's file.
        const [locked] = await tx
          .select({ status: offers.status, staging: offers.staging })
          .from(offers)
          .where(eq(offers.id, offer.id))
          .for('update');
        let outcome: TakeOutcome;
        if (locked === undefined || locked.status === 'archived') {
          outcome = { kind: 'skipped', reason: 'the offer was archived' };
        } else {
          const [same] = await tx
            .select({ id: offerFiles.id })
            .from(offerFiles)
            .where(
              and(
                eq(offerFiles.offerId, offer.id),
                eq(offerFiles.path, offerPath),
                eq(offerFiles.size, copy.size),
                eq(offerFiles.sha256, copy.sha256),
                ne(offerFiles.status, 'removed'),
              ),
            )
            .limit(1);
          outcome =
            same !== undefined
              ? { kind: 'skipped', reason: ALREADY }
              : {
                  kind: 'added',
                  fileId: await addOfferFile(tx, ctx, {
                    offerId: offer.id,
                    orgId: offer.orgId,
                    path: offerPath,
                    size: copy.size,
                    sha256: copy.sha256,
                    storageKey: copy.storageKey,
                    origin: 'import',
                    originRef,
                    pending: locked.staging,
                  }),
                };
        }
        await record(tx, outcome);
        if (outcome.kind === 'skipped') await discardCopy(ctx.offerStorage.driver, copy.storageKey);
        return outcome;
      });
    } catch (error) {
      await discardCopy(ctx.offerStorage.driver, copy.storageKey);
      throw error;
    }
  } catch (error) {
    if (isConnectorError(error) && FILE_ONLY.has(error.code)) {
      return skip(error.code === 'NotFound' ? 'gone from the source before it was copied' : describeError(error));
    }
    throw error;
  }
}
