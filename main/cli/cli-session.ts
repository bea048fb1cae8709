import path from 'node:path';
import { createDefaultRegistry } from '../../connectors/default-registry';
import { type Driver } from '../../connectors/driver';
import { type DriverRegistry } from '../../connectors/driver-registry';
import { type ConfiguredConnector, defaultConfigDir, loadConnectors } from './cli-config';
import { CliTrustStore } from './cli-trust-store';
import { FileTrustStore } from './file-trust-store';
import { type Location, parseLocation } from './location';
import { FileResumeStateStore } from '../../connectors/file-resume-state-store';
import type { LocationRegistry } from '../services/locations/location-registry';
import { cliLocations, localFolderId, noSuchConnector } from './cli-locations';

/** A location opened for use: the driver, the connector path, and how to name it in messages. */
export interface OpenedLocation {
  readonly driver: Driver;
  readonly path: string;
  readonly label: string;
  readonly trailingSlash: boolean;
}

/** What one command run uses: configured connectors, drivers opened once per connector, closed at the end. */
export class CliSession {
  private readonly drivers = new Map<string, Promise<Driver>>();
  private readonly locals: Promise<Driver>[] = [];

  private constructor(
    readonly connectors: ReadonlyMap<string, ConfiguredConnector>,
    private readonly registry: DriverRegistry,
    private readonly locations: LocationRegistry,
    private readonly cwd: string,
  ) {}

  /** Loads the configuration (file and environment); `tofu: false` refuses server identities never seen before. */
  static async open(options: {
    configPath?: string;
    env: NodeJS.ProcessEnv;
    cwd: string;
    tofu?: boolean;
    notice?: (line: string) => void;
  }): Promise<CliSession> {
    const connectors = await loadConnectors(options.configPath, options.env);
    const dir =
      options.configPath !== undefined
        ? path.dirname(path.resolve(options.cwd, options.configPath))
        : defaultConfigDir(options.env);
    const registry = createDefaultRegistry();
    const trustStore = new FileTrustStore(path.join(dir, 'known-hosts.json'));
    const resumeStore = new FileResumeStateStore(path.join(dir, 'resume-state.json'));
    const trust = { tofu: options.tofu ?? true, notice: options.notice ?? (() => undefined) };
    const locations = cliLocations({
      connectors,
      registry,
      contextOf: (connector) => ({
        trustStore: new CliTrustStore(trustStore, { connector: connector.name, kind: connector.kind, ...trust }),
        resumeStore,
      }),
    });
    return new CliSession(connectors, registry, locations, options.cwd);
  }

  /** Opens a NEW driver of a configured connector by name (the caller closes it): the sync agent's drivers. */
  get connectorDrivers(): LocationRegistry {
    return this.locations;
  }

  /** The registry of driver kinds this build has. */
  get kinds(): DriverRegistry {
    return this.registry;
  }

  /** The driver of a configured connector (opened once; options validated against its descriptor). */
  connector(name: string): Promise<Driver> {
    const key = name.toLowerCase();
    const existing = this.drivers.get(key);
    if (existing !== undefined) return existing;
    // Only configured names: an argument spelling another kind of location id opens nothing.
    if (!this.connectors.has(key)) return Promise.reject(noSuchConnector(name));
    const driver = this.locations.open(name);
    this.drivers.set(key, driver);
    return driver;
  }

  /** The absolute path of a location argument on the local disk, or undefined for a connector location. */
  localPath(argument: string): string | undefined {
    const location = parseLocation(argument, new Set(this.connectors.keys()), this.cwd);
    return location.type === 'local' ? location.absolute : undefined;
  }

  /** Parses and opens a location argument. */
  async location(argument: string): Promise<OpenedLocation> {
    const location: Location = parseLocation(argument, new Set(this.connectors.keys()), this.cwd);
    if (location.type === 'connector') {
      return {
        driver: await this.connector(location.connector),
        path: location.path,
        label: `${location.connector}:${location.path}`,
        trailingSlash: location.trailingSlash,
      };
    }
    // A local path becomes a local driver rooted at its parent folder, so the path itself is one safe segment.
    const parsed = path.parse(location.absolute);
    const atRoot = parsed.base === '';
    const opened = this.locations.open(localFolderId(atRoot ? parsed.root : parsed.dir));
    this.locals.push(opened);
    return {
      driver: await opened,
      path: atRoot ? '' : parsed.base,
      label: location.absolute,
      trailingSlash: location.trailingSlash,
    };
  }

  /** Closes every driver opened. */
  async close(): Promise<void> {
    await Promise.allSettled(
      [...this.drivers.values(), ...this.locals].map(async (opening) => (await opening).close()),
    );
  }
}
