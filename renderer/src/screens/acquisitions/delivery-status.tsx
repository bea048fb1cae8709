import { Stack, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { StateBadge } from '../../components/state-badge';
import type { Delivery } from '../../../../shared/platform';

const COLORS = { pending: 'blue', delivered: 'green', failed: 'red', skipped: 'gray' } as const;

/** A file's delivery to one target: its state, where it went (a conflict copy named), its receipt, its error. */
export function DeliveryStatus({ delivery }: { readonly delivery: Delivery | undefined }) {
  const { t } = useTranslation();
  if (!delivery)
    return (
      <Text size="sm" c="dimmed">
        {t('acquisitions.delivery.none')}
      </Text>
    );
  return (
    <Stack gap={2}>
      <StateBadge color={COLORS[delivery.status]}>{t(`acquisitions.delivery.${delivery.status}`)}</StateBadge>
      {delivery.path && (
        <Text size="xs" style={{ wordBreak: 'break-all' }}>
          {t('acquisitions.delivery.at', { path: delivery.path })}
        </Text>
      )}
      {delivery.conflict && (
        <Tooltip label={t('acquisitions.delivery.conflictHelp')} multiline w={280}>
          <StateBadge color="orange" tabIndex={0}>
            {t('acquisitions.delivery.conflict')}
          </StateBadge>
        </Tooltip>
      )}
      {delivery.receiptPath && (
        <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
          {t('acquisitions.delivery.receipt', { path: delivery.receiptPath })}
        </Text>
      )}
      {delivery.status !== 'delivered' && delivery.lastError && (
        <Text size="xs" c="red">
          {t('acquisitions.delivery.lastError', { attempts: delivery.attempts, error: delivery.lastError })}
        </Text>
      )}
    </Stack>
  );
}
