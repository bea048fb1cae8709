import { Accordion, Alert, Group, List, Loader, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer, OfferImport } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { formatDateTime } from '../organisation/format';
import { OFFERS_KEY } from './offer-query-keys';
import { StateBadge } from '../../components/state-badge';
import { reasonText } from './offer-text';

const STATUS_COLORS: Record<OfferImport['status'], string> = {
  queued: 'gray',
  running: 'blue',
  succeeded: 'green',
  failed: 'red',
};

/** One import or scan: when, what triggered it, its state, the files it added and those it skipped with why. */
function ImportItem({ item }: { readonly item: OfferImport }) {
  const { t } = useTranslation();
  const summary = t('offers.history.summary', { added: item.added.length, skipped: item.skipped.length });
  return (
    <Accordion.Item value={item.id}>
      <Accordion.Control>
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={500}>
            {t(`offers.history.kinds.${item.kind}`)}
          </Text>
          <Text size="sm" c="dimmed">
            {formatDateTime(item.createdAt)} · {t(`offers.history.triggers.${item.trigger}`)}
          </Text>
          <StateBadge color={STATUS_COLORS[item.status]}>{t(`offers.history.statuses.${item.status}`)}</StateBadge>
          <Text size="sm">{summary}</Text>
        </Group>
      </Accordion.Control>
      <Accordion.Panel>
        <Stack gap="xs">
          {item.error && (
            <Alert color="red" title={t('offers.history.failed')}>
              {item.error}
            </Alert>
          )}
          {item.request && (
            <Text size="xs" c="dimmed">
              {t('offers.history.picked', { paths: item.request.paths.join(', ') })}
            </Text>
          )}
          <Text size="sm" fw={500}>
            {t('offers.history.added', { count: item.added.length })}
          </Text>
          {item.added.length > 0 && (
            <List size="sm" spacing={2}>
              {item.added.map((f) => (
                <List.Item key={f.fileId}>{f.path}</List.Item>
              ))}
            </List>
          )}
          <Text size="sm" fw={500}>
            {t('offers.history.skipped', { count: item.skipped.length })}
          </Text>
          {item.skipped.length > 0 && (
            <List size="sm" spacing={2}>
              {item.skipped.map((f, i) => (
                <List.Item key={`${f.path}-${i}`}>
                  {f.path === '' ? '' : `${f.path}: `}
                  <Text span size="sm" c="dimmed">
                    {reasonText(t, f.reason)}
                  </Text>
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      </Accordion.Panel>
    </Accordion.Item>
  );
}

/** The offer's imports and scans, newest first; refreshes while one is queued or running. */
export function ImportHistoryTab({ orgId, offer }: { readonly orgId: string; readonly offer: Offer }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const history = useQuery({
    queryKey: [...OFFERS_KEY, orgId, offer.id, 'imports'],
    queryFn: () => invoke('imports.list', { params: { offerId: offer.id }, query: { limit: 50, order: 'desc' } }),
    refetchInterval: (query) =>
      query.state.data?.items.some((i) => i.status === 'queued' || i.status === 'running') ? 1500 : false,
  });
  const active = history.data?.items.some((i) => i.status === 'queued' || i.status === 'running') ?? false;
  const wasActive = useRef(active);
  useEffect(() => {
    // A finished import or scan changed the offer's counts and files: reload them.
    if (wasActive.current && !active) void client.invalidateQueries({ queryKey: OFFERS_KEY });
    wasActive.current = active;
  }, [active, client]);
  if (history.isPending) return <Loader size="sm" aria-label={t('app.loading')} />;
  if (history.isError) {
    return (
      <Alert color="red" role="alert">
        {errorMessage(history.error)}
      </Alert>
    );
  }
  if (history.data.items.length === 0) return <Text c="dimmed">{t('offers.history.empty')}</Text>;
  return (
    <Accordion variant="separated" multiple aria-label={t('offers.history.heading')}>
      {history.data.items.map((item) => (
        <ImportItem key={item.id} item={item} />
      ))}
    </Accordion>
  );
}
