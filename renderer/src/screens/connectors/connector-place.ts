import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';

/** Where a connector points, as messages name it: the server (or bucket, or folder) and the account, when known. */
export interface ConnectorPlace {
  readonly server: string;
  readonly user: string | undefined;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** What a message needs of a connector (mine or the organisation's): its name and non-secret options. */
export type PlacedConnector = Pick<ConnectorSummary, 'name' | 'options'>;

/** The server a message names for a connector: its host, else its bucket or container, else its root, else its name. */
export function connectorPlace(connector: PlacedConnector): ConnectorPlace {
  const o = connector.options;
  const server = text(o['host']) ?? text(o['bucket']) ?? text(o['container']) ?? text(o['root']) ?? connector.name;
  return { server, user: text(o['username']) };
}
