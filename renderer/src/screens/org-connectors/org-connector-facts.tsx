import { Alert, Badge, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ConnectorDetail, SecretState } from '../../../../shared/platform';
import { connectorPlace } from '../connectors/connector-place';
import { kindLabel, optionText } from '../connectors/connector-text';
import { CopyField } from '../organisation/copy-field';
import { type Fact, FactsTable } from '../organisation/facts-table';
import { formatDateTime } from '../organisation/format';
import { MonoText } from '../organisation/mono-text';
import { ConnectorUsageList } from './connector-usage-list';
import { daysLeft, expiryState } from './credential-expiry';
import { ConnectorStateBadges } from './org-connector-status';

const SECRET_COLOR: { readonly [S in SecretState]: string } = { set: 'green', unset: 'gray', unreadable: 'orange' };
const IDENTITY_KINDS = ['sftp', 'ftps'];

/** What stops the connector or will soon: paused, secrets to enter again, identity to confirm, credentials expiring. */
export function ConnectorAlerts({ connector, now }: { readonly connector: ConnectorDetail; readonly now?: number }) {
  const { t } = useTranslation();
  const labelOf = (option: string) => optionText(t, connector.kind, option).label;
  const health = connector.health;
  const expiry = expiryState(health.credentialExpiresAt, now);
  const missing = Object.entries(connector.secrets)
    .filter(([, state]) => state === 'unset')
    .map(([option]) => option);
  return (
    <>
      {health.status === 'paused' && (
        <Alert color="red" title={t('orgConnectors.paused.title')} role="alert" data-testid="paused">
          {t('orgConnectors.paused.text', {
            reason: health.pausedReason ?? t('orgConnectors.paused.noReason'),
            count: health.consecutiveFailures,
            at: formatDateTime(health.pausedAt),
          })}
        </Alert>
      )}
      {connector.secretsToReenter.length > 0 && (
        <Alert color="orange" title={t('orgConnectors.reenter.title')} role="alert" data-testid="reenter-secrets">
          {t('orgConnectors.reenter.text', { secrets: connector.secretsToReenter.map(labelOf).join(', ') })}
        </Alert>
      )}
      {connector.needsSecrets && connector.secretsToReenter.length === 0 && (
        <Alert color="orange" title={t('orgConnectors.missing.title')} role="alert" data-testid="missing-secrets">
          {t('orgConnectors.missing.text', { secrets: missing.map(labelOf).join(', ') })}
        </Alert>
      )}
      {connector.needsIdentity && (
        <Alert color="blue" title={t('orgConnectors.identity.needsTitle')} data-testid="needs-identity">
          {t('orgConnectors.identity.needsText')}
        </Alert>
      )}
      {(expiry === 'soon' || expiry === 'expired') && health.credentialExpiresAt !== null && (
        <Alert
          color={expiry === 'expired' ? 'red' : 'orange'}
          title={t(`orgConnectors.expiry.title.${expiry}`)}
          role="alert"
          data-testid="expiry-warning"
        >
          {t(`orgConnectors.expiry.text.${expiry}`, {
            at: formatDateTime(health.credentialExpiresAt),
            count: daysLeft(health.credentialExpiresAt, now),
            secret:
              health.credentialExpirySource === null
                ? t('orgConnectors.expiry.credentials')
                : labelOf(health.credentialExpirySource),
          })}
        </Alert>
      )}
    </>
  );
}

/** What a connector's users see: where it points, its state, its secrets (set or not, never a value), who uses it. */
export function ConnectorFacts({ connector, now }: { readonly connector: ConnectorDetail; readonly now?: number }) {
  const { t } = useTranslation();
  const health = connector.health;
  const place = connectorPlace(connector);
  const secrets = Object.entries(connector.secrets);
  const lastTest =
    health.lastCheckAt === null
      ? t('orgConnectors.facts.neverTested')
      : t(health.lastCheckOk === true ? 'orgConnectors.facts.testedOk' : 'orgConnectors.facts.testedFailed', {
          at: formatDateTime(health.lastCheckAt),
        });
  // Only servers with an identity to confirm (SFTP host key, FTPS certificate) show one.
  const identityFact: Fact[] = IDENTITY_KINDS.includes(connector.kind)
    ? [
        [
          t(connector.kind === 'ftps' ? 'orgConnectors.facts.certificate' : 'orgConnectors.facts.hostKey'),
          connector.identity === null ? (
            t(connector.kind === 'sftp' ? 'orgConnectors.facts.notConfirmed' : 'orgConnectors.facts.systemTrust')
          ) : (
            <Text key="fp" size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="pinned-fingerprint">
              {connector.identity.fingerprint}
            </Text>
          ),
        ],
      ]
    : [];
  return (
    <FactsTable
      labelWidth={190}
      facts={[
        [t('orgConnectors.facts.kind'), kindLabel(t, connector.kind)],
        [
          t('orgConnectors.facts.where'),
          <MonoText key="where" value={place.user ? `${place.user}@${place.server}` : place.server} />,
        ],
        [
          t('orgConnectors.facts.state'),
          <ConnectorStateBadges
            key="state"
            connector={connector}
            expiry={expiryState(health.credentialExpiresAt, now)}
          />,
        ],
        [t('orgConnectors.facts.lastTest'), lastTest],
        [
          t('orgConnectors.facts.secrets'),
          secrets.length === 0 ? (
            '—'
          ) : (
            <Stack key="secrets" gap={4} data-testid="secret-states">
              {secrets.map(([option, state]) => (
                <Group key={option} gap="xs" data-secret={option} data-state={state}>
                  <Text size="sm">{optionText(t, connector.kind, option).label}</Text>
                  <Badge size="sm" variant="dot" color={SECRET_COLOR[state]}>
                    {t(`orgConnectors.secret.${state}`)}
                  </Badge>
                </Group>
              ))}
            </Stack>
          ),
        ],
        ...identityFact,
        [
          t('orgConnectors.facts.expiry'),
          health.credentialExpiresAt === null
            ? t('orgConnectors.facts.noExpiry')
            : t('orgConnectors.facts.expiresAt', {
                at: formatDateTime(health.credentialExpiresAt),
                secret:
                  health.credentialExpirySource === null
                    ? t('orgConnectors.expiry.credentials')
                    : optionText(t, connector.kind, health.credentialExpirySource).label,
              }),
        ],
        [
          t('orgConnectors.facts.usedBy'),
          connector.usages.length === 0 ? (
            t('orgConnectors.facts.unused')
          ) : (
            <ConnectorUsageList key="usages" usages={connector.usages} />
          ),
        ],
        [t('orgConnectors.facts.created'), formatDateTime(connector.createdAt)],
        [t('orgConnectors.facts.updated'), formatDateTime(connector.updatedAt)],
      ]}
    />
  );
}

/** The addresses the platform connects from, for the storage owner's IP filter, each with a copy button. */
export function OutgoingAddresses({ addresses }: { readonly addresses: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} data-testid="outgoing-addresses">
      <Text size="sm" fw={600}>
        {t('orgConnectors.outgoing.title')}
      </Text>
      <Text size="sm" c="dimmed">
        {addresses.length === 0 ? t('orgConnectors.outgoing.none') : t('orgConnectors.outgoing.help')}
      </Text>
      {addresses.length > 0 && <CopyField value={addresses.join('\n')} label={t('orgConnectors.outgoing.title')} />}
    </Stack>
  );
}
