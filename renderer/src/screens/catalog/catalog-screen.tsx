import { Alert, Badge, Button, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogOffer, OfferKind } from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { formatSize } from '../browser/format';
import { FilterSelect } from '../organisation/filter-select';
import { apiPaging, usePagedList } from '../organisation/use-paged-list';
import { AcquireDialog } from './acquire-dialog';
import { historyText, scheduleText } from './catalog-text';
import { CATALOG_KEY } from './trade-query-keys';
import { canEdit, useActiveOrg } from './use-active-org';

const SORTS = ['title', 'publishedAt'] as const;
const KINDS: readonly OfferKind[] = ['one-shot', 'subscription'];

/** The catalog's table and its offer dialog, for a signed-in organisation. */
function CatalogTable({ orgId, canAcquire }: { readonly orgId: string; readonly canAcquire: boolean }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<OfferKind | null>(null);
  const [open, setOpen] = useState<CatalogOffer | null>(null);
  const list = usePagedList([...CATALOG_KEY, orgId, kind], (query: DataTableQuery) =>
    invoke('catalog.list', {
      query: {
        ...apiPaging(query, SORTS, 'title'),
        ...(query.filter.trim() ? { q: query.filter.trim() } : {}),
        ...(kind ? { kind } : {}),
      },
    }),
  );
  const columns = useMemo<DataColumn<CatalogOffer>[]>(
    () => [
      {
        id: 'title',
        header: t('catalog.title'),
        hideable: false,
        cell: (o) => (
          <Stack gap={0}>
            <Text size="sm" fw={500}>
              {o.title}
            </Text>
            {o.description !== '' && (
              <Text size="xs" c="dimmed" lineClamp={1}>
                {o.description}
              </Text>
            )}
          </Stack>
        ),
      },
      { id: 'provider', header: t('catalog.provider'), cell: (o) => o.provider.name, sortable: false },
      {
        id: 'kind',
        header: t('catalog.kind'),
        sortable: false,
        cell: (o) => <Badge variant="light">{t(`catalog.kinds.${o.kind}`)}</Badge>,
      },
      { id: 'files', header: t('catalog.files'), sortable: false, align: 'right', cell: (o) => o.fileCount },
      {
        id: 'size',
        header: t('catalog.size'),
        sortable: false,
        align: 'right',
        cell: (o) => formatSize(o.totalSize, i18n.language),
      },
      { id: 'schedule', header: t('catalog.scheduleLabel'), sortable: false, cell: (o) => scheduleText(t, o) },
      {
        id: 'history',
        header: t('catalog.historyLabel'),
        sortable: false,
        hiddenByDefault: true,
        cell: (o) => historyText(t, o),
      },
      {
        id: 'actions',
        header: t('catalog.actions'),
        sortable: false,
        hideable: false,
        align: 'right',
        cell: (o) =>
          o.activeAcquisitionId !== null ? (
            <Button
              size="xs"
              variant="light"
              color="green"
              onClick={() => setOpen(o)}
              aria-label={`${t('catalog.acquiredBadge')}: ${o.title}`}
            >
              {t('catalog.acquiredBadge')}
            </Button>
          ) : (
            <Button
              size="xs"
              variant="default"
              onClick={() => setOpen(o)}
              aria-label={`${t('catalog.open')}: ${o.title}`}
            >
              {t('catalog.open')}
            </Button>
          ),
      },
    ],
    [t],
  );
  return (
    <>
      <DataTable
        tableId="catalog"
        label={t('catalog.tableLabel')}
        columns={columns}
        {...list.tableProps}
        getRowId={(row) => row.id}
        defaultSort={{ id: 'title', desc: false }}
        filterLabel={t('catalog.search')}
        empty={<Text c="dimmed">{t('catalog.empty')}</Text>}
        toolbar={
          <FilterSelect
            label={t('catalog.kindFilter')}
            placeholder={t('catalog.allKinds')}
            data={KINDS.map((k) => ({ value: k, label: t(`catalog.kinds.${k}`) }))}
            value={kind}
            onChange={setKind}
            width={170}
          />
        }
      />
      {open && <AcquireDialog offer={open} canAcquire={canAcquire} onClose={() => setOpen(null)} />}
    </>
  );
}

/** The catalog: published offers of the platform's other organisations, searched, filtered and acquired. */
export function CatalogScreen() {
  const { t } = useTranslation();
  const org = useActiveOrg();
  return (
    <Stack gap="md">
      <Title order={2}>{t('catalog.heading')}</Title>
      <Text c="dimmed">{t('catalog.intro')}</Text>
      {org ? (
        <CatalogTable key={org.orgId} orgId={org.orgId} canAcquire={canEdit(org.role)} />
      ) : (
        <Alert color="blue">{t('catalog.signInFirst')}</Alert>
      )}
    </Stack>
  );
}
