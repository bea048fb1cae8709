import { Alert, Stack } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDetail } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { useOrgConnectorMutation } from './org-connector-query';
import { ForgetFingerprint } from '../connectors/forget-fingerprint';

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
  const [forgotten, setForgotten] = useState(false);
  const forget = useOrgConnectorMutation(
    () => invoke('orgConnectors.forgetIdentity', { params: { connectorId: connector.id } }),
    (updated) => {
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
        <ForgetFingerprint
          fingerprint={identity.fingerprint}
          texts={{
            button: t('orgConnectors.forget.button', { what }),
            question: t('orgConnectors.forget.text', { what }),
            confirm: t('orgConnectors.forget.confirm'),
          }}
          busy={forget.busy}
          error={forget.error}
          onForget={() =>
            new Promise((resolve) =>
              forget.mutate(undefined, { onSuccess: () => resolve(true), onError: () => resolve(false) }),
            )
          }
        />
      </Stack>
    </Alert>
  );
}
