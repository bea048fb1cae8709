import { setTimeout as sleep } from 'node:timers/promises';
import { type drive_v3 } from '@googleapis/drive';
import { type DriveOptions } from '../../shared/connectors/drive-descriptor';
import { ConnectorError, isConnectorError } from '../connector-error';
import { baseName, isWithin, parentPath } from '../path-safety';
import { type DriveClient } from './drive-client';
import { FOLDER_MIME, GOOGLE_APPS_PREFIX, googleDocExport } from './google-docs-export';

/** A Drive item as the API returns it. */
export type DriveFile = drive_v3.Schema$File;

/** The fields Ferry asks for each item. */
export const FILE_FIELDS = 'id,name,mimeType,size,md5Checksum,sha256Checksum,modifiedTime,createdTime,driveId';

// How often, and how patiently, a folder creation looks again at a name that twin folders share for a moment.
const TWIN_LOOKUPS = 5;
const TWIN_WAIT_MS = 100;

/** A string literal of Drive's query language. */
export function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Whether an item is a Google Docs editors file (only exported, never read as bytes). */
export const isGoogleApps = (file: DriveFile): boolean => (file.mimeType ?? '').startsWith(GOOGLE_APPS_PREFIX);

/** Whether an item is a folder. */
export const isFolder = (file: DriveFile): boolean => file.mimeType === FOLDER_MIME;

/** Where listings look (the Shared Drive's corpus, or every drive the account reaches). */
export type DriveScope = Pick<
  drive_v3.Params$Resource$Files$List,
  'corpora' | 'driveId' | 'supportsAllDrives' | 'includeItemsFromAllDrives'
>;

/** How DrivePaths reaches Drive: the driver's client, its calls (rate limits waited out, errors mapped), its scope. */
export interface DriveLookups {
  readonly client: () => DriveClient;
  readonly call: <T>(p: string, run: () => Promise<T>, signal?: AbortSignal) => Promise<T>;
  readonly scope: () => DriveScope;
  readonly rootId: string;
  readonly googleDocs: DriveOptions['googleDocs'];
}

/**
 * Connector paths over Drive's IDs: each segment looked up by name in its parent, folder IDs cached (pending lookups
 * and creations included, so concurrent writers share one creation; writers of other drivers that create the same
 * folder at once converge on the oldest), several items of one name a Conflict.
 */
export class DrivePaths {
  /** Folder IDs by connector path ('' the root); pending lookups and creations included. */
  private readonly folders = new Map<string, Promise<string>>();

  constructor(private readonly drive: DriveLookups) {}

  /** The untrashed items named `name` in a folder. */
  async named(parentId: string, name: string, p: string, signal?: AbortSignal): Promise<DriveFile[]> {
    const { data } = await this.drive.call(
      p,
      () =>
        this.drive.client().api.files.list(
          {
            ...this.drive.scope(),
            q: `${quoted(parentId)} in parents and name = ${quoted(name)} and trashed = false`,
            fields: `files(${FILE_FIELDS})`,
            pageSize: 100,
          },
          { signal },
        ),
      signal,
    );
    return data.files ?? [];
  }

  /** The one item named `name` in a folder (an exported Google Doc by its exported name); Conflict when several. */
  async child(parentId: string, p: string, signal?: AbortSignal): Promise<DriveFile | undefined> {
    const name = baseName(p);
    let found = await this.named(parentId, name, p, signal);
    if (found.length === 0 && this.drive.googleDocs !== 'skip') {
      const dot = name.lastIndexOf('.');
      if (dot > 0) {
        found = (await this.named(parentId, name.slice(0, dot), p, signal)).filter((f) => {
          const how = googleDocExport(f.mimeType ?? '', this.drive.googleDocs);
          return isGoogleApps(f) && how.kind === 'export' && how.format.extension === name.slice(dot);
        });
      }
    }
    if (found.length > 1) {
      throw new ConnectorError('Conflict', `${found.length} items are named "${name}" in this Drive folder: ${p}`, {
        path: p,
        hint: 'Drive allows duplicate names; Ferry will not guess which one is meant. Rename or remove the extra ones in Drive.',
      });
    }
    return found[0];
  }

  /** The ID of the folder at `p`, cached; NotFound when absent, Conflict when a file has its name. */
  folderId(p: string, signal?: AbortSignal): Promise<string> {
    if (p === '') return Promise.resolve(this.drive.rootId);
    const cached = this.folders.get(p);
    if (cached !== undefined) return cached;
    const lookup = (async () => {
      const parentId = await this.folderId(parentPath(p), signal);
      const found = await this.child(parentId, p, signal);
      if (found === undefined) throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
      if (!isFolder(found)) throw new ConnectorError('Conflict', `Not a folder: ${p}`, { path: p });
      return found.id!;
    })();
    this.remember(p, lookup);
    return lookup;
  }

  /** Caches a pending folder ID, forgetting it when it fails. */
  private remember(p: string, pending: Promise<string>): void {
    this.folders.set(p, pending);
    pending.catch(() => {
      if (this.folders.get(p) === pending) this.folders.delete(p);
    });
  }

  /** The folder at `p` and its parents, created as needed (concurrent writers share one creation). */
  async ensureFolder(p: string, signal?: AbortSignal): Promise<string> {
    if (p === '') return this.drive.rootId;
    for (;;) {
      const pending = this.folders.get(p);
      if (pending === undefined) break;
      try {
        return await pending;
      } catch (error) {
        if (!isConnectorError(error, 'NotFound')) throw error;
      }
    }
    const creation = (async () => {
      const parentId = await this.ensureFolder(parentPath(p), signal);
      const found = await this.settledChild(parentId, p, signal);
      if (found !== undefined) {
        if (!isFolder(found)) throw new ConnectorError('Conflict', `A file is in the way of folder ${p}`, { path: p });
        return found.id!;
      }
      const { data } = await this.drive.call(
        p,
        () =>
          this.drive.client().api.files.create(
            {
              requestBody: { name: baseName(p), mimeType: FOLDER_MIME, parents: [parentId] },
              fields: 'id',
              supportsAllDrives: true,
            },
            { signal },
          ),
        signal,
      );
      return this.keepOldest(parentId, p, data.id!, signal);
    })();
    this.remember(p, creation);
    return creation;
  }

  /**
   * The one item at `p`, looked up again a few times while several share its name: a racer that made a twin folder
   * trashes it within moments (keepOldest); duplicates that stay are a Conflict, as everywhere.
   */
  private async settledChild(parentId: string, p: string, signal?: AbortSignal): Promise<DriveFile | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.child(parentId, p, signal);
      } catch (error) {
        if (!isConnectorError(error, 'Conflict') || attempt >= TWIN_LOOKUPS) throw error;
        await sleep(TWIN_WAIT_MS * attempt, undefined, signal === undefined ? {} : { signal });
      }
    }
  }

  /**
   * The folder to use after creating `created` at `p`: Drive allows two folders of one name, and another driver (a
   * concurrent job, another instance) may have made the same one meanwhile. Every racer keeps the oldest (then the
   * smallest ID) and trashes its own when it is not that one, so all converge on one folder, which stays usable.
   */
  private async keepOldest(parentId: string, p: string, created: string, signal?: AbortSignal): Promise<string> {
    const twins = (await this.named(parentId, baseName(p), p, signal)).filter(isFolder);
    const oldest = twins.sort(
      (a, b) => (a.createdTime ?? '').localeCompare(b.createdTime ?? '') || (a.id ?? '').localeCompare(b.id ?? ''),
    )[0];
    if (oldest?.id == null || oldest.id === created) return created;
    await this.drive.call(
      p,
      () =>
        this.drive
          .client()
          .api.files.update(
            { fileId: created, requestBody: { trashed: true }, fields: 'id', supportsAllDrives: true },
            { signal },
          ),
      signal,
    );
    return oldest.id;
  }

  /** The item at `p` ('' the root folder); NotFound when absent. */
  async resolve(p: string, signal?: AbortSignal): Promise<DriveFile> {
    if (p === '') return { id: this.drive.rootId, name: '', mimeType: FOLDER_MIME };
    const parentId = await this.folderId(parentPath(p), signal);
    const found = await this.child(parentId, p, signal);
    if (found === undefined) throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
    return found;
  }

  /** Drops the cached IDs of a folder and everything under it. */
  forget(p: string): void {
    for (const cached of [...this.folders.keys()]) if (isWithin(cached, p)) this.folders.delete(cached);
  }

  /** Caches the ID of a folder met in a listing (a lookup under way is left alone). */
  learn(p: string, id: string): void {
    if (!this.folders.has(p)) this.folders.set(p, Promise.resolve(id));
  }

  /** Forgets every cached ID. */
  clear(): void {
    this.folders.clear();
  }
}
