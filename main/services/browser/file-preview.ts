import type { Readable } from 'node:stream';
import type { Driver } from '../../../connectors/driver';
import type { BrowserPreview } from '../../../shared/ipc/browser-ipc';
import { csvRows } from './csv-rows';

/** How many bytes of a file a preview reads. */
export const PREVIEW_BYTES = 64 * 1024;

const CSV = /\.(csv|tsv)$/i;

/** Reads at most `limit` bytes from a stream, then destroys it. */
async function head(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/** Decodes UTF-8 text, allowing a character cut at the end; undefined for binary data (NUL or invalid UTF-8). */
function textOf(bytes: Buffer, cut: boolean): string | undefined {
  if (bytes.includes(0)) return undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  // A multi-byte character may straddle the cut: try without up to 3 trailing bytes.
  for (let drop = 0; drop <= (cut ? 3 : 0); drop++) {
    try {
      return decoder.decode(bytes.subarray(0, bytes.length - drop));
    } catch {
      // try again with one byte fewer
    }
  }
  return undefined;
}

/** The first bytes of a file as text or CSV rows (binary files show nothing). */
export async function previewFile(driver: Driver, path: string, size: number | undefined): Promise<BrowserPreview> {
  const wanted = size === undefined ? PREVIEW_BYTES : Math.min(size, PREVIEW_BYTES);
  if (size === 0) return { kind: 'empty', bytes: 0, truncated: false };
  const stream = await driver.read(
    path,
    driver.capabilities.rangedRead ? { range: { offset: 0, length: PREVIEW_BYTES } } : {},
  );
  const bytes = await head(stream, PREVIEW_BYTES);
  const truncated = size === undefined ? bytes.length >= PREVIEW_BYTES : size > bytes.length;
  if (bytes.length === 0) return { kind: 'empty', bytes: 0, truncated: false };
  const text = textOf(bytes, truncated || bytes.length < wanted);
  if (text === undefined) return { kind: 'binary', bytes: bytes.length, truncated };
  if (CSV.test(path)) {
    const delimiter = /\.tsv$/i.test(path) ? '\t' : undefined;
    return { kind: 'csv', bytes: bytes.length, truncated, rows: csvRows(text, !truncated, delimiter) };
  }
  return { kind: 'text', bytes: bytes.length, truncated, text };
}
