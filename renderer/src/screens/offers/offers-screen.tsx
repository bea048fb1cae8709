import { Alert, Button, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer, OfferKind, OfferStatus } from '../../../../shared/platform';
import { roleAtLeast } from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { activeMembership, usePlatformStore } from '../../stores/platform-store';
import { FilterSelect } from '../organisation/filter-select';
import { formatDateTime } from '../organisation/format';
import { apiPaging, usePagedList } from '../organisation/use-paged-list';
import { OfferDetail } from './offer-detail';
import { OfferFormDialog } from './offer-form-dialog';
import { OFFERS_KEY } from './offer-query-keys';
import { StateBadge } from '../../components/state-badge';
import { statusColor } from './offer-text';

const SORTS = ['createdAt', 'updatedAt', 'title', 'status'] as const;
const STATUSES: readonly OfferStatus[] = ['draft', 'published', 'archived'];
const KINDS: readonly OfferKind[] = ['one-shot', 'subscription'];

/** The organisation's offers: status, kind, files, subscribers and last import; filters; a new offer. */
function OffersTable({
  orgId,
  canManage,
  onOpen,
}: {
  readonly orgId: string;
  readonly canManage: boolean;
  readonly onOpen: (offerId: string) => void;
}) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<OfferStatus | null>(null);
  const [kind, setKind] = useState<OfferKind | null>(null);
  const [creating, setCreating] = useState(false);
  const list = usePagedList([...OFFERS_KEY, orgId, 'list', status, kind], (query: DataTableQuery) =>
    invoke('offers.list', {
      query: {
        ...apiPaging(query, SORTS, 'createdAt'),
        ...(query.filter.trim() ? { q: query.filter.trim() } : {}),
        ...(status ? { status } : {}),
        ...(kind ? { kind } : {}),
      },
    }),
  );
  const columns = useMemo<DataColumn<Offer>[]>(
    () => [
      {
        id: 'title',
        header: t('offers.list.title'),
        hideable: false,
        cell: (o) => (
          <UnstyledButton onClick={() => onOpen(o.id)} aria-label={t('offers.list.open', { title: o.title })}>
            <Text size="sm" fw={500} td="underline">
              {o.title}
            </Text>
          </UnstyledButton>
        ),
      },
      {
        id: 'status',
        header: t('offers.list.status'),
        cell: (o) => <StateBadge color={statusColor(o.status)}>{t(`offers.statuses.${o.status}`)}</StateBadge>,
      },
      { id: 'kind', header: t('offers.list.kind'), sortable: false, cell: (o) => t(`offers.kinds.${o.kind}`) },
      {
        id: 'files',
        header: t('offers.list.files'),
        sortable: false,
        align: 'right',
        cell: (o) =>
          o.pendingFileCount > 0
            ? t('offers.list.filesPending', { count: o.fileCount, pending: o.pendingFileCount })
            : o.fileCount,
      },
      {
        id: 'subscribers',
        header: t('offers.list.subscribers'),
        sortable: false,
        align: 'right',
        cell: (o) => o.subscriberCount,
      },
      {
        id: 'lastImport',
        header: t('offers.list.lastImport'),
        sortable: false,
        cell: (o) => (o.kind === 'subscription' ? formatDateTime(o.lastScanAt) : '—'),
      },
      {
        id: 'createdAt',
        header: t('offers.list.created'),
        hiddenByDefault: true,
        cell: (o) => formatDateTime(o.createdAt),
      },
      {
        id: 'updatedAt',
        header: t('offers.list.updated'),
        hiddenByDefault: true,
        cell: (o) => formatDateTime(o.updatedAt),
      },
    ],
    [t, onOpen],
  );
  return (
    <>
      <DataTable
        tableId="offers"
        label={t('offers.list.tableLabel')}
        columns={columns}
        {...list.tableProps}
        getRowId={(row) => row.id}
        defaultSort={{ id: 'createdAt', desc: true }}
        filterLabel={t('offers.list.search')}
        onRowOpen={(row) => onOpen(row.id)}
        empty={<Text c="dimmed">{canManage ? t('offers.list.emptyManage') : t('offers.list.empty')}</Text>}
        toolbar={
          <Group gap="xs">
            <FilterSelect
              label={t('offers.list.statusFilter')}
              placeholder={t('offers.list.allStatuses')}
              data={STATUSES.map((s) => ({ value: s, label: t(`offers.statuses.${s}`) }))}
              value={status}
              onChange={setStatus}
              width={150}
            />
            <FilterSelect
              label={t('offers.list.kindFilter')}
              placeholder={t('offers.list.allKinds')}
              data={KINDS.map((k) => ({ value: k, label: t(`offers.kinds.${k}`) }))}
              value={kind}
              onChange={setKind}
              width={160}
            />
            {canManage && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
                {t('offers.list.create')}
              </Button>
            )}
          </Group>
        }
      />
      {creating && (
        <OfferFormDialog
          orgId={orgId}
          onClose={() => setCreating(false)}
          onSaved={(offer) => {
            setCreating(false);
            onOpen(offer.id);
          }}
        />
      )}
    </>
  );
}

/** The Offers screen: the organisation's offers, and one offer's files, pending files, source and history. */
export function OffersScreen() {
  const { t } = useTranslation();
  const state = usePlatformStore((s) => s.state);
  const membership = state.status === 'ready' ? activeMembership(state.platform) : undefined;
  const [open, setOpen] = useState<{ orgId: string; offerId: string } | null>(null);
  if (!membership) {
    return (
      <Stack gap="md">
        <Title order={2}>{t('offers.heading')}</Title>
        <Alert color="blue">{t('offers.signInFirst')}</Alert>
      </Stack>
    );
  }
  const canManage = roleAtLeast(membership.role, 'editor');
  if (open !== null && open.orgId === membership.orgId) {
    return (
      <OfferDetail
        key={open.offerId}
        orgId={membership.orgId}
        offerId={open.offerId}
        canManage={canManage}
        onBack={() => setOpen(null)}
      />
    );
  }
  return (
    <Stack gap="md">
      <Title order={2}>{t('offers.heading')}</Title>
      <Text c="dimmed">{t('offers.intro')}</Text>
      {!canManage && <Alert color="blue">{t('offers.viewerNotice')}</Alert>}
      <OffersTable
        key={membership.orgId}
        orgId={membership.orgId}
        canManage={canManage}
        onOpen={(offerId) => setOpen({ orgId: membership.orgId, offerId })}
      />
    </Stack>
  );
}
