import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorIdentity, ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { describeError } from './connector-error-message';

/** The option of each kind that pins its server identity (as main's PINNED_IDENTITY_OPTION; the form clears it). */
export const PINNED_OPTION: Readonly<Record<string, string>> = {
  sftp: 'hostKeyFingerprint',
  ftps: 'certificateFingerprint',
};

const whatKey = (identity: ConnectorIdentity) => (identity.what === 'host key' ? 'hostKey' : 'certificate');

/**
 * The edit form's view of the server identity: the fingerprint trusted for the server (confirmed by the user or
 * pinned in the settings), and "Forget this host key" so the next connection asks again.
 */
export function IdentityCard({
  connector,
  onForgotten,
}: {
  readonly connector: ConnectorSummary;
  /** After forgetting: the form drops the pinned fingerprint it still shows. */
  readonly onForgotten: (connector: ConnectorSummary) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const identity = connector.identity;
  if (identity === undefined) return null;
  const what = t(`connectors.identity.what.${whatKey(identity)}`);
  const forget = () => {
    setBusy(true);
    setFailure(undefined);
    invoke('connectors.forgetIdentity', { id: connector.id })
      .then(async (updated) => {
        await client.invalidateQueries({ queryKey: queryKeys.connectors });
        setConfirming(false);
        onForgotten(updated);
      })
      .catch((error: unknown) => setFailure(describeError(error, connector)))
      .finally(() => setBusy(false));
  };
  return (
    <Alert
      color={identity.trusted === undefined ? 'gray' : 'green'}
      icon={<IconShieldCheck />}
      title={t('connectors.identity.cardTitle', { what })}
      data-testid="trusted-identity"
    >
      <Stack gap="xs">
        {identity.trusted === undefined ? (
          <Text size="sm">{t('connectors.identity.noneTrusted', { what, server: identity.server })}</Text>
        ) : (
          <>
            <Text size="sm">
              {t(`connectors.identity.trustedBy.${identity.trusted.source}`, { what, server: identity.server })}
            </Text>
            <Code block data-testid="trusted-fingerprint">
              {identity.trusted.fingerprint}
            </Code>
            {confirming ? (
              <Stack gap="xs">
                <Text size="sm">{t('connectors.identity.forgetText', { what, server: identity.server })}</Text>
                <Group>
                  <Button color="red.8" size="compact-sm" loading={busy} onClick={forget}>
                    {t('connectors.identity.forgetConfirm', { what })}
                  </Button>
                  <Button variant="default" size="compact-sm" onClick={() => setConfirming(false)}>
                    {t('connectors.cancel')}
                  </Button>
                </Group>
              </Stack>
            ) : (
              <Group>
                <Button variant="default" size="compact-sm" onClick={() => setConfirming(true)}>
                  {t(`connectors.identity.forget.${whatKey(identity)}`)}
                </Button>
              </Group>
            )}
          </>
        )}
        {identity.refused !== undefined && (
          <Text size="sm" c="var(--mantine-color-error)">
            {t(`connectors.identity.lastRefused.${identity.refused.problem}`, { what })}
          </Text>
        )}
        {failure !== undefined && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {failure}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
