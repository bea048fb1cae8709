import path from 'node:path';
import { ConnectorError } from '../../connectors/connector-error';
import { createDefaultRegistry } from '../../connectors/default-registry';
import { type Driver } from '../../connectors/driver';
import { type DriverRegistry } from '../../connectors/driver-registry';
import { LocalDriver } from '../../connectors/local/local-driver';
import { type ConfiguredConnector, defaultConfigDir, loadConnectors } from './cli-config';
import { CliTrustStore } from './cli-trust-store';
import { FileTrustStore } from './file-trust-store';
import { type Location, parseLocation } from './location';
import { FileResumeStateStore } from '../../connectors/file-resume-state-store';

/** A location opened for use: the driver, the connector path, and how to name it in messages. */
export interface OpenedLocation {
  readonly driver: Driver;
  readonly path: string;
  readonly label: string;
  readonly trailingSlash: boolean;
}

/** What one command run uses: configured connectors, drivers opened once per connector, closed at the end. */
export class CliSession {
  private readonly drivers = new Map<string, Driver>();
  private readonly locals: Driver[] = [];

  private constructor(
    readonly connectors: ReadonlyMap<string, ConfiguredConnector>,
    private readonly registry: DriverRegistry,
    private readonly trustStore: FileTrustStore,
    private readonly resumeStore: FileResumeStateStore,
    private readonly cwd: string,
    private readonly trust: { readonly tofu: boolean; readonly notice: (line: string) => void },
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
    return new CliSession(
      connectors,
      createDefaultRegistry(),
      new FileTrustStore(path.join(dir, 'known-hosts.json')),
      new FileResumeStateStore(path.join(dir, 'resume-state.json')),
      options.cwd,
      { tofu: options.tofu ?? true, notice: options.notice ?? (() => undefined) },
    );
  }

  /** The registry of driver kinds this build has. */
  get kinds(): DriverRegistry {
    return this.registry;
  }

  /** The driver of a configured connector (created once; options validated against its descriptor). */
  connector(name: string): Driver {
    const key = name.toLowerCase();
    const existing = this.drivers.get(key);
    if (existing !== undefined) return existing;
    const config = this.connectors.get(key);
    if (config === undefined) {
      throw new ConnectorError('InvalidInput', `No connector named "${name}".`, {
        hint: 'Run `ferry connectors` to see the configured ones.',
      });
    }
    if (!this.registry.has(config.kind)) {
      throw new ConnectorError(
        'Unsupported',
        `Connector "${name}" has type "${config.kind}", which this build cannot use.`,
        {
          hint: `Available types: ${this.registry.kinds().join(', ')}.`,
        },
      );
    }
    const driver = this.registry.create(
      { kind: config.kind, options: config.options },
      {
        trustStore: new CliTrustStore(this.trustStore, { connector: key, kind: config.kind, ...this.trust }),
        resumeStore: this.resumeStore,
      },
    );
    this.drivers.set(key, driver);
    return driver;
  }

  /** Parses and opens a location argument. */
  location(argument: string): OpenedLocation {
    const location: Location = parseLocation(argument, new Set(this.connectors.keys()), this.cwd);
    if (location.type === 'connector') {
      return {
        driver: this.connector(location.connector),
        path: location.path,
        label: `${location.connector}:${location.path}`,
        trailingSlash: location.trailingSlash,
      };
    }
    // A local path becomes a local driver rooted at its parent folder, so the path itself is one safe segment.
    const parsed = path.parse(location.absolute);
    const atRoot = parsed.base === '';
    const driver = new LocalDriver({ root: atRoot ? parsed.root : parsed.dir });
    this.locals.push(driver);
    return { driver, path: atRoot ? '' : parsed.base, label: location.absolute, trailingSlash: location.trailingSlash };
  }

  /** Closes every driver opened. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.drivers.values(), ...this.locals].map((d) => d.close()));
  }
}
