import { Box, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer, Sale } from '../../../../shared/platform';
import { type DataColumn, DataTable } from '../../components/data-table';
import { StateBadge } from '../../components/state-badge';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { formatDateTime } from '../organisation/format';
import { OFFERS_KEY } from './offer-query-keys';

// The platform's largest page: an offer's buyers are read whole, then sorted and filtered here.
const PAGE = 200;

const STATUS_COLORS: Record<Sale['status'], string> = { active: 'green', ended: 'gray', cancelled: 'red' };

/** Every acquisition of the offer, page after page. */
async function allSales(offerId: string): Promise<Sale[]> {
  const sales: Sale[] = [];
  for (;;) {
    const page = await invoke('offers.sales', {
      params: { offerId },
      query: { limit: PAGE, offset: sales.length, sort: 'acquiredAt', order: 'desc' },
    });
    sales.push(...page.items);
    if (page.items.length === 0 || sales.length >= page.total) return sales;
  }
}

/** Who acquired the offer (the provider's sales): buyer organisation, kind, period, status and entitled files. */
export function OfferBuyersTab({ orgId, offer }: { readonly orgId: string; readonly offer: Offer }) {
  const { t } = useTranslation();
  const sales = useQuery({
    queryKey: [...OFFERS_KEY, orgId, offer.id, 'sales'],
    queryFn: () => allSales(offer.id),
  });
  const columns = useMemo<DataColumn<Sale>[]>(
    () => [
      {
        id: 'buyer',
        header: t('offers.buyers.buyer'),
        hideable: false,
        value: (s) => s.buyer.name,
        cell: (s) => s.buyer.name,
      },
      {
        id: 'kind',
        header: t('offers.list.kind'),
        value: (s) => t(`offers.kinds.${s.kind}`),
        cell: (s) => t(`offers.kinds.${s.kind}`),
      },
      {
        id: 'period',
        header: t('offers.buyers.period'),
        value: (s) => s.periodStart,
        cell: (s) =>
          s.periodEnd
            ? t('offers.buyers.periodRange', { start: formatDateTime(s.periodStart), end: formatDateTime(s.periodEnd) })
            : t('offers.buyers.periodOpen', { start: formatDateTime(s.periodStart) }),
      },
      {
        id: 'status',
        header: t('offers.buyers.status'),
        value: (s) => t(`offers.buyers.statuses.${s.status}`),
        // At least the badge's own width: a squeezed table would cut its word short.
        cell: (s) => (
          <Box miw="max-content">
            <StateBadge color={STATUS_COLORS[s.status]}>{t(`offers.buyers.statuses.${s.status}`)}</StateBadge>
          </Box>
        ),
      },
      {
        id: 'entitledFiles',
        header: t('offers.buyers.entitledFiles'),
        align: 'right',
        value: (s) => s.entitledFiles,
        cell: (s) => s.entitledFiles,
      },
      {
        id: 'acquiredAt',
        header: t('offers.buyers.acquiredAt'),
        value: (s) => s.acquiredAt,
        cell: (s) => formatDateTime(s.acquiredAt),
      },
    ],
    [t],
  );
  const empty =
    offer.status === 'published'
      ? t('offers.buyers.emptyPublished')
      : offer.status === 'draft'
        ? t('offers.buyers.emptyDraft')
        : t('offers.buyers.emptyArchived');
  return (
    <DataTable
      tableId="offer-buyers"
      label={t('offers.buyers.tableLabel')}
      columns={columns}
      rows={sales.data ?? []}
      mode={{ kind: 'client' }}
      getRowId={(row) => row.id}
      defaultSort={{ id: 'acquiredAt', desc: true }}
      filterLabel={t('offers.buyers.search')}
      loading={sales.isPending}
      {...(sales.isError ? { error: errorMessage(sales.error) } : {})}
      empty={<Text c="dimmed">{empty}</Text>}
    />
  );
}
