import {
  CONNECTOR_DESCRIPTORS,
  type ConnectorKind,
  type ConnectorOptions,
} from '../shared/connectors/connector-descriptors';
import { validateConnectorOptions } from './config/validate-connector-options';
import { ConnectorError } from './connector-error';
import { type Driver, type DriverContext } from './driver';
import { guardDriver } from './guarded-driver';

/** Creates drivers of one kind from validated options (rclone's fs.Register). Creating does no I/O. */
export interface DriverFactory<K extends ConnectorKind = ConnectorKind> {
  readonly kind: K;
  create(options: ConnectorOptions<K>, context: DriverContext): Driver;
}

/** A connector configuration: kind plus raw options (from a form, a config file, environment variables). */
export interface ConnectorConfig {
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/** The kinds a process can use, and driver creation with option validation against the kind's descriptor. */
export class DriverRegistry {
  private readonly factories = new Map<ConnectorKind, DriverFactory>();

  /** Adds a kind's factory (once per kind). */
  register<K extends ConnectorKind>(factory: DriverFactory<K>): this {
    if (this.factories.has(factory.kind)) throw new Error(`driver kind already registered: ${factory.kind}`);
    this.factories.set(factory.kind, factory as unknown as DriverFactory);
    return this;
  }

  /** Whether a kind has a driver in this process. */
  has(kind: string): kind is ConnectorKind {
    return this.factories.has(kind as ConnectorKind);
  }

  /** Registered kinds, in descriptor order. */
  kinds(): readonly ConnectorKind[] {
    return (Object.keys(CONNECTOR_DESCRIPTORS) as ConnectorKind[]).filter((k) => this.factories.has(k));
  }

  /**
   * Validates the options against the descriptor (InvalidInput listing every problem) and creates the driver,
   * wrapped by guardDriver (path normalisation, root refusal, abort checks, sorted listings).
   */
  create(config: ConnectorConfig, context: DriverContext = {}): Driver {
    if (!this.has(config.kind)) {
      throw new ConnectorError('InvalidInput', `Unknown connector type "${config.kind}".`, {
        hint: `Use one of: ${this.kinds().join(', ')}.`,
      });
    }
    const options = validateConnectorOptions(config.kind, config.options);
    return guardDriver(this.factories.get(config.kind)!.create(options as never, context));
  }
}
