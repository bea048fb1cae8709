import os from 'node:os';
import type { Driver } from '../../../connectors/driver';
import type { BrowserEntry, BrowserPreview, BrowserSort } from '../../../shared/ipc/browser-ipc';
import type { ConnectorLocation, DriverProvider } from '../connectors/driver-provider';
import { FolderListing, type ListingWindow } from './folder-listing';
import { previewFile } from './file-preview';

/** Folders kept in memory at once (the most recently used). */
const MAX_LISTINGS = 20;

/** What the browser needs: drivers, and to hear when a connector changed so its driver is reopened. */
export interface BrowserServiceOptions {
  readonly drivers: DriverProvider;
  readonly onConnectorChange?: (listener: (id: string) => void) => () => void;
  readonly homeDir?: string;
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
    window: { offset: number; limit: number; sort: BrowserSort; filter: string; refresh?: boolean },
  ): Promise<ListingWindow> {
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
      return await listing.window(window.offset, window.limit, window.sort, window.filter);
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

  /** The user's home folder on the local disk. */
  home(): ConnectorLocation {
    return this.options.drivers.localLocation(this.options.homeDir ?? os.homedir());
  }

  /** Closes every driver. */
  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.allSettled([...this.drivers.keys()].map((id) => this.forget(id)));
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
