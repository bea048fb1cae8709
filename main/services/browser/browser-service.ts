import os from 'node:os';
import type { Driver } from '../../../connectors/driver';
import { parentPath } from '../../../connectors/path-safety';
import type { BrowserAbilities, BrowserEntry, BrowserPreview, BrowserSort } from '../../../shared/ipc/browser-ipc';
import type { PreferenceValue } from '../../../shared/ipc/ui-ipc';
import type { ConnectorLocation, DriverProvider } from '../connectors/driver-provider';
import { abilitiesOf, makeFolder, removeEntry, renameEntry } from './entry-operations';
import { FolderListing, type ListingWindow } from './folder-listing';
import { previewFile } from './file-preview';

/** The UI preference that shows dot-files in listings (the renderer's toggle sets it). */
export const SHOW_HIDDEN_PREFERENCE = 'browser.show-hidden';

/** Asks the OS which local files or folder to use; absolute paths, or null when the user cancelled. */
export type LocalChooser = (mode: 'folder' | 'items') => Promise<readonly string[] | null>;

/** Folders kept in memory at once (the most recently used). */
const MAX_LISTINGS = 20;

/** What the browser needs: drivers, and to hear when a connector changed so its driver is reopened. */
export interface BrowserServiceOptions {
  readonly drivers: DriverProvider;
  readonly onConnectorChange?: (listener: (id: string) => void) => () => void;
  readonly homeDir?: string;
  /** Remembered UI preferences: whether dot-files are shown (hidden when absent). */
  readonly preferences?: { get(key: string): PreferenceValue | null };
  /** The OS's open dialog (Electron); absent in the harness, whose renderer uses its own picker. */
  readonly chooseLocal?: LocalChooser;
}

/**
 * The file browser's main side: one driver per connector while browsing, folders read page by page and kept
 * (recently used first), details, and a preview of a file's first bytes.
 */
export class BrowserService {
  private readonly drivers = new Map<string, Promise<Driver>>();
  private readonly listings = new Map<string, FolderListing>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: BrowserServiceOptions) {
    this.unsubscribe = options.onConnectorChange?.((id) => void this.forget(id)) ?? (() => undefined);
  }

  /** A window of a folder; `refresh` reads it again. */
  async list(
    where: ConnectorLocation,
    window: {
      offset: number;
      limit: number;
      sort: BrowserSort;
      filter: string;
      refresh?: boolean;
      showHidden?: boolean;
    },
  ): Promise<ListingWindow> {
    const showHidden = window.showHidden ?? this.options.preferences?.get(SHOW_HIDDEN_PREFERENCE) === true;
    const key = `${where.connectorId}\n${where.path}`;
    let listing = this.listings.get(key);
    if (listing === undefined || window.refresh === true) {
      listing = new FolderListing(await this.driver(where.connectorId), where.path);
    }
    // Most recently used last; the oldest folders are forgotten.
    this.listings.delete(key);
    this.listings.set(key, listing);
    while (this.listings.size > MAX_LISTINGS) this.listings.delete(this.listings.keys().next().value!);
    try {
      return await listing.window(window.offset, window.limit, window.sort, window.filter, showHidden);
    } catch (error) {
      this.listings.delete(key);
      throw error;
    }
  }

  /** The current facts about one entry. */
  async details(where: ConnectorLocation): Promise<BrowserEntry & { hashes?: Record<string, string> }> {
    const entry = await (await this.driver(where.connectorId)).stat(where.path);
    const hashes = Object.fromEntries(Object.entries(entry.hashes ?? {}).filter((e) => typeof e[1] === 'string'));
    return {
      name: entry.name,
      path: entry.path,
      type: entry.type,
      ...(entry.size === undefined ? {} : { size: entry.size }),
      ...(entry.mtimeMs === undefined ? {} : { mtimeMs: entry.mtimeMs }),
      ...(Object.keys(hashes).length === 0 ? {} : { hashes }),
    };
  }

  /** The first bytes of a file as text or CSV rows. */
  async preview(where: ConnectorLocation): Promise<BrowserPreview> {
    const driver = await this.driver(where.connectorId);
    const entry = await driver.stat(where.path);
    if (entry.type !== 'file') return { kind: 'binary', bytes: 0, truncated: false };
    return previewFile(driver, where.path, entry.size);
  }

  /** What the browser may do on a connector (from its driver's capabilities). */
  async abilities(connectorId: string): Promise<BrowserAbilities> {
    return abilitiesOf(await this.driver(connectorId));
  }

  /** Creates folder `name` in the folder `where`; its listing is read again next time. */
  async mkdir(where: ConnectorLocation, name: string): Promise<{ path: string }> {
    const path = await makeFolder(await this.driver(where.connectorId), where.path, name);
    this.changed(where.connectorId, [where.path]);
    return { path };
  }

  /** Renames the entry at `where` to `name` in its folder. */
  async rename(where: ConnectorLocation, name: string): Promise<{ path: string }> {
    const path = await renameEntry(await this.driver(where.connectorId), where.path, name);
    this.changed(where.connectorId, [parentPath(path), where.path]);
    return { path };
  }

  /** Deletes files and folders (with their contents) of one connector, one after the other. */
  async remove(connectorId: string, paths: readonly string[]): Promise<{ removed: number }> {
    const driver = await this.driver(connectorId);
    let removed = 0;
    try {
      for (const path of paths) removed += await removeEntry(driver, path);
    } finally {
      this.changed(
        connectorId,
        paths.flatMap((p) => [parentPath(p), p]),
      );
    }
    return { removed };
  }

  /** The local-disk locations of absolute paths (each checked by the local-disk rules). */
  localLocations(paths: readonly string[]): ConnectorLocation[] {
    return paths.map((p) => this.options.drivers.localLocation(p));
  }

  /** The OS's open dialog's choice as local-disk locations; `native: false` when there is no such dialog. */
  async chooseLocal(mode: 'folder' | 'items'): Promise<{ native: boolean; locations: ConnectorLocation[] }> {
    if (this.options.chooseLocal === undefined) return { native: false, locations: [] };
    const chosen = await this.options.chooseLocal(mode);
    return { native: true, locations: this.localLocations(chosen ?? []) };
  }

  /** The user's home folder on the local disk. */
  home(): ConnectorLocation {
    return this.options.drivers.localLocation(this.options.homeDir ?? os.homedir());
  }

  /** Closes every driver. */
  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.allSettled([...this.drivers.keys()].map((id) => this.forget(id)));
  }

  // Folders whose kept listing is stale after a change (the folder itself and what lies under it).
  private changed(connectorId: string, folders: readonly string[]): void {
    for (const key of [...this.listings.keys()]) {
      const [id, path] = key.split('\n') as [string, string];
      if (id !== connectorId) continue;
      if (folders.some((f) => path === f || path.startsWith(`${f}/`))) this.listings.delete(key);
    }
  }

  private driver(connectorId: string): Promise<Driver> {
    let opened = this.drivers.get(connectorId);
    if (opened === undefined) {
      opened = this.options.drivers.open(connectorId);
      this.drivers.set(connectorId, opened);
      // A failed open is not kept: the next call tries again (e.g. after the user confirmed a host key).
      opened.catch(() => this.drivers.delete(connectorId));
    }
    return opened;
  }

  /** Drops a connector's driver and folders (its settings changed or it was deleted). */
  private async forget(connectorId: string): Promise<void> {
    for (const key of [...this.listings.keys()]) if (key.startsWith(`${connectorId}\n`)) this.listings.delete(key);
    const opened = this.drivers.get(connectorId);
    this.drivers.delete(connectorId);
    await opened?.then((d) => d.close()).catch(() => undefined);
  }
}
