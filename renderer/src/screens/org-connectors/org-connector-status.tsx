import { Badge, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConnectorSummary } from '../../../../shared/platform';
import { type ExpiryState } from './credential-expiry';

/** What most needs an admin's attention on a connector, in order: paused, secrets, identity, last test. */
export type ConnectorState = 'paused' | 'needsSecrets' | 'needsIdentity' | 'failed' | 'works' | 'untested';

const COLOR: { readonly [S in ConnectorState]: string } = {
  paused: 'red',
  needsSecrets: 'orange',
  needsIdentity: 'blue',
  failed: 'red',
  works: 'green',
  untested: 'gray',
};

/** The one state a list shows for a connector: the first thing that stops it from working, else its last test. */
export function connectorState(connector: ConnectorSummary): ConnectorState {
  if (connector.status === 'paused') return 'paused';
  if (connector.needsSecrets) return 'needsSecrets';
  if (connector.needsIdentity) return 'needsIdentity';
  if (connector.lastCheckOk === false) return 'failed';
  return connector.lastCheckOk === true ? 'works' : 'untested';
}

/**
 * A connector's state as a badge, and its credential expiry when close (given from its details): a coloured dot
 * beside text in the normal colour, so it stays readable in both themes.
 */
export function ConnectorStateBadges({
  connector,
  expiry,
}: {
  readonly connector: ConnectorSummary;
  readonly expiry?: ExpiryState | null;
}) {
  const { t } = useTranslation();
  const state = connectorState(connector);
  return (
    <Group gap={4} wrap="wrap">
      <Badge variant="dot" color={COLOR[state]} data-state={state}>
        {t(`orgConnectors.state.${state}`)}
      </Badge>
      {(expiry === 'soon' || expiry === 'expired') && (
        <Badge variant="dot" color={expiry === 'expired' ? 'red' : 'orange'} data-testid="expiry-badge">
          {t(`orgConnectors.expiry.badge.${expiry}`)}
        </Badge>
      )}
    </Group>
  );
}
