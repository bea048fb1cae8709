import { Alert, Button, Checkbox, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_FILES_PER_CALL, type Offer } from '../../../../shared/platform';
import { formatSize } from '../../../../shared/format/format-size';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { formatDateTime } from '../organisation/format';
import { OFFERS_KEY } from './offer-query-keys';

/** Files a staged subscription's scans found, waiting for an editor: pick some and approve or reject them. */
export function PendingFilesTab({
  orgId,
  offer,
  canManage,
}: {
  readonly orgId: string;
  readonly offer: Offer;
  readonly canManage: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const pending = useQuery({
    queryKey: [...OFFERS_KEY, orgId, offer.id, 'pending'],
    queryFn: () =>
      invoke('offers.files', {
        params: { offerId: offer.id },
        query: { status: 'pending', sort: 'addedAt', order: 'asc', limit: 200 },
      }),
  });
  const decide = useMutation({
    mutationFn: (approve: boolean) =>
      invoke(approve ? 'offers.approveFiles' : 'offers.rejectFiles', {
        params: { offerId: offer.id },
        body: { fileIds: [...picked].slice(0, MAX_FILES_PER_CALL) },
      }),
    onSuccess: () => {
      setPicked(new Set());
      void client.invalidateQueries({ queryKey: OFFERS_KEY });
    },
  });

  if (pending.isPending) return <Loader size="sm" aria-label={t('app.loading')} />;
  if (pending.isError) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(pending.error)}
      </Alert>
    );
  }
  const files = pending.data.items;
  if (files.length === 0) return <Text c="dimmed">{t('offers.pending.empty')}</Text>;
  const all = files.every((f) => picked.has(f.id));
  const toggle = (id: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  return (
    <Stack gap="sm">
      <Text size="sm">{t('offers.pending.intro', { count: pending.data.total })}</Text>
      {canManage && (
        <Group gap="xs">
          <Button disabled={picked.size === 0} loading={decide.isPending} onClick={() => decide.mutate(true)}>
            {t('offers.pending.approve', { count: picked.size })}
          </Button>
          <Button
            variant="default"
            color="red"
            disabled={picked.size === 0}
            loading={decide.isPending}
            onClick={() => decide.mutate(false)}
          >
            {t('offers.pending.reject', { count: picked.size })}
          </Button>
        </Group>
      )}
      {decide.error && (
        <Alert color="red" role="alert">
          {errorMessage(decide.error)}
        </Alert>
      )}
      <Table.ScrollContainer minWidth={500}>
        <Table aria-label={t('offers.pending.tableLabel')} striped>
          <Table.Thead>
            <Table.Tr>
              {canManage && (
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t('offers.pending.pickAll')}
                    checked={all}
                    indeterminate={!all && picked.size > 0}
                    onChange={() => setPicked(all ? new Set() : new Set(files.map((f) => f.id)))}
                  />
                </Table.Th>
              )}
              <Table.Th>{t('offers.files.path')}</Table.Th>
              <Table.Th ta="right">{t('offers.files.size')}</Table.Th>
              <Table.Th>{t('offers.files.added')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {files.map((f) => (
              <Table.Tr key={f.id}>
                {canManage && (
                  <Table.Td>
                    <Checkbox
                      aria-label={t('offers.pending.pick', { name: f.path })}
                      checked={picked.has(f.id)}
                      onChange={() => toggle(f.id)}
                    />
                  </Table.Td>
                )}
                <Table.Td>{f.path}</Table.Td>
                <Table.Td ta="right">{formatSize(f.size, i18n.language)}</Table.Td>
                <Table.Td>{formatDateTime(f.addedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
