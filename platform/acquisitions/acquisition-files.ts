// An acquisition's entitled files: the change feed agents follow, one file to download, and download links.
import { and, eq, gt, lt } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { DownloadLink, EntitledFilesPage } from '../../shared/platform';
import { auditDenial, auditSuccess } from '../audit/audit-request';
import { newId } from '../auth/secret-token';
import { sealedKeyId, type SealPurpose } from '../auth/token-sealer';
import type { Executor } from '../db/database';
import { acquisitions, downloadLinks, offerFiles } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { downloadsAllowed, type AcquisitionRow, type AcquisitionService } from './acquisition-service';
import { entitledFilesWhere, entitledPage } from './entitlement';

/** How long a download link works. */
export const DOWNLOAD_LINK_TTL_MS = 30 * 86_400_000;

// Its own purpose, so no other sealed value (an invitation token, a queued e-mail) ever opens as a download link.
// SealPurpose does not list it yet (platform/auth/token-sealer.ts is not this domain's file): the lead adds it.
const PURPOSE: SealPurpose = 'download-link';

/** An offer file's row. */
export type OfferFileRow = typeof offerFiles.$inferSelect;

// What a link names: its row, acquisition, file and expiry (ms), sealed, so it reveals nothing and cannot be altered.
interface LinkClaims {
  readonly l: string;
  readonly a: string;
  readonly f: string;
  readonly e: number;
}

function claimsOf(plain: string | null): LinkClaims | null {
  if (plain === null) return null;
  try {
    const value = JSON.parse(plain) as Partial<LinkClaims>;
    const { l, a, f, e } = value;
    if (typeof l !== 'string' || typeof a !== 'string' || typeof f !== 'string' || typeof e !== 'number') return null;
    return { l, a, f, e };
  } catch {
    return null;
  }
}

const LINK_INVALID = 'This download link is not valid (any more): ask for a new one.';

/**
 * Key versions that sealed download links not expired yet: the vault must keep them (sealed-key-use.ts counts them)
 * or those links stop working before their 30 days.
 */
export async function downloadLinkKeyIdsInUse(db: Executor, now: Date): Promise<ReadonlySet<string>> {
  const rows = await db
    .selectDistinct({ kekId: downloadLinks.kekId })
    .from(downloadLinks)
    .where(gt(downloadLinks.expiresAt, now));
  return new Set(rows.map((row) => row.kekId));
}

/** The files an acquisition gives: the feed, single files for download, links. */
export class AcquisitionFiles {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly acquisitions: AcquisitionService,
  ) {}

  /** Entitled files after the cursor `after` by feed position, and the cursor to pass next. */
  async feed(buyerOrgId: string, acquisitionId: string, after: number, limit: number): Promise<EntitledFilesPage> {
    const row = await this.acquisitions.find(buyerOrgId, acquisitionId);
    const rows = await entitledPage(this.ctx.db, row, after, limit);
    const page = rows.slice(0, limit);
    return {
      items: page.map((f) => ({
        fileId: f.id,
        seq: f.seq!,
        path: f.path,
        name: f.name,
        size: f.size,
        sha256: f.sha256,
        availableAt: f.availableAt!.toISOString(),
      })),
      nextCursor: page.length > 0 ? page[page.length - 1]!.seq! : after,
      hasMore: rows.length > limit,
    };
  }

  /** An entitled file of the acquisition, or not_found (not entitled, removed, another offer's). */
  async entitledFile(row: AcquisitionRow, fileId: string): Promise<OfferFileRow> {
    const [file] = await this.ctx.db
      .select()
      .from(offerFiles)
      .where(and(entitledFilesWhere(row), eq(offerFiles.id, fileId)));
    if (file === undefined) throw notFound('File');
    return file;
  }

  /** The buyer's acquisition and one of its entitled files for a download; a cancelled one refuses. */
  async forDownload(
    buyerOrgId: string,
    acquisitionId: string,
    fileId: string,
  ): Promise<{ acquisition: AcquisitionRow; file: OfferFileRow }> {
    const acquisition = await this.acquisitions.find(buyerOrgId, acquisitionId);
    if (!downloadsAllowed(acquisition)) {
      throw new ApiError('acquisition_inactive', 'This acquisition was cancelled: its files cannot be downloaded.');
    }
    return { acquisition, file: await this.entitledFile(acquisition, fileId) };
  }

  /** A link to download an entitled file without signing in, valid 30 days; audited in the buyer's organisation. */
  async link(
    request: FastifyRequest,
    buyerOrgId: string,
    acquisitionId: string,
    fileId: string,
  ): Promise<DownloadLink> {
    const { file } = await this.forDownload(buyerOrgId, acquisitionId, fileId);
    const now = this.ctx.now();
    const expiresAt = new Date(now.getTime() + DOWNLOAD_LINK_TTL_MS);
    const id = newId('dll');
    const claims: LinkClaims = { l: id, a: acquisitionId, f: file.id, e: expiresAt.getTime() };
    const token = await this.ctx.sealer.seal(JSON.stringify(claims), PURPOSE);
    await this.ctx.db.transaction(async (tx) => {
      // Rows of links expired are of no use any more: the organisation's go as it makes a new one.
      await tx.delete(downloadLinks).where(and(eq(downloadLinks.orgId, buyerOrgId), lt(downloadLinks.expiresAt, now)));
      const row = { id, acquisitionId, fileId: file.id, orgId: buyerOrgId, createdAt: now, expiresAt };
      await tx.insert(downloadLinks).values({ ...row, kekId: sealedKeyId(token) ?? '' });
      await auditSuccess(tx, request, now, { type: 'acquisition', id: acquisitionId });
    });
    return { url: `${this.ctx.publicUrl()}/v1/downloads/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /**
   * The file a download link names, while the link has not expired, its acquisition is not cancelled and the file is
   * still entitled; download_link_invalid otherwise (a refusal about a real acquisition goes to its buyer's log).
   */
  async openLink(request: FastifyRequest, token: string): Promise<{ acquisition: AcquisitionRow; file: OfferFileRow }> {
    const claims = claimsOf(await this.ctx.sealer.open(token, PURPOSE));
    if (claims === null) throw new ApiError('download_link_invalid', LINK_INVALID);
    const [acquisition] = await this.ctx.db.select().from(acquisitions).where(eq(acquisitions.id, claims.a));
    if (acquisition === undefined) throw new ApiError('download_link_invalid', LINK_INVALID);
    const refuse = async (reason: string): Promise<never> => {
      await auditDenial(this.ctx.db, request, this.ctx.now(), reason, [acquisition.buyerOrgId]);
      throw new ApiError('download_link_invalid', LINK_INVALID);
    };
    if (claims.e <= this.ctx.now().getTime()) return refuse('link_expired');
    const [link] = await this.ctx.db.select().from(downloadLinks).where(eq(downloadLinks.id, claims.l));
    if (link?.acquisitionId !== claims.a || link.fileId !== claims.f) return refuse('link_unknown');
    if (!downloadsAllowed(acquisition)) return refuse('acquisition_cancelled');
    const [file] = await this.ctx.db
      .select()
      .from(offerFiles)
      .where(and(entitledFilesWhere(acquisition), eq(offerFiles.id, claims.f)));
    if (file === undefined) return refuse('file_not_entitled');
    return { acquisition, file };
  }
}
