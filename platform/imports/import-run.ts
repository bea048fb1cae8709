// Runs one import picked by a person: walks the selection on the connector and takes each file into the offer.
import { and, eq, sql } from 'drizzle-orm';
import { describeError, isConnectorError } from '../../connectors/connector-error';
import type { Driver, Entry } from '../../connectors/driver';
import { normalizePath, parentPath } from '../../connectors/path-safety';
import { MAX_IMPORT_FILES } from '../../shared/platform/imports-api';
import { auditSystemEvent } from '../audit/system-audit';
import type { Transaction } from '../db/database';
import { offerImports, offers } from '../db/schema';
import { openOrgConnector } from '../connectors/open-org-connector';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import type { ImportJob } from './import-queues';
import { relativeTo, WalkBoundError, walkFiles, type WalkItem } from './source-walk';
import { offerPathOf, takeFile, type TakeOutcome } from './take-file';

/** What an import was asked: the connector, the selected paths and the offer folder they land in. */
export interface ImportRequest {
  readonly connectorId: string;
  readonly paths: readonly string[];
  readonly targetFolder: string;
}

/** The audit action of files a background import or scan added to an offer (principal 'platform'). */
export const IMPORT_AUDIT_ACTION = 'offers.files.import';

type Skipped = { path: string; reason: string };

// Appends one added file to the import's record in the transaction that adds it: a retried run knows it is done.
async function appendAdded(tx: Transaction, importId: string, path: string, fileId: string): Promise<void> {
  await tx
    .update(offerImports)
    .set({ added: sql`${offerImports.added} || ${JSON.stringify([{ path, fileId }])}::jsonb` })
    .where(eq(offerImports.id, importId));
}

// One selected path: the file itself, or every file under the folder; a missing or refused one is skipped.
async function* selection(driver: Driver, path: string, skipped: Skipped[]): AsyncGenerator<WalkItem> {
  let entry: Entry;
  try {
    entry = await driver.stat(normalizePath(path));
  } catch (error) {
    if (isConnectorError(error, 'NotFound')) return void skipped.push({ path, reason: 'not found on the connector' });
    if (isConnectorError(error, 'InvalidInput')) return void skipped.push({ path, reason: describeError(error) });
    throw error;
  }
  if (entry.type === 'file') yield { kind: 'file', entry };
  else yield* walkFiles(driver, entry.path);
}

/**
 * Runs the import `job` names: claims its row (queued, or running when this is a retry), opens the connector, walks
 * the selection (bounded: MAX_IMPORT_FILES files) and takes each file (files keep their path below the selected
 * folder's parent, so a folder keeps its own name). A storage that fails stops the import as failed with the error;
 * files added until then stay. Records the outcome and audits it as the platform.
 */
export async function runImport(ctx: PlatformContext, job: ImportJob, retry: boolean): Promise<void> {
  const claimed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(offerImports)
      .where(
        and(eq(offerImports.id, job.importId), eq(offerImports.offerId, job.offerId), eq(offerImports.kind, 'import')),
      )
      .for('update');
    if (row === undefined || !(row.status === 'queued' || (row.status === 'running' && retry))) return null;
    await tx.update(offerImports).set({ status: 'running', startedAt: ctx.now() }).where(eq(offerImports.id, row.id));
    return row;
  });
  if (claimed === null) return;
  const request = claimed.request as unknown as ImportRequest;
  const done = new Set(claimed.added.map((file) => file.path));
  let addedCount = claimed.added.length;
  const skipped: Skipped[] = [];
  let error: string | null = null;
  let driver: Driver | undefined;
  try {
    const [offer] = await ctx.db
      .select({ id: offers.id, orgId: offers.orgId, maxFileSize: offers.maxFileSize, status: offers.status })
      .from(offers)
      .where(and(eq(offers.id, job.offerId), eq(offers.orgId, job.orgId)));
    if (offer === undefined || offer.status === 'archived') {
      throw new ApiError('not_found', 'The offer was archived or deleted before the import ran.');
    }
    driver = await openOrgConnector(ctx, job.orgId, request.connectorId);
    let walked = 0;
    outer: for (const selected of request.paths) {
      const base = parentPath(selected === '' ? '' : normalizePath(selected));
      for await (const item of selection(driver, selected, skipped)) {
        if (++walked > MAX_IMPORT_FILES) {
          skipped.push({
            path: selected,
            reason: `the selection holds more than ${MAX_IMPORT_FILES} files: the rest was not imported`,
          });
          break outer;
        }
        if (item.kind === 'rejected') {
          skipped.push({ path: item.path, reason: item.reason });
          continue;
        }
        const offerPath = offerPathOf(request.targetFolder, relativeTo(base, item.entry.path));
        if (done.has(offerPath)) continue;
        const originRef = `${request.connectorId}:${item.entry.path}`;
        const outcome: TakeOutcome = await takeFile(ctx, driver, offer, item.entry, offerPath, originRef, (tx, o) =>
          o.kind === 'added' ? appendAdded(tx, claimed.id, offerPath, o.fileId) : Promise.resolve(),
        );
        if (outcome.kind === 'added') addedCount++;
        else skipped.push({ path: offerPath, reason: outcome.reason });
      }
    }
  } catch (caught) {
    // The platform's own failures (the database) fail the job: retried, it continues where this attempt stopped.
    if (!isConnectorError(caught) && !(caught instanceof ApiError) && !(caught instanceof WalkBoundError)) {
      throw caught;
    }
    error = describeError(caught);
  } finally {
    await driver?.close().catch(() => undefined);
  }
  await ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    await tx
      .update(offerImports)
      .set({ status: error === null ? 'succeeded' : 'failed', skipped, error, finishedAt: at })
      .where(eq(offerImports.id, claimed.id));
    await auditSystemEvent(tx, at, {
      orgId: job.orgId,
      action: IMPORT_AUDIT_ACTION,
      target: { type: 'offer', id: job.offerId },
      reason:
        `import ${claimed.id}: ${addedCount} added, ${skipped.length} skipped` +
        (error === null ? '' : `; failed: ${error}`),
    });
  });
}
