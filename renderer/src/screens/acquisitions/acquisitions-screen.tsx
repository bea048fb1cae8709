import { Alert, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { StateBadge } from '../../components/state-badge';
import { ACQUISITION_STATUSES, type Acquisition, type AcquisitionStatus } from '../../../../shared/platform';
import { type DataColumn, DataTable } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { ACQUISITIONS_KEY } from '../catalog/trade-query-keys';
import { canEdit, useActiveOrg } from '../catalog/use-active-org';
import { FilterSelect } from '../organisation/filter-select';
import { formatDateTime } from '../organisation/format';
import { manageColumn } from '../organisation/manage-column';
import { AcquisitionView } from './acquisition-view';

/** The most acquisitions listed (the platform's page limit). */
const MAX_LISTED = 200;

const STATUS_COLORS = { active: 'green', ended: 'gray', cancelled: 'red' } as const;

/** The organisation's acquisitions as a table, or the one opened. */
function AcquisitionsBody({ orgId, editor }: { readonly orgId: string; readonly editor: boolean }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<AcquisitionStatus | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  // Client mode: an organisation holds few acquisitions, and the table's search then covers offer and provider.
  const list = useQuery({
    queryKey: [...ACQUISITIONS_KEY, orgId, 'list', status],
    queryFn: () =>
      invoke('acquisitions.list', {
        query: { limit: MAX_LISTED, offset: 0, sort: 'acquiredAt', order: 'desc', ...(status ? { status } : {}) },
      }),
  });
  const opened = useQuery({
    queryKey: [...ACQUISITIONS_KEY, orgId, openId, 'detail'],
    queryFn: () => invoke('acquisitions.get', { params: { acquisitionId: openId! } }),
    enabled: openId !== null,
  });
  const columns = useMemo<DataColumn<Acquisition>[]>(
    () => [
      {
        id: 'offer',
        header: t('acquisitions.offer'),
        hideable: false,
        value: (a) => a.offer.title,
        cell: (a) => a.offer.title,
      },
      {
        id: 'provider',
        header: t('acquisitions.provider'),
        value: (a) => a.provider.name,
        cell: (a) => a.provider.name,
      },
      { id: 'kind', header: t('acquisitions.kind'), sortable: false, cell: (a) => t(`catalog.kinds.${a.kind}`) },
      {
        id: 'status',
        header: t('acquisitions.status'),
        sortable: false,
        cell: (a) => <StateBadge color={STATUS_COLORS[a.status]}>{t(`acquisitions.statuses.${a.status}`)}</StateBadge>,
      },
      {
        id: 'periodEnd',
        header: t('acquisitions.periodEnd'),
        sortable: false,
        cell: (a) => (a.periodEnd ? formatDateTime(a.periodEnd) : '—'),
      },
      {
        id: 'entitledFiles',
        header: t('acquisitions.entitledFiles'),
        align: 'right',
        value: (a) => a.entitledFiles,
        cell: (a) => a.entitledFiles,
      },
      {
        id: 'acquiredAt',
        header: t('acquisitions.acquiredAt'),
        value: (a) => a.acquiredAt,
        cell: (a) => formatDateTime(a.acquiredAt),
      },
      manageColumn<Acquisition>(
        t('acquisitions.actions'),
        t('acquisitions.open'),
        (a) => a.offer.title,
        (a) => setOpenId(a.id),
      ),
    ],
    [t],
  );
  if (openId !== null) {
    if (opened.data) {
      return (
        <AcquisitionView orgId={orgId} acquisition={opened.data} canEdit={editor} onBack={() => setOpenId(null)} />
      );
    }
    if (opened.error) {
      return (
        <Alert
          color="red"
          role="alert"
          withCloseButton
          closeButtonLabel={t('acquisitions.back')}
          onClose={() => setOpenId(null)}
        >
          {errorMessage(opened.error)}
        </Alert>
      );
    }
    return <Text>{t('app.loading')}</Text>;
  }
  return (
    <DataTable
      tableId="acquisitions"
      label={t('acquisitions.tableLabel')}
      columns={columns}
      rows={list.data?.items ?? []}
      mode={{ kind: 'client' }}
      loading={list.isFetching}
      error={list.error ? errorMessage(list.error) : null}
      filterLabel={t('acquisitions.search')}
      getRowId={(row) => row.id}
      defaultSort={{ id: 'acquiredAt', desc: true }}
      empty={<Text c="dimmed">{t('acquisitions.empty')}</Text>}
      onRowOpen={(row) => setOpenId(row.id)}
      toolbar={
        <FilterSelect
          label={t('acquisitions.statusFilter')}
          placeholder={t('acquisitions.allStatuses')}
          data={ACQUISITION_STATUSES.map((s) => ({ value: s, label: t(`acquisitions.statuses.${s}`) }))}
          value={status}
          onChange={setStatus}
          width={170}
        />
      }
    />
  );
}

/** The organisation's acquisitions: their entitled files, downloads and automatic deliveries. */
export function AcquisitionsScreen() {
  const { t } = useTranslation();
  const org = useActiveOrg();
  return (
    <Stack gap="md">
      <Title order={2}>{t('acquisitions.heading')}</Title>
      <Text c="dimmed">{t('acquisitions.intro')}</Text>
      {org ? (
        <AcquisitionsBody key={org.orgId} orgId={org.orgId} editor={canEdit(org.role)} />
      ) : (
        <Alert color="blue">{t('catalog.signInFirst')}</Alert>
      )}
    </Stack>
  );
}
