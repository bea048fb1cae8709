import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Readable } from 'node:stream';
import { vi } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { type Driver, type ReadOptions } from '../../../connectors/driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { MemoryDriver, MemoryStore } from '../../../connectors/memory/memory-driver';
import type { ConnectorLocation, DriverProvider } from '../../../main/services/connectors/driver-provider';
import { JsonFileStore } from '../../../main/services/json-file-store';
import type { TransferNotification } from '../../../main/services/transfers/batch-notification';
import { TransfersService, type TransfersServiceOptions } from '../../../main/services/transfers/transfers-service';
import type { Transfer, TransferState } from '../../../shared/ipc/transfers-ipc';
import { streamOf } from '../../kit/test-streams';

/** Every read a driver served: path and range offset (0 without a range). */
export type ReadLog = { readonly path: string; readonly offset: number }[];

/** A memory driver over a shared store that records its reads. */
class RecordingMemoryDriver extends MemoryDriver {
  constructor(
    store: MemoryStore,
    private readonly log: ReadLog,
  ) {
    super({}, store);
  }
  override async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    this.log.push({ path, offset: options.range?.offset ?? 0 });
    return super.read(path, options);
  }
}

/** A local-folder driver that records its reads. */
class RecordingLocalDriver extends LocalDriver {
  constructor(
    root: string,
    private readonly log: ReadLog,
  ) {
    super({ root });
  }
  override async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    this.log.push({ path, offset: options.range?.offset ?? 0 });
    return super.read(path, options);
  }
}

/**
 * My connectors for tests: 'mem' (a memory storage shared by every driver opened on it, reads recorded), 'disk'
 * (a local temp folder; reads recorded too) and any extra connectors a test adds.
 */
export class TestDrivers implements DriverProvider {
  readonly memory = new MemoryStore();
  readonly reads: ReadLog = [];
  readonly extra = new Map<string, () => Driver>();
  open = vi.fn(async (connectorId: string): Promise<Driver> => {
    if (connectorId === 'mem') return new RecordingMemoryDriver(this.memory, this.reads);
    if (connectorId === 'disk') return new RecordingLocalDriver(this.diskRoot, this.reads);
    const make = this.extra.get(connectorId);
    if (make) return make();
    throw new ConnectorError('NotFound', `No connector ${connectorId}.`);
  });

  constructor(readonly diskRoot: string) {}

  localLocation(absolutePath: string): ConnectorLocation {
    return { connectorId: 'disk', path: path.relative(this.diskRoot, absolutePath).split(path.sep).join('/') };
  }

  /** Puts random bytes into the memory storage and returns them. */
  async put(filePath: string, size: number): Promise<Buffer> {
    const data = randomBytes(size);
    const driver = new MemoryDriver({}, this.memory);
    await driver.write(filePath, streamOf(data));
    return data;
  }
}

/** A temp folder, test drivers over it, and services that share one journal and settings file (restarts). */
export class TransferFixture {
  readonly services: TransfersService[] = [];
  readonly notifications: TransferNotification[] = [];
  readonly updates: Transfer[] = [];
  drivers!: TestDrivers;
  dir = '';

  async setUp(): Promise<void> {
    this.services.length = 0;
    this.notifications.length = 0;
    this.updates.length = 0;
    this.dir = await mkdtemp(path.join(tmpdir(), 'ferry-transfers-'));
    this.drivers = new TestDrivers(path.join(this.dir, 'disk'));
    await mkdir(this.drivers.diskRoot);
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.services.map((s) => s.close()));
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A new service on the fixture's journal (a restart of the app when an earlier one was closed). */
  start(options: Partial<TransfersServiceOptions> = {}): TransfersService {
    const service = new TransfersService({
      drivers: this.drivers,
      journalPath: path.join(this.dir, 'data', 'transfers.sqlite'),
      store: new JsonFileStore(path.join(this.dir, 'data', 'settings.json')),
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      ...options,
    });
    service.onNotification((n) => this.notifications.push(n));
    service.onUpdate((t) => this.updates.push(t));
    this.services.push(service);
    return service;
  }

  /** Absolute path of a file in the local 'disk' connector. */
  disk(relative: string): string {
    return path.join(this.drivers.diskRoot, ...relative.split('/'));
  }
}

/** Waits until the transfer reaches the state (and the predicate holds), returning it. */
export async function waitForTransfer(
  service: TransfersService,
  id: string,
  state: TransferState,
  extra: (t: Transfer) => boolean = () => true,
  timeout = 30_000,
): Promise<Transfer> {
  return vi.waitFor(
    () => {
      const transfer = service.get(id);
      if (transfer.state !== state || !extra(transfer)) {
        const why = transfer.error === null ? '' : `: ${transfer.error.message}`;
        throw new Error(`transfer is ${transfer.state} (${transfer.bytes} bytes${why}), waiting for ${state}`);
      }
      return transfer;
    },
    { timeout, interval: 25 },
  );
}
