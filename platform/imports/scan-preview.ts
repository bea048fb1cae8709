// The dry run of a subscription's next scan: the same walk and rules as a scan, nothing written anywhere.
import { count, eq } from 'drizzle-orm';
import type { Driver } from '../../connectors/driver';
import { normalizePath } from '../../connectors/path-safety';
import type { ScanPreview } from '../../shared/platform/imports-api';
import { apiErrorOfConnector } from '../connectors/connector-api-error';
import { openOrgConnector } from '../connectors/open-org-connector';
import { sourceObservations } from '../db/schema';
import type { PlatformContext } from '../platform-context';
import { lookAt, observationsOf } from './observations';
import type { ScanOffer } from './scan-run';
import { relativeTo, walkFiles, type WalkItem } from './source-walk';
import { offerPathProblem } from './take-file';

/** Files a preview looks at, at most, and how long it may list: past either it answers what it saw, truncated. */
export const PREVIEW_LIMITS = { files: 5000, ms: 15_000 };

/**
 * What the next scan would do with each file of the source (see scanSource): add the stable ones (unless unsafe or
 * too large: skipped with the reason), record first looks and changed files as waiting, skip unsafe names once,
 * leave the rest. Lists the source within PREVIEW_LIMITS; reads observations only. A storage that fails answers its
 * API error (connector_unusable, not_found).
 */
export async function previewScan(
  ctx: PlatformContext,
  offer: ScanOffer & { sourceConnectorId: string },
  limits = PREVIEW_LIMITS,
): Promise<ScanPreview> {
  const preview: ScanPreview = { add: [], waiting: [], skipped: [], unchanged: 0, truncated: false, warning: null };
  const folder = normalizePath(offer.sourceFolder ?? '');
  const deadline = Date.now() + limits.ms;
  let seen = 0;
  const classify = async (items: readonly WalkItem[]) => {
    const relative = (item: WalkItem) => relativeTo(folder, item.kind === 'file' ? item.entry.path : item.path);
    const looks = await observationsOf(ctx.db, offer.id, items.map(relative));
    for (const item of items) {
      const path = relative(item);
      const observation = looks.get(path);
      if (item.kind === 'rejected') {
        if (observation === undefined) preview.skipped.push({ path, reason: item.reason });
        else preview.unchanged++;
        continue;
      }
      const size = item.entry.size ?? 0;
      const look = lookAt(observation, item.entry);
      if (look === 'done') preview.unchanged++;
      else if (look === 'first') {
        preview.waiting.push({ path, size, reason: 'first seen: taken once it looks the same at the next scan' });
      } else if (look === 'changed') {
        preview.waiting.push({ path, size, reason: 'changed since the last look: taken once it stops changing' });
      } else {
        const problem =
          offerPathProblem(path) ??
          (size > offer.maxFileSize
            ? `too large: ${size} bytes, the offer takes files up to ${offer.maxFileSize} bytes`
            : null);
        if (problem === null) preview.add.push({ path, size });
        else preview.skipped.push({ path, reason: problem });
      }
    }
  };
  let driver: Driver | undefined;
  try {
    driver = await openOrgConnector(ctx, offer.orgId, offer.sourceConnectorId);
    const batch: WalkItem[] = [];
    for await (const item of walkFiles(driver, folder)) {
      if (seen >= limits.files || Date.now() > deadline) {
        preview.truncated = true;
        break;
      }
      seen++;
      batch.push(item);
      if (batch.length >= 200) await classify(batch.splice(0));
    }
    await classify(batch.splice(0));
  } catch (error) {
    throw apiErrorOfConnector(error);
  } finally {
    await driver?.close().catch(() => undefined);
  }
  if (seen === 0) {
    const [held] = await ctx.db
      .select({ n: count() })
      .from(sourceObservations)
      .where(eq(sourceObservations.offerId, offer.id));
    if ((held?.n ?? 0) > 0) {
      preview.warning =
        `The source folder lists no files although it held ${held!.n} before: the scan would stop without ` +
        'removing anything.';
    }
  }
  return preview;
}
