import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../shared/connectors/connector-descriptors';
import { secretOptionNames } from '../../shared/connectors/connector-descriptor';
import { ConnectorError } from '../connector-error';

/**
 * Where a driver saves a credential it renewed (a rotated OAuth refresh token, a new access key), bound to one
 * connector, so the next open uses the new value. The desktop implements it over the OS keychain, the CLI over its
 * session, the platform over its vault; a driver without one keeps the renewed value for its own lifetime only.
 */
export interface CredentialPort {
  /** Saves a new value for one of the connector's secret options (e.g. 'refreshToken'); rejects other names. */
  save(option: string, value: string): Promise<void>;
}

/** Where a CredentialPort writes: a secret store's setter, by secret name. */
export interface CredentialSink {
  set(name: string, value: string): Promise<void>;
}

/**
 * A CredentialPort over a secret store (keychain, session memory, vault): saves `option` of the connector under the
 * name `secretName(option)`, refusing (InvalidInput) options the kind's descriptor does not mark secret, so a driver
 * can never write a plain option or an unknown name through it.
 */
export function secretStoreCredentials(
  kind: string,
  sink: CredentialSink,
  secretName: (option: string) => string,
): CredentialPort {
  const secrets = new Set(isConnectorKind(kind) ? secretOptionNames(CONNECTOR_DESCRIPTORS[kind]) : []);
  return {
    async save(option, value) {
      if (!secrets.has(option)) {
        throw new ConnectorError('InvalidInput', `"${option}" is not a secret of ${kind} connectors.`);
      }
      await sink.set(secretName(option), value);
    },
  };
}
