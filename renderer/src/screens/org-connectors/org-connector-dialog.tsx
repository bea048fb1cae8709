import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlayerPlay, IconPlugConnected } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDetail } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { DeleteFooter } from '../organisation/delete-footer';
import { ErrorAlert } from '../organisation/error-alert';
import { ConnectorUsageList } from './connector-usage-list';
import { ConnectorAlerts, ConnectorFacts, OutgoingAddresses } from './org-connector-facts';
import { useOrgConnector, useOrgConnectorMutation } from './org-connector-query';

/**
 * One organisation connector in detail (editors and admins): what stops it, its facts, the platform's outgoing
 * addresses and who uses it. Admins also test, edit, resume and delete it (refused while something uses it).
 */
export function OrgConnectorDialog({
  connectorId,
  admin,
  onTest,
  onEdit,
  onClose,
}: {
  readonly connectorId: string;
  readonly admin: boolean;
  readonly onTest: (connector: ConnectorDetail) => void;
  readonly onEdit: (connector: ConnectorDetail) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const detail = useOrgConnector(connectorId);
  const connector = detail.data?.view === 'full' ? detail.data : null;
  const [confirming, setConfirming] = useState(false);
  const remove = useOrgConnectorMutation(
    () => invoke('orgConnectors.delete', { params: { connectorId } }),
    () => {
      notifications.show({ color: 'green', message: t('orgConnectors.deleted', { name: connector?.name }) });
      onClose();
    },
  );
  const resume = useOrgConnectorMutation(() => invoke('orgConnectors.resume', { params: { connectorId } }));
  const inUse = connector !== null && connector.usages.length > 0;
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={connector?.name ?? t('orgConnectors.detailTitle')}
      closeButtonProps={{ 'aria-label': t('orgConnectors.closeDialog') }}
    >
      <Stack gap="md">
        {connector === null && detail.error === null && <Text>{t('app.loading')}</Text>}
        {connector !== null && !confirming && (
          <>
            <ConnectorAlerts connector={connector} />
            <ConnectorFacts connector={connector} />
            <OutgoingAddresses addresses={connector.outgoingAddresses} />
            {admin && (
              <Group gap="xs">
                <Button variant="light" leftSection={<IconPlugConnected size={16} />} onClick={() => onTest(connector)}>
                  {t('orgConnectors.actions.test')}
                </Button>
                <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => onEdit(connector)}>
                  {t('orgConnectors.actions.edit')}
                </Button>
                {connector.status === 'paused' && (
                  <Button
                    variant="default"
                    leftSection={<IconPlayerPlay size={16} />}
                    loading={resume.busy}
                    onClick={() => resume.mutate(undefined)}
                  >
                    {t('orgConnectors.actions.resume')}
                  </Button>
                )}
              </Group>
            )}
          </>
        )}
        {connector !== null && confirming && (
          <>
            <Text>
              {inUse
                ? t('orgConnectors.deleteInUse', { name: connector.name, count: connector.usages.length })
                : t('orgConnectors.deleteConfirm', { name: connector.name })}
            </Text>
            {inUse && <ConnectorUsageList usages={connector.usages} />}
          </>
        )}
        <ErrorAlert error={detail.error ?? remove.error ?? resume.error} />
        {admin ? (
          <DeleteFooter
            label={t('orgConnectors.actions.delete')}
            confirming={confirming}
            onConfirming={setConfirming}
            onDelete={() => remove.mutate(undefined)}
            onClose={onClose}
            ready={connector !== null}
            busy={remove.busy}
            blocked={inUse}
          />
        ) : (
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('orgConnectors.close')}
            </Button>
          </Group>
        )}
      </Stack>
    </Modal>
  );
}
