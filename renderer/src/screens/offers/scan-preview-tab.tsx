import { Alert, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconEye, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Offer, ScanPreview } from '../../../../shared/platform';
import { formatSize } from '../../../../shared/format/format-size';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { formatDateTime } from '../organisation/format';
import { OFFERS_KEY } from './offer-query-keys';
import { reasonText } from './offer-text';

function PreviewResult({ preview }: { readonly preview: ScanPreview }) {
  const { t } = useTranslation();
  return (
    <Stack gap="sm" aria-live="polite">
      {preview.warning && (
        <Alert color="yellow" title={t('offers.preview.warning')}>
          {preview.warning}
        </Alert>
      )}
      {preview.truncated && <Alert color="blue">{t('offers.preview.truncated')}</Alert>}
      <Title order={4}>{t('offers.preview.add', { count: preview.add.length })}</Title>
      {preview.add.length > 0 && (
        <List size="sm" spacing={2} aria-label={t('offers.preview.addLabel')}>
          {preview.add.map((f) => (
            <List.Item key={f.path}>
              {f.path}{' '}
              <Text span size="xs" c="dimmed">
                ({formatSize(f.size, i18n.language)})
              </Text>
            </List.Item>
          ))}
        </List>
      )}
      <Title order={4}>{t('offers.preview.waiting', { count: preview.waiting.length })}</Title>
      {preview.waiting.length > 0 && (
        <List size="sm" spacing={2}>
          {preview.waiting.map((f) => (
            <List.Item key={f.path}>
              {f.path}:{' '}
              <Text span size="sm" c="dimmed">
                {reasonText(t, f.reason)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
      <Title order={4}>{t('offers.preview.skipped', { count: preview.skipped.length })}</Title>
      {preview.skipped.length > 0 && (
        <List size="sm" spacing={2}>
          {preview.skipped.map((f, i) => (
            <List.Item key={`${f.path}-${i}`}>
              {f.path}:{' '}
              <Text span size="sm" c="dimmed">
                {reasonText(t, f.reason)}
              </Text>
            </List.Item>
          ))}
        </List>
      )}
      <Text size="sm" c="dimmed">
        {t('offers.preview.unchanged', { count: preview.unchanged })}
      </Text>
    </Stack>
  );
}

/** A subscription's source: when it was and will be scanned, a dry run of the next scan, and "scan now". */
export function ScanPreviewTab({ offer, canManage }: { readonly offer: Offer; readonly canManage: boolean }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const preview = useMutation({ mutationFn: () => invoke('imports.preview', { params: { offerId: offer.id } }) });
  const scan = useMutation({
    mutationFn: () => invoke('imports.scan', { params: { offerId: offer.id } }),
    onSuccess: () => {
      notifications.show({ color: 'blue', message: t('offers.preview.scanQueued') });
      void client.invalidateQueries({ queryKey: OFFERS_KEY });
    },
  });
  const source = offer.subscription?.source;
  return (
    <Stack gap="md">
      <Text size="sm">
        {t('offers.preview.lastScan', { when: formatDateTime(offer.lastScanAt) })} ·{' '}
        {t('offers.preview.nextScan', { when: formatDateTime(offer.nextScanAt) })}
      </Text>
      {source?.type !== 'connector' ? (
        <Alert color="blue">{t('offers.preview.noConnectorSource')}</Alert>
      ) : (
        canManage && (
          <Group gap="xs">
            <Button leftSection={<IconEye size={16} />} loading={preview.isPending} onClick={() => preview.mutate()}>
              {t('offers.preview.run')}
            </Button>
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={scan.isPending}
              disabled={offer.status === 'archived'}
              onClick={() => scan.mutate()}
            >
              {t('offers.preview.scanNow')}
            </Button>
          </Group>
        )
      )}
      {!canManage && <Text c="dimmed">{t('offers.preview.editorsOnly')}</Text>}
      {(preview.error ?? scan.error) && (
        <Alert color="red" role="alert">
          {errorMessage(preview.error ?? scan.error)}
        </Alert>
      )}
      {preview.data && <PreviewResult preview={preview.data} />}
    </Stack>
  );
}
