import { z } from 'zod';
import { defineMethods } from './contract';

// The acquisitions screen's own methods (beside the platform routes of org-api-ipc.ts): saving an entitled file on
// this computer, and previewing a delivery naming pattern with the same code the platform delivers with.

const Id = z.string().min(1).max(100);

/** Where a download went: saved (path, bytes, verified SHA-256), or not (the user cancelled the save dialog). */
export const DownloadResultSchema = z.discriminatedUnion('saved', [
  z.object({ saved: z.literal(true), path: z.string(), bytes: z.number().int(), sha256: z.string() }),
  z.object({ saved: z.literal(false) }),
]);
/** Where a download went. */
export type DownloadResult = z.infer<typeof DownloadResultSchema>;

/** A naming pattern's expansion for one file, or why the pattern is refused (English, from the delivery code). */
export const NamingPreviewSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), path: z.string() }),
  z.object({ ok: z.literal(false), problem: z.string() }),
]);
/** A naming pattern's expansion, or its problem. */
export type NamingPreview = z.infer<typeof NamingPreviewSchema>;

/** The acquisitions screen's methods that are not platform routes. */
export const acquisitionsMethods = defineMethods({
  'acquisitions.download': {
    summary:
      'Saves an entitled file where the user chooses (a save dialog), through a download link, verifying its SHA-256.',
    input: z
      .object({ acquisitionId: Id, fileId: Id, name: z.string().min(1).max(255), sha256: z.string().max(64) })
      .strict(),
    output: DownloadResultSchema,
  },
  'deliveries.previewNaming': {
    summary: 'Expands a delivery naming pattern for one file, as the platform will (or says why it is refused).',
    input: z
      .object({
        pattern: z.string().max(500),
        offerTitle: z.string().max(1000),
        filePath: z.string().max(4096),
        acquisitionId: z.string().max(100),
        availableAt: z.string().max(40),
      })
      .strict(),
    output: NamingPreviewSchema,
  },
});
