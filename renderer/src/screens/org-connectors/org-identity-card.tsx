import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDetail } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { useOrgConnectorMutation } from './org-connector-query';

/**
 * The edit form's view of an organisation connector's pinned server identity (SFTP host key, FTPS certificate): its
 * fingerprint and "Forget", confirmed first; the platform then waits for the next test to confirm it again.
 */
export function OrgIdentityCard({
  connector,
  onForgotten,
}: {
  readonly connector: ConnectorDetail;
  /** After forgetting: the form drops the pinned fingerprint it still holds. */
  readonly onForgotten: (connector: ConnectorDetail) => void;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [forgotten, setForgotten] = useState(false);
  const forget = useOrgConnectorMutation(
    () => invoke('orgConnectors.forgetIdentity', { params: { connectorId: connector.id } }),
    (updated) => {
      setConfirming(false);
      setForgotten(true);
      onForgotten(updated);
    },
  );
  const identity = connector.identity;
  if (identity === null) return null;
  const what = t(`connectors.identity.what.${identity.what === 'host key' ? 'hostKey' : 'certificate'}`);
  if (forgotten) {
    return (
      <Alert color="blue" icon={<IconShieldCheck />} data-testid="identity-forgotten">
        {t('orgConnectors.forget.done', { what })}
      </Alert>
    );
  }
  return (
    <Alert
      color="green"
      icon={<IconShieldCheck />}
      title={t('connectors.identity.cardTitle', { what })}
      data-testid="trusted-identity"
    >
      <Stack gap="xs">
        <Code block data-testid="trusted-fingerprint">
          {identity.fingerprint}
        </Code>
        {confirming ? (
          <Stack gap="xs">
            <Text size="sm">{t('orgConnectors.forget.text', { what })}</Text>
            <Group>
              <Button color="red.8" size="compact-sm" loading={forget.busy} onClick={() => forget.mutate(undefined)}>
                {t('orgConnectors.forget.confirm')}
              </Button>
              <Button variant="default" size="compact-sm" onClick={() => setConfirming(false)}>
                {t('connectors.cancel')}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Group>
            <Button variant="default" size="compact-sm" onClick={() => setConfirming(true)}>
              {t('orgConnectors.forget.button', { what })}
            </Button>
          </Group>
        )}
        {forget.error !== null && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {forget.error}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
