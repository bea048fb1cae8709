import { Button, Group, Text } from '@mantine/core';
import { IconShieldQuestion } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { IpcError } from '../../ipc-client';
import { queryKeys } from '../../queries/query-keys';
import { useConnectors } from '../../queries/use-connectors';
import { TestDialog } from './test-dialog';

/** Whether a failure may be a refused server identity (the code a refused host key or certificate carries). */
export function mayBeIdentityRefusal(error: unknown): boolean {
  if (error instanceof IpcError) return error.code === 'ConnectorFailed' && error.reason === 'AuthFailed';
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'AuthFailed';
}

/** The first of the given connectors whose server identity was refused (a browse or transfer failed on it). */
export function refusedConnector(
  connectors: readonly ConnectorSummary[],
  ids: readonly string[],
): ConnectorSummary | undefined {
  return connectors.find((c) => ids.includes(c.id) && c.identity?.refused !== undefined);
}

/**
 * Next to a failed browse or transfer: when it failed because a connector's server presented a host key or
 * certificate that is not trusted (new or changed), says so and offers the same confirmation as the connector test
 * (which shows the fingerprint first). Renders nothing for other failures.
 */
export function IdentityRefusalNotice({ connectorIds }: { readonly connectorIds: readonly string[] }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const connectors = useConnectors();
  const [reviewing, setReviewing] = useState<ConnectorSummary | undefined>();
  // The refusal is recorded by main as the failure happens: read the list again once the failure shows.
  useEffect(() => void client.invalidateQueries({ queryKey: queryKeys.connectors }), [client]);
  const refused = connectors.status === 'ready' ? refusedConnector(connectors.connectors, connectorIds) : undefined;
  const issue = refused?.identity?.refused;
  const what =
    issue === undefined ? '' : t(`connectors.identity.what.${issue.what === 'host key' ? 'hostKey' : 'certificate'}`);
  return (
    <>
      {refused !== undefined && issue !== undefined && (
        <Group gap="xs" wrap="wrap" data-testid="identity-refused">
          <Text size="xs" c="var(--mantine-color-error)">
            {t(`connectors.identity.refusedNotice.${issue.problem}`, {
              what,
              name: refused.name,
              server: issue.server,
            })}
          </Text>
          <Button
            size="compact-xs"
            variant="light"
            leftSection={<IconShieldQuestion size={14} />}
            onClick={() => setReviewing(refused)}
          >
            {t('connectors.identity.review', { what })}
          </Button>
        </Group>
      )}
      {/* Once trusted, the refusal leaves the list, but the dialog stays (same place in the tree) until closed. */}
      {reviewing !== undefined && <TestDialog connector={reviewing} onClose={() => setReviewing(undefined)} />}
    </>
  );
}
