// Walks a publish binding's folder page by page: memory holds one page and the folders still to list.
import picomatch from 'picomatch';
import type { Driver, Entry } from '../../../connectors/driver';
import { baseName } from '../../../connectors/path-safety';

/** What a scan meets: a file to consider, a file the binding's globs leave out, or a name path safety refused. */
export type ScanItem =
  | { readonly kind: 'file'; readonly path: string; readonly entry: Entry }
  | { readonly kind: 'excluded'; readonly path: string; readonly entry: Entry }
  | { readonly kind: 'rejected'; readonly path: string; readonly reason: string };

/** What to keep of a folder. */
export interface SourceScanOptions {
  /** Globs on the path under the folder; a file must match one when any is given. */
  readonly include?: readonly string[];
  /** Globs on the path under the folder; a matching file is left out. */
  readonly exclude?: readonly string[];
  readonly signal?: AbortSignal;
  /** Entries asked per listing call. */
  readonly pageSize?: number;
}

/** Folders a scan keeps waiting at most: a deeper or wider tree stops with an error rather than fill memory. */
export const MAX_PENDING_FOLDERS = 10_000;

/** Entries asked per listing call unless told. */
export const SCAN_PAGE_SIZE = 500;

/** A scan that stopped at its bound (too many folders waiting to be listed). */
export class ScanBoundError extends Error {
  override readonly name = 'ScanBoundError';
}

// Ferry's own files in a folder: partial copies, delivery staging files and delivery receipts.
const FERRY_OWN = [/^\.ferry-partial-/, /^\.ferry-delivery-/, /\.ferry-receipt(?:-[^/]*)?\.json$/];

/** Whether a file name is one of Ferry's own hidden or receipt files (never published). */
export function isFerryOwnName(name: string): boolean {
  return FERRY_OWN.some((pattern) => pattern.test(name));
}

/**
 * Whether a path under the folder passes the globs: it matches an include (when any) and no exclude. Globs follow
 * picomatch on the whole relative path ('*' stays in one folder, '**' crosses folders) and match dot files too.
 */
export function pathFilter(
  include: readonly string[] = [],
  exclude: readonly string[] = [],
): (path: string) => boolean {
  const included = include.length === 0 ? () => true : picomatch([...include], { dot: true });
  const excluded = exclude.length === 0 ? () => false : picomatch([...exclude], { dot: true });
  return (path) => included(path) && !excluded(path);
}

/** The path of a connector path relative to `folder` (both normalised; '' is the root). */
export function relativeTo(folder: string, path: string): string {
  return folder === '' ? path : path.slice(folder.length + 1);
}

/** The connector path of a path relative to `folder`. */
export function underFolder(folder: string, relative: string): string {
  return folder === '' ? relative : `${folder}/${relative}`;
}

/**
 * Every file under `folder` (a normalised connector path), recursively, depth first, in listing order, with its path
 * relative to the folder: Ferry's own files are left out silently, files outside the globs come as `excluded`, names
 * path safety refused as `rejected` (never followed). Listing errors throw (ConnectorError), as does ScanBoundError.
 */
export async function* scanFolder(
  driver: Driver,
  folder: string,
  options: SourceScanOptions = {},
): AsyncGenerator<ScanItem> {
  const keep = pathFilter(options.include, options.exclude);
  const pending: string[] = [folder];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let cursor: string | undefined;
    do {
      const page = await driver.list(current, {
        pageSize: options.pageSize ?? SCAN_PAGE_SIZE,
        ...(cursor === undefined ? {} : { cursor }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      for (const rejected of page.rejected) {
        const path = relativeTo(folder, current === '' ? rejected.rawName : `${current}/${rejected.rawName}`);
        yield { kind: 'rejected', path, reason: rejected.reason };
      }
      for (const entry of page.entries) {
        if (entry.type === 'directory') {
          if (pending.length >= MAX_PENDING_FOLDERS) {
            throw new ScanBoundError(
              `More than ${MAX_PENDING_FOLDERS} folders wait to be listed under ${folder || 'the root'}.`,
            );
          }
          pending.push(entry.path);
          continue;
        }
        if (isFerryOwnName(baseName(entry.path))) continue;
        const path = relativeTo(folder, entry.path);
        yield { kind: keep(path) ? 'file' : 'excluded', path, entry };
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}
