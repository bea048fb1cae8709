import { Alert, Stack, Text } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorIdentity, ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { invoke } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { describeError } from './connector-error-message';
import { ForgetFingerprint } from './forget-fingerprint';

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
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const identity = connector.identity;
  if (identity === undefined) return null;
  const what = t(`connectors.identity.what.${whatKey(identity)}`);
  const forget = async (): Promise<boolean> => {
    setBusy(true);
    setFailure(null);
    try {
      const updated = await invoke('connectors.forgetIdentity', { id: connector.id });
      await client.invalidateQueries({ queryKey: queryKeys.connectors });
      onForgotten(updated);
      return true;
    } catch (error) {
      setFailure(describeError(error, connector));
      return false;
    } finally {
      setBusy(false);
    }
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
            <ForgetFingerprint
              fingerprint={identity.trusted.fingerprint}
              texts={{
                button: t(`connectors.identity.forget.${whatKey(identity)}`),
                question: t('connectors.identity.forgetText', { what, server: identity.server }),
                confirm: t('connectors.identity.forgetConfirm', { what }),
              }}
              busy={busy}
              error={failure}
              onForget={forget}
            />
          </>
        )}
        {identity.refused !== undefined && (
          <Text size="sm" c="var(--mantine-color-error)">
            {t(`connectors.identity.lastRefused.${identity.refused.problem}`, { what })}
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
