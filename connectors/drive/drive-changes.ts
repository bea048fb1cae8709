import { type drive_v3 } from '@googleapis/drive';
import { type ChangesOptions, type ChangesResult } from '../capabilities';
import { isConnectorError } from '../connector-error';
import { type Entry, type ListOptions, type ListPage } from '../driver';
import { checkEntryName, isWithin, joinPath } from '../path-safety';
import { type DriveFile, type DriveLookups, type DrivePaths, FILE_FIELDS, isFolder, isGoogleApps } from './drive-paths';
import { googleDocExport } from './google-docs-export';

/** What the change feed needs of the driver: its lookups, its paths, its entries and listings. */
export interface DriveChangesHost extends DriveLookups {
  readonly paths: DrivePaths;
  /** The entry of a Drive item at connector path `p`. */
  readonly entryOf: (file: DriveFile, p: string) => Entry;
  /** One page of a folder's listing (the driver's `list`, duplicates and unsafe names left out). */
  readonly list: (p: string, options: ListOptions) => Promise<ListPage>;
  readonly driveId: string | undefined;
}

/** An item on the way up from a changed file: its name, parent and state. */
interface Ancestor {
  readonly name: string;
  readonly parent: string | undefined;
  readonly trashed: boolean;
}

// The same file fields as listings, so a file's look (size, time, digests) is the same whichever way it was found.
const CHANGE_FIELDS =
  'nextPageToken,newStartPageToken,' + `changes(changeType,fileId,removed,time,file(${FILE_FIELDS},parents,trashed))`;
const DEFAULT_PAGE_SIZE = 1000;
// Deeper than any real tree: a longer chain of parents is a loop, and the item is left out.
const MAX_DEPTH = 200;

/**
 * Drive's change feed (changes.list with a saved page token) as the ChangeFeed capability. A change is placed by
 * walking its item's `parents` up to the watched folder (IDs cached for one call); an item outside it is ignored.
 * A file created, changed, renamed or moved in is reported at its path now; a trashed item is removed; a folder
 * created, renamed or moved in is listed whole (its files were not changed, so the feed does not name them). A file
 * deleted for good (not trashed) or moved out is not reported: Drive no longer says where it was. An unknown or
 * expired token (400 or 404) is 'expired'.
 */
export class DriveChanges {
  /** My Drive's real root ID, once asked. */
  private myDriveRoot: Promise<string> | undefined;

  constructor(private readonly host: DriveChangesHost) {}

  /**
   * The feed's current start page token (of the Shared Drive when one is set), prefixed with its corpus: Drive's
   * tokens are small numbers, and one from another corpus (the connector now set to another Shared Drive) must not
   * pass for this one's.
   */
  async cursor(signal?: AbortSignal): Promise<string> {
    const { data } = await this.host.call(
      '',
      () =>
        this.host
          .client()
          .api.changes.getStartPageToken(
            { supportsAllDrives: true, ...this.corpus(), fields: 'startPageToken' },
            { signal },
          ),
      signal,
    );
    return `${this.corpusKey()}~${data.startPageToken!}`;
  }

  /** The changes under `folder` since `token` (see the class). */
  async since(folder: string, cursor: string, options: ChangesOptions = {}): Promise<ChangesResult> {
    const { signal } = options;
    const prefix = `${this.corpusKey()}~`;
    if (!cursor.startsWith(prefix) || cursor.length === prefix.length) return { kind: 'expired' };
    const token = cursor.slice(prefix.length);
    const folderId = await this.realId(await this.host.paths.folderId(folder, signal), signal);
    const ancestors = new Map<string, Promise<Ancestor | undefined>>();
    const files = new Map<string, Entry>();
    const removed = new Set<string>();
    const folders: string[] = [];
    let pageToken = token;
    for (;;) {
      let data: drive_v3.Schema$ChangeList;
      try {
        ({ data } = await this.host.call(
          folder,
          () =>
            this.host.client().api.changes.list(
              {
                pageToken,
                pageSize: Math.min(1000, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE)),
                fields: CHANGE_FIELDS,
                spaces: 'drive',
                supportsAllDrives: true,
                includeItemsFromAllDrives: true,
                ...this.corpus(),
              },
              { signal },
            ),
          signal,
        ));
      } catch (error) {
        if (isConnectorError(error, 'InvalidInput') || isConnectorError(error, 'NotFound')) return { kind: 'expired' };
        throw error;
      }
      for (const change of data.changes ?? []) {
        const file = change.file;
        if (change.changeType !== 'file' || change.removed === true || file == null || file.id == null) continue;
        if (file.id === folderId) {
          if (file.trashed === true) removed.add(folder);
          continue;
        }
        const where = await this.place(file, folder, folderId, ancestors, signal);
        if (where === undefined) continue;
        if (file.trashed === true || where.trashed) removed.add(where.path);
        else if (isFolder(file)) folders.push(where.path);
        else {
          const entry = await this.entryAt(file, where.path, signal);
          if (entry !== undefined) files.set(entry.path, entry);
        }
      }
      if (data.nextPageToken != null) pageToken = data.nextPageToken;
      else {
        for (const p of folders) if (![...removed].some((gone) => isWithin(p, gone))) await this.walk(p, files, signal);
        for (const p of files.keys()) removed.delete(p);
        const next = `${prefix}${data.newStartPageToken!}`;
        return { kind: 'changes', files: [...files.values()], removed: [...removed], cursor: next };
      }
    }
  }

  /** The ID items name as their parent ('root', My Drive's alias, is asked once for the real one). */
  private async realId(id: string, signal?: AbortSignal): Promise<string> {
    if (id !== 'root') return id;
    this.myDriveRoot ??= this.host
      .call('', () => this.host.client().api.files.get({ fileId: 'root', fields: 'id' }, { signal }), signal)
      .then(({ data }) => data.id!);
    this.myDriveRoot.catch(() => (this.myDriveRoot = undefined));
    return this.myDriveRoot;
  }

  /** The corpus a token belongs to: the Shared Drive's ID, or 'user' (every drive the account reaches). */
  private corpusKey(): string {
    return this.host.driveId ?? 'user';
  }

  /** The Shared Drive's corpus when one is set. */
  private corpus(): { driveId?: string } {
    return this.host.driveId === undefined ? {} : { driveId: this.host.driveId };
  }

  /**
   * The connector path of an item under the watched folder (by its parents), and whether an ancestor is trashed;
   * undefined when it lies outside the folder or a name on the way is one path safety refuses.
   */
  private async place(
    file: DriveFile,
    folder: string,
    folderId: string,
    ancestors: Map<string, Promise<Ancestor | undefined>>,
    signal?: AbortSignal,
  ): Promise<{ readonly path: string; readonly trashed: boolean } | undefined> {
    const names: string[] = [];
    let trashed = false;
    let parent = file.parents?.[0] ?? undefined;
    for (let depth = 0; parent !== undefined && depth < MAX_DEPTH; depth++) {
      if (parent === folderId) {
        let p = folder;
        for (const name of names.reverse()) {
          if (!checkEntryName(name).ok) return undefined;
          p = joinPath(p, name);
        }
        const name = this.nameOf(file);
        return name === undefined || !checkEntryName(name).ok ? undefined : { path: joinPath(p, name), trashed };
      }
      const up = await this.ancestor(parent, ancestors, signal);
      if (up === undefined) return undefined;
      names.push(up.name);
      trashed ||= up.trashed;
      parent = up.parent;
    }
    return undefined;
  }

  /** A folder on the way up, fetched once per call; undefined when Drive no longer has it. */
  private ancestor(
    id: string,
    cache: Map<string, Promise<Ancestor | undefined>>,
    signal?: AbortSignal,
  ): Promise<Ancestor | undefined> {
    let found = cache.get(id);
    if (found === undefined) {
      found = this.host
        .call(
          '',
          () =>
            this.host
              .client()
              .api.files.get({ fileId: id, fields: 'id,name,parents,trashed', supportsAllDrives: true }, { signal }),
          signal,
        )
        .then(
          ({ data }): Ancestor => ({
            name: data.name ?? '',
            parent: data.parents?.[0] ?? undefined,
            trashed: data.trashed === true,
          }),
          (error: unknown) => {
            if (isConnectorError(error, 'NotFound')) return undefined;
            throw error;
          },
        );
      cache.set(id, found);
    }
    return found;
  }

  /** The name an item lists under (an exported Google Doc with its extension); undefined when it is never listed. */
  private nameOf(file: DriveFile): string | undefined {
    const name = file.name ?? '';
    if (!isGoogleApps(file) || isFolder(file)) return name;
    const how = googleDocExport(file.mimeType ?? '', this.host.googleDocs);
    return how.kind === 'skip' ? undefined : name + how.format.extension;
  }

  /** The entry of a changed file, unless a listing would leave it out (a name held twice). */
  private async entryAt(file: DriveFile, p: string, signal?: AbortSignal): Promise<Entry | undefined> {
    const parentId = file.parents?.[0];
    // A name held twice is never listed (see the driver's list): the feed leaves it out alike.
    if (parentId != null && (await this.host.paths.named(parentId, file.name ?? '', p, signal)).length > 1) {
      return undefined;
    }
    return this.host.entryOf(file, p);
  }

  /** Every file under a folder that appeared in the tree, through the driver's own listing. */
  private async walk(folder: string, files: Map<string, Entry>, signal?: AbortSignal): Promise<void> {
    const pending = [folder];
    while (pending.length > 0) {
      const current = pending.pop()!;
      let cursor: string | undefined;
      do {
        const page = await this.host.list(current, { ...(cursor === undefined ? {} : { cursor }), signal });
        for (const entry of page.entries) {
          if (entry.type === 'directory') pending.push(entry.path);
          else files.set(entry.path, entry);
        }
        cursor = page.cursor;
      } while (cursor !== undefined);
    }
  }
}
