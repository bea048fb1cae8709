import { Alert, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconDownload, IconTruckDelivery } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Acquisition, Delivery, EntitledFile } from '../../../../shared/platform';
import { i18n } from '../../i18n/i18n';
import { IpcError, invoke } from '../../ipc-client';
import { errorMessage, notifyError } from '../../notify-error';
import { formatSize } from '../browser/format';
import { ACQUISITIONS_KEY } from '../catalog/trade-query-keys';
import { FactsTable } from '../organisation/facts-table';
import { formatDateTime } from '../organisation/format';
import { DeliverDialog } from './deliver-dialog';
import { DeliveryStatus } from './delivery-status';
import { TargetsSection } from './targets-section';

/** How often the open acquisition's deliveries are read again (they are jobs on the platform). */
const REFRESH_MS = 3000;

/** A download's failure in words: a cut or altered download has its own message, the rest as every screen says. */
function downloadError(error: unknown): string {
  if (error instanceof IpcError && error.reason === 'download-mismatch') return i18n.t('acquisitions.files.mismatch');
  if (error instanceof IpcError && error.reason === 'download-failed') return i18n.t('acquisitions.files.cut');
  return errorMessage(error);
}

/**
 * One acquisition: its facts, its entitled files (download to this computer, delivery status per target), its
 * delivery targets ("deliver automatically to"), and cancelling it.
 */
export function AcquisitionView({
  orgId,
  acquisition,
  canEdit,
  onBack,
}: {
  readonly orgId: string;
  readonly acquisition: Acquisition;
  readonly canEdit: boolean;
  readonly onBack: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [delivering, setDelivering] = useState(false);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const id = acquisition.id;
  const files = useQuery({
    queryKey: [...ACQUISITIONS_KEY, orgId, id, 'files'],
    queryFn: () => invoke('acquisitions.files', { params: { acquisitionId: id }, query: { after: 0, limit: 1000 } }),
    refetchInterval: REFRESH_MS,
  });
  const targets = useQuery({
    queryKey: [...ACQUISITIONS_KEY, orgId, id, 'targets'],
    queryFn: () => invoke('deliveries.listTargets', { params: { acquisitionId: id } }),
    refetchInterval: REFRESH_MS,
  });
  const deliveries = useQuery({
    queryKey: [...ACQUISITIONS_KEY, orgId, id, 'deliveries'],
    queryFn: () =>
      invoke('deliveries.list', {
        params: { acquisitionId: id },
        query: { limit: 200, offset: 0, sort: 'createdAt', order: 'desc' },
      }),
    refetchInterval: REFRESH_MS,
  });
  const download = useMutation({
    mutationFn: (file: EntitledFile) =>
      invoke('acquisitions.download', { acquisitionId: id, fileId: file.fileId, name: file.name, sha256: file.sha256 }),
    onSuccess: (result) => {
      if (result.saved) {
        notifications.show({
          color: 'green',
          closeButtonProps: { 'aria-label': t('organisation.closeDialog') },
          message: t('acquisitions.files.saved', { path: result.path }),
        });
      }
    },
    onError: (error) =>
      notifications.show({
        color: 'red',
        closeButtonProps: { 'aria-label': t('organisation.closeDialog') },
        title: t('errors.title'),
        message: downloadError(error),
        autoClose: 8000,
      }),
  });
  const cancel = useMutation({
    mutationFn: () => invoke('acquisitions.cancel', { params: { acquisitionId: id } }),
    onSuccess: () => {
      setConfirmCancel(false);
      notifications.show({
        color: 'green',
        closeButtonProps: { 'aria-label': t('organisation.closeDialog') },
        message: t('acquisitions.cancelled', { title: acquisition.offer.title }),
      });
      void client.invalidateQueries({ queryKey: ACQUISITIONS_KEY });
      void client.invalidateQueries({ queryKey: ['catalog'] });
    },
    onError: notifyError,
  });
  const targetList = targets.data?.items ?? [];
  const byFile = new Map<string, Delivery[]>();
  for (const delivery of deliveries.data?.items ?? []) {
    const list = byFile.get(delivery.file.id) ?? [];
    if (!list.some((d) => d.targetId === delivery.targetId)) list.push(delivery);
    byFile.set(delivery.file.id, list);
  }
  const fileItems = files.data?.items ?? [];
  const first = fileItems[0];
  const sample = {
    offerTitle: acquisition.offer.title,
    filePath: first?.path ?? 'example.csv',
    acquisitionId: id,
    availableAt: first?.availableAt ?? new Date().toISOString(),
  };
  const active = acquisition.status === 'active';
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Button variant="subtle" leftSection={<IconArrowLeft size={16} />} onClick={onBack}>
          {t('acquisitions.back')}
        </Button>
        {canEdit && active && !confirmCancel && (
          <Button variant="default" color="red" onClick={() => setConfirmCancel(true)}>
            {t('acquisitions.cancel')}
          </Button>
        )}
      </Group>
      <Title order={3}>{acquisition.offer.title}</Title>
      {confirmCancel && (
        <Alert color="red" title={t('acquisitions.cancelTitle')} role="alertdialog">
          <Stack gap="xs">
            <Text size="sm">{t('acquisitions.cancelConfirm')}</Text>
            <Group>
              <Button size="xs" color="red" loading={cancel.isPending} onClick={() => cancel.mutate()}>
                {t('acquisitions.cancelYes')}
              </Button>
              <Button size="xs" variant="default" onClick={() => setConfirmCancel(false)}>
                {t('acquisitions.keep')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <FactsTable
        labelWidth={180}
        facts={[
          [t('acquisitions.provider'), acquisition.provider.name],
          [t('acquisitions.kind'), t(`catalog.kinds.${acquisition.kind}`)],
          [t('acquisitions.status'), t(`acquisitions.statuses.${acquisition.status}`)],
          [t('acquisitions.acquiredAt'), formatDateTime(acquisition.acquiredAt)],
          [
            t('acquisitions.period'),
            acquisition.periodEnd
              ? t('acquisitions.periodRange', {
                  start: formatDateTime(acquisition.periodStart),
                  end: formatDateTime(acquisition.periodEnd),
                })
              : t('acquisitions.periodOpen', { start: formatDateTime(acquisition.periodStart) }),
          ],
        ]}
      />
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>{t('acquisitions.targets.title')}</Title>
            {canEdit && active && (
              <Button leftSection={<IconTruckDelivery size={16} />} onClick={() => setDelivering(true)}>
                {t('acquisitions.deliver.open')}
              </Button>
            )}
          </Group>
          <TargetsSection orgId={orgId} acquisitionId={id} targets={targetList} canEdit={canEdit} />
        </Stack>
      </Paper>
      <Stack gap="xs">
        <Title order={4}>{t('acquisitions.files.title', { count: fileItems.length })}</Title>
        {files.error && (
          <Alert color="red" role="alert">
            {errorMessage(files.error)}
          </Alert>
        )}
        {files.data && fileItems.length === 0 && <Text c="dimmed">{t('acquisitions.files.none')}</Text>}
        {fileItems.length > 0 && (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label={t('acquisitions.files.tableLabel')} verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('acquisitions.files.name')}</Table.Th>
                  <Table.Th ta="right">{t('acquisitions.files.size')}</Table.Th>
                  <Table.Th>{t('acquisitions.files.available')}</Table.Th>
                  <Table.Th>{t('acquisitions.files.delivery')}</Table.Th>
                  <Table.Th ta="right">{t('acquisitions.files.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {fileItems.map((file) => {
                  const list = byFile.get(file.fileId) ?? [];
                  return (
                    <Table.Tr key={file.fileId}>
                      <Table.Td style={{ wordBreak: 'break-all' }}>{file.path}</Table.Td>
                      <Table.Td ta="right">{formatSize(file.size, i18n.language)}</Table.Td>
                      <Table.Td>{formatDateTime(file.availableAt)}</Table.Td>
                      <Table.Td>
                        {list.length === 0 ? (
                          <DeliveryStatus delivery={undefined} />
                        ) : (
                          <Stack gap="xs">
                            {list.map((d) => (
                              <DeliveryStatus key={d.id} delivery={d} />
                            ))}
                          </Stack>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="default"
                          leftSection={<IconDownload size={14} />}
                          disabled={acquisition.status === 'cancelled'}
                          loading={download.isPending && download.variables?.fileId === file.fileId}
                          onClick={() => download.mutate(file)}
                          aria-label={`${t('acquisitions.files.download')}: ${file.name}`}
                        >
                          {t('acquisitions.files.download')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {files.data?.hasMore && (
          <Text size="sm" c="dimmed">
            {t('acquisitions.files.more')}
          </Text>
        )}
        <Badge
          variant="outline"
          color="gray"
          w="fit-content"
          styles={{ label: { color: 'var(--mantine-color-text)' } }}
        >
          {t('acquisitions.files.entitled', { count: acquisition.entitledFiles })}
        </Badge>
      </Stack>
      {delivering && (
        <DeliverDialog acquisition={acquisition} orgId={orgId} sample={sample} onClose={() => setDelivering(false)} />
      )}
    </Stack>
  );
}
