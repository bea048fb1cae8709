import { Alert, Anchor, Badge, Button, Group, Loader, Modal, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArchive, IconArrowLeft, IconEdit, IconSend, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer } from '../../../../shared/platform';
import { formatSize } from '../../../../shared/format/format-size';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { formatDateTime } from '../organisation/format';
import { ImportHistoryTab } from './import-history-tab';
import { OfferBuyersTab } from './offer-buyers-tab';
import { OfferFilesTab } from './offer-files-tab';
import { OfferFormDialog, useOrgConnectors } from './offer-form-dialog';
import { OFFERS_KEY } from './offer-query-keys';
import { StateBadge } from '../../components/state-badge';
import { sourceText, statusColor } from './offer-text';
import { PendingFilesTab } from './pending-files-tab';
import { ScanPreviewTab } from './scan-preview-tab';

type Action = 'publish' | 'archive' | 'delete';

/** The facts of an offer in one line each: kind, files, size, subscribers, source and schedule. */
function OfferFacts({ orgId, offer }: { readonly orgId: string; readonly offer: Offer }) {
  const { t } = useTranslation();
  const connectors = useOrgConnectors(orgId);
  const nameOf = (id: string) => connectors.data?.find((c) => c.id === id)?.name;
  const sub = offer.subscription;
  const facts: [string, string][] = [
    [t('offers.list.kind'), t(`offers.kinds.${offer.kind}`)],
    [t('offers.list.files'), String(offer.fileCount)],
    [t('offers.detail.totalSize'), formatSize(offer.totalSize, i18n.language)],
    [t('offers.list.subscribers'), String(offer.subscriberCount)],
    [t('offers.detail.maxFileSize'), formatSize(offer.maxFileSize, i18n.language)],
  ];
  if (sub) {
    facts.push(
      [t('offers.form.source'), sourceText(t, offer, nameOf)],
      [t('offers.form.interval'), t('offers.detail.everyMinutes', { count: sub.scanIntervalMinutes })],
      [t('offers.form.staging'), sub.staging ? t('offers.detail.yes') : t('offers.detail.no')],
      [
        t('offers.form.history'),
        sub.historyPolicy.type === 'last'
          ? t('offers.detail.historyLast', { count: sub.historyPolicy.count })
          : t(`offers.form.histories.${sub.historyPolicy.type}`),
      ],
      [t('offers.form.frequency'), t(`offers.frequencies.${sub.deliveryFrequency}`)],
      [t('offers.list.lastImport'), formatDateTime(offer.lastScanAt)],
    );
  }
  facts.push([t('offers.detail.created'), formatDateTime(offer.createdAt)]);
  if (offer.publishedAt) facts.push([t('offers.detail.published'), formatDateTime(offer.publishedAt)]);
  return (
    <Group gap="lg" wrap="wrap" component="dl" style={{ margin: 0 }}>
      {facts.map(([label, value]) => (
        <Stack key={label} gap={0}>
          <Text component="dt" size="xs" c="dimmed">
            {label}
          </Text>
          <Text component="dd" size="sm" m={0}>
            {value}
          </Text>
        </Stack>
      ))}
    </Group>
  );
}

/**
 * One offer: its facts, publish/archive/delete and edit, and tabs for files, pending files, the source, the import
 * history and (for editors and admins, as the platform allows) its buyers.
 */
export function OfferDetail({
  orgId,
  offerId,
  canManage,
  onBack,
}: {
  readonly orgId: string;
  readonly offerId: string;
  readonly canManage: boolean;
  readonly onBack: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [tab, setTab] = useState<string | null>('files');
  const loaded = useQuery({
    queryKey: [...OFFERS_KEY, orgId, offerId, 'offer'],
    queryFn: () => invoke('offers.get', { params: { offerId } }),
  });
  const act = useMutation({
    mutationFn: (action: Action) => {
      const params = { offerId };
      if (action === 'publish') return invoke('offers.publish', { params });
      if (action === 'archive') return invoke('offers.archive', { params });
      return invoke('offers.delete', { params });
    },
    onSuccess: (_result, action) => {
      setConfirm(null);
      if (action === 'delete') {
        client.removeQueries({ queryKey: [...OFFERS_KEY, orgId, offerId] });
        onBack();
      }
      void client.invalidateQueries({ queryKey: OFFERS_KEY });
    },
  });

  const back = (
    <Anchor component="button" type="button" onClick={onBack} size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} aria-hidden />
        {t('offers.detail.back')}
      </Group>
    </Anchor>
  );
  if (loaded.isPending) return <Loader aria-label={t('app.loading')} />;
  if (loaded.isError) {
    return (
      <Stack>
        {back}
        <Alert color="red" role="alert">
          {errorMessage(loaded.error)}
        </Alert>
      </Stack>
    );
  }
  const offer = loaded.data;
  const subscription = offer.kind === 'subscription';
  return (
    <Stack gap="md">
      {back}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="xs">
            <Title order={2}>{offer.title}</Title>
            <StateBadge color={statusColor(offer.status)}>{t(`offers.statuses.${offer.status}`)}</StateBadge>
          </Group>
          {offer.description !== '' && (
            <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
              {offer.description}
            </Text>
          )}
        </Stack>
        {canManage && (
          <Group gap="xs">
            {offer.status !== 'archived' && (
              <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)}>
                {t('offers.detail.edit')}
              </Button>
            )}
            {offer.status === 'draft' && (
              <Button leftSection={<IconSend size={16} />} onClick={() => setConfirm('publish')}>
                {t('offers.detail.publish')}
              </Button>
            )}
            {offer.status === 'published' && (
              <Button variant="default" leftSection={<IconArchive size={16} />} onClick={() => setConfirm('archive')}>
                {t('offers.detail.archive')}
              </Button>
            )}
            {offer.subscriberCount === 0 && (
              <Button
                variant="default"
                color="red"
                leftSection={<IconTrash size={16} />}
                onClick={() => setConfirm('delete')}
              >
                {t('offers.detail.delete')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <OfferFacts orgId={orgId} offer={offer} />
      {offer.pendingFileCount > 0 && (
        <Alert color="yellow">{t('offers.detail.pendingNotice', { count: offer.pendingFileCount })}</Alert>
      )}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="files">{t('offers.tabs.files')}</Tabs.Tab>
          {subscription && (
            <Tabs.Tab
              value="pending"
              rightSection={
                offer.pendingFileCount > 0 ? (
                  <Badge size="sm" circle>
                    {offer.pendingFileCount}
                  </Badge>
                ) : null
              }
            >
              {t('offers.tabs.pending')}
            </Tabs.Tab>
          )}
          {subscription && <Tabs.Tab value="source">{t('offers.tabs.source')}</Tabs.Tab>}
          <Tabs.Tab value="history">{t('offers.tabs.history')}</Tabs.Tab>
          {canManage && <Tabs.Tab value="buyers">{t('offers.tabs.buyers')}</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="files" pt="md">
          <OfferFilesTab orgId={orgId} offer={offer} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="pending" pt="md">
          <PendingFilesTab orgId={orgId} offer={offer} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="source" pt="md">
          <ScanPreviewTab offer={offer} canManage={canManage} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <ImportHistoryTab orgId={orgId} offer={offer} />
        </Tabs.Panel>
        <Tabs.Panel value="buyers" pt="md">
          <OfferBuyersTab orgId={orgId} offer={offer} />
        </Tabs.Panel>
      </Tabs>
      {editing && (
        <OfferFormDialog
          orgId={orgId}
          offer={offer}
          onClose={() => setEditing(false)}
          onSaved={() => setEditing(false)}
        />
      )}
      {confirm && (
        <Modal
          opened
          closeButtonProps={{ 'aria-label': t('offers.close') }}
          onClose={() => setConfirm(null)}
          title={t(`offers.confirm.${confirm}Title`)}
        >
          <Stack gap="sm">
            <Text size="sm">{t(`offers.confirm.${confirm}Body`, { title: offer.title })}</Text>
            {act.error && act.variables === confirm && (
              <Alert color="red" role="alert">
                {errorMessage(act.error)}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirm(null)}>
                {t('offers.cancel')}
              </Button>
              <Button
                color={confirm === 'delete' ? 'red' : undefined}
                loading={act.isPending}
                onClick={() => act.mutate(confirm)}
                data-autofocus
              >
                {t(`offers.detail.${confirm}`)}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}
