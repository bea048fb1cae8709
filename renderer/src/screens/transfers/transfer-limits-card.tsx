import { Card, Group, NumberInput, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  MAX_TRANSFER_CONCURRENCY,
  MIN_BANDWIDTH_BYTES_PER_SECOND,
  type TransferLimits,
} from '../../../../shared/ipc/transfers-ipc';
import { notifyError } from '../../notify-error';
import { useTransfersStore } from '../../stores/transfers-store';
import { BYTES_PER_MEGABYTE as BYTES_PER_MB } from '../../../../shared/format/format-size';

const DEFAULT_LIMIT_MB = 10;

/** Global concurrency and bandwidth, applied to running transfers as soon as they change. */
export function TransferLimitsCard({ limits }: { readonly limits: TransferLimits }) {
  const { t } = useTranslation();
  const setLimits = useTransfersStore((s) => s.setLimits);
  const save = (patch: Partial<TransferLimits>): void => void setLimits(patch).catch(notifyError);
  const limited = limits.bandwidthBytesPerSecond !== null;
  // The field keeps what the user types; main gets it once it is a valid rate.
  const [megabytes, setMegabytes] = useState<number | string>(
    limited ? limits.bandwidthBytesPerSecond! / BYTES_PER_MB : DEFAULT_LIMIT_MB,
  );
  // A rate changed elsewhere (another window, main) replaces what the field shows.
  const [shownRate, setShownRate] = useState(limits.bandwidthBytesPerSecond);
  if (shownRate !== limits.bandwidthBytesPerSecond) {
    setShownRate(limits.bandwidthBytesPerSecond);
    if (limits.bandwidthBytesPerSecond !== null) setMegabytes(limits.bandwidthBytesPerSecond / BYTES_PER_MB);
  }
  const rateOf = (value: number | string): number | null => {
    const number = typeof value === 'number' ? value : Number.parseFloat(value);
    if (!Number.isFinite(number)) return null;
    const bytes = Math.round(number * BYTES_PER_MB);
    return bytes >= MIN_BANDWIDTH_BYTES_PER_SECOND ? bytes : null;
  };

  return (
    <Card withBorder component="section" aria-labelledby="transfers-limits">
      <Title order={3} size="h5" id="transfers-limits" mb="sm">
        {t('transfers.limits.title')}
      </Title>
      <Group align="flex-start" gap="xl" wrap="wrap">
        <NumberInput
          label={t('transfers.limits.concurrency')}
          description={t('transfers.limits.concurrencyHelp')}
          value={limits.concurrency}
          min={1}
          max={MAX_TRANSFER_CONCURRENCY}
          clampBehavior="strict"
          allowDecimal={false}
          w={240}
          onChange={(value) => {
            if (typeof value === 'number' && value >= 1 && value <= MAX_TRANSFER_CONCURRENCY) {
              if (value !== limits.concurrency) save({ concurrency: value });
            }
          }}
        />
        <div>
          <Switch
            checked={limited}
            label={t('transfers.limits.bandwidth')}
            description={t('transfers.limits.bandwidthHelp')}
            onChange={(event) =>
              save({
                bandwidthBytesPerSecond: event.currentTarget.checked
                  ? (rateOf(megabytes) ?? DEFAULT_LIMIT_MB * BYTES_PER_MB)
                  : null,
              })
            }
            mb="xs"
          />
          <NumberInput
            label={t('transfers.limits.rate')}
            value={megabytes}
            min={0.01}
            step={0.5}
            decimalScale={2}
            disabled={!limited}
            w={240}
            onChange={(value) => {
              setMegabytes(value);
              const rate = rateOf(value);
              if (limited && rate !== null && rate !== limits.bandwidthBytesPerSecond) {
                save({ bandwidthBytesPerSecond: rate });
              }
            }}
          />
          {limited && rateOf(megabytes) === null && (
            <Text size="xs" c="light-dark(var(--mantine-color-red-9), var(--mantine-color-red-4))" mt={4} role="alert">
              {t('transfers.limits.rateInvalid')}
            </Text>
          )}
        </div>
      </Group>
    </Card>
  );
}
