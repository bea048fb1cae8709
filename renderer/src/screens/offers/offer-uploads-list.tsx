import { ActionIcon, Card, Group, Progress, Stack, Text, Title, Tooltip } from '@mantine/core';
import { IconPlayerPlay, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { FINISHED_OFFER_UPLOAD_STATES, type OfferUpload } from '../../../../shared/ipc/offer-uploads-ipc';
import { formatSize, formatSpeed } from '../../../../shared/format/format-size';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { formatDuration } from '../transfers/transfer-format';

const NUMBERS = { fontVariantNumeric: 'tabular-nums' } as const;

function stateColor(upload: OfferUpload): string {
  if (upload.state === 'failed') return 'red';
  if (upload.state === 'done') return 'green';
  if (upload.state === 'cancelled') return 'gray';
  return 'blue';
}

/** One upload: its path in the offer, state, a progress bar with bytes, speed and time left, cancel or retry. */
function UploadRow({ upload }: { readonly upload: OfferUpload }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const total = upload.total;
  const percent = total === null ? 0 : total === 0 ? 100 : Math.min(100, (upload.bytes / total) * 100);
  const active = upload.state === 'hashing' || upload.state === 'uploading';
  const finished = FINISHED_OFFER_UPLOAD_STATES.has(upload.state);
  const facts = [
    total === null
      ? formatSize(upload.bytes, lang)
      : t('offers.uploads.bytesOf', { done: formatSize(upload.bytes, lang), total: formatSize(total, lang) }),
    active ? formatSpeed(upload.bytesPerSecond, lang) : null,
    active && upload.etaSeconds !== null ? t('offers.uploads.eta', { time: formatDuration(upload.etaSeconds) }) : null,
    upload.resumedFrom > 0 ? t('offers.uploads.resumedFrom', { size: formatSize(upload.resumedFrom, lang) }) : null,
  ].filter((f): f is string => f !== null);
  return (
    <Stack gap={4} role="listitem" aria-label={upload.pathInOffer}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Text size="sm" truncate="end" style={{ minWidth: 0 }}>
          {upload.pathInOffer}
        </Text>
        <Group gap="xs" wrap="nowrap">
          <Text size="xs" c={upload.state === 'failed' ? 'var(--mantine-color-error)' : 'dimmed'}>
            {t(`offers.uploads.states.${upload.state}`)}
          </Text>
          {!finished && (
            <Tooltip label={t('offers.uploads.cancel')}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('offers.uploads.cancelOf', { name: upload.pathInOffer })}
                onClick={() => invoke('offerUploads.cancel', { id: upload.id }).catch(notifyError)}
              >
                <IconX size={16} />
              </ActionIcon>
            </Tooltip>
          )}
          {(upload.state === 'failed' || upload.state === 'cancelled') && (
            <Tooltip label={t('offers.uploads.retry')}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('offers.uploads.retryOf', { name: upload.pathInOffer })}
                onClick={() => invoke('offerUploads.retry', { id: upload.id }).catch(notifyError)}
              >
                <IconPlayerPlay size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
      </Group>
      <Progress.Root size="md">
        <Progress.Section
          value={percent}
          color={stateColor(upload)}
          aria-label={t('offers.uploads.progressOf', { name: upload.pathInOffer })}
          animated={active}
          striped={active}
        />
      </Progress.Root>
      <Text size="xs" c="dimmed" style={NUMBERS}>
        {upload.state === 'hashing' ? `${t('offers.uploads.hashing')} · ` : ''}
        {facts.join(' · ')}
      </Text>
      {upload.error && (
        <Text size="xs" c="var(--mantine-color-error)">
          {t(`offers.uploads.errors.${upload.error.code}`, { defaultValue: upload.error.message })}
        </Text>
      )}
    </Stack>
  );
}

/** The uploads of this session to the offer, newest first (nothing when there is none). */
export function OfferUploadsList({ uploads }: { readonly uploads: readonly OfferUpload[] }) {
  const { t } = useTranslation();
  if (uploads.length === 0) return null;
  return (
    <Card withBorder padding="sm">
      <Stack gap="sm">
        <Title order={4}>{t('offers.uploads.heading')}</Title>
        <Stack gap="sm" role="list" aria-label={t('offers.uploads.heading')}>
          {[...uploads]
            .sort((a, b) => b.createdAt - a.createdAt)
            .map((u) => (
              <UploadRow key={u.id} upload={u} />
            ))}
        </Stack>
      </Stack>
    </Card>
  );
}
