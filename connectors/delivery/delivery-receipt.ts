// The receipt written beside each delivered file, by the platform (connector targets) and the desktop agent alike.
import type { Driver } from '../driver';
import { statOrNull } from '../stored-file';
import { readSmallFile, writeSmallFile } from './place-file';

/** The delivery receipt written beside each delivered file (both sides can check the bytes against it). */
export interface DeliveryReceipt {
  readonly ferryDeliveryReceipt: 1;
  readonly file: { readonly id: string; readonly name: string; readonly pathInOffer: string };
  /** Where the file is, in the buyer's connector. */
  readonly path: string;
  readonly conflict: boolean;
  readonly size: number;
  readonly sha256: string;
  readonly offer: { readonly id: string; readonly title: string };
  readonly acquisition: { readonly id: string };
  readonly providerOrgId: string;
  readonly buyerOrgId: string;
  /** The platform's delivery row, or for a desktop agent `agent:<targetId>:<fileId>` (its row may not exist yet). */
  readonly deliveryId: string;
  readonly deliveredAt: string;
}

/** Where a receipt goes: `<file>.ferry-receipt.json`, else a name that carries the delivery ID. */
export function receiptPathsOf(filePath: string, deliveryId: string): readonly string[] {
  const safeId = deliveryId.replace(/[^A-Za-z0-9_-]/g, '-');
  return [`${filePath}.ferry-receipt.json`, `${filePath}.ferry-receipt-${safeId}.json`];
}

/**
 * Writes the receipt beside its file and returns its path. A receipt for these very bytes at this path (an earlier
 * run, another target of the same folder) stands; anything else found under a receipt's name is never overwritten.
 */
export async function writeReceipt(
  destination: Driver,
  receipt: DeliveryReceipt,
  signal?: AbortSignal,
): Promise<string> {
  for (const path of receiptPathsOf(receipt.path, receipt.deliveryId)) {
    const existing = await statOrNull(destination, path, signal);
    if (existing === null) {
      await writeSmallFile(destination, path, `${JSON.stringify(receipt, null, 2)}\n`, signal);
      return path;
    }
    const found = await readSmallFile(destination, path, signal).catch(() => '');
    try {
      const parsed = JSON.parse(found) as Partial<DeliveryReceipt>;
      if (parsed.sha256 === receipt.sha256 && parsed.path === receipt.path) return path;
    } catch {
      // Not a receipt of ours: never overwritten, the next name is tried.
    }
  }
  throw new Error(`Receipts of other files are in the way beside ${receipt.path}.`);
}
