import { Alert, Button, Group, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatalogOffer, CreateAcquisitionRequest } from '../../../../shared/platform';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { useNavigationStore } from '../../stores/navigation-store';
import { formatSize } from '../browser/format';
import { ErrorAlert } from '../organisation/error-alert';
import { FormFooter } from '../organisation/form-footer';
import { FactsTable } from '../organisation/facts-table';
import { OrgDialog } from '../organisation/org-dialog';
import { historyText, scheduleText } from './catalog-text';
import { ACQUISITIONS_KEY, CATALOG_KEY } from './trade-query-keys';

type Period = 'months' | 'until';

/** Tomorrow as an input date (YYYY-MM-DD, local): the earliest end date a subscription may take. */
function tomorrow(): string {
  const d = new Date(Date.now() + 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The request for an offer: nothing more for a one-shot; months or an end date (end of that local day) otherwise. */
function requestOf(offer: CatalogOffer, period: Period, months: number, until: string): CreateAcquisitionRequest {
  if (offer.kind === 'one-shot') return { offerId: offer.id };
  if (period === 'months') return { offerId: offer.id, months };
  return { offerId: offer.id, periodEnd: new Date(`${until}T23:59:59`).toISOString() };
}

/**
 * One catalog offer: what it holds and how it delivers, and acquiring it (one-shot, or a subscription for a number
 * of months or until a date). An offer already acquired says so and leads to its acquisition.
 */
export function AcquireDialog({
  offer,
  canAcquire,
  onClose,
}: {
  readonly offer: CatalogOffer;
  readonly canAcquire: boolean;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [period, setPeriod] = useState<Period>('months');
  const [months, setMonths] = useState<number | string>(12);
  const [until, setUntil] = useState(tomorrow());
  const [problem, setProblem] = useState<string | null>(null);
  const acquire = useMutation({
    mutationFn: (request: CreateAcquisitionRequest) => invoke('acquisitions.create', { body: request }),
    onSuccess: (acquisition) => {
      notifications.show({
        color: 'green',
        closeButtonProps: { 'aria-label': t('organisation.closeDialog') },
        message: t('catalog.acquired', { title: acquisition.offer.title }),
      });
      void client.invalidateQueries({ queryKey: CATALOG_KEY });
      void client.invalidateQueries({ queryKey: ACQUISITIONS_KEY });
      onClose();
    },
  });
  const submit = () => {
    const count = Number(months);
    if (
      offer.kind === 'subscription' &&
      period === 'months' &&
      !(Number.isInteger(count) && count >= 1 && count <= 120)
    ) {
      setProblem(t('catalog.monthsRange'));
      return;
    }
    if (offer.kind === 'subscription' && period === 'until' && !(until >= tomorrow())) {
      setProblem(t('catalog.untilFuture'));
      return;
    }
    setProblem(null);
    acquire.mutate(requestOf(offer, period, count, until));
  };
  const openAcquisitions = () => {
    onClose();
    useNavigationStore.getState().go('acquisitions');
  };
  const acquired = offer.activeAcquisitionId !== null;
  return (
    <OrgDialog title={offer.title} onClose={onClose}>
      <Stack gap="md">
        {offer.description !== '' && <Text style={{ whiteSpace: 'pre-wrap' }}>{offer.description}</Text>}
        <FactsTable
          labelWidth={180}
          facts={[
            [t('catalog.provider'), offer.provider.name],
            [t('catalog.kind'), t(`catalog.kinds.${offer.kind}`)],
            [t('catalog.files'), t('catalog.filesCount', { count: offer.fileCount })],
            [t('catalog.size'), formatSize(offer.totalSize, i18n.language)],
            [t('catalog.scheduleLabel'), scheduleText(t, offer)],
            [t('catalog.historyLabel'), historyText(t, offer)],
          ]}
        />
        {acquired ? (
          <Alert color="green" title={t('catalog.alreadyAcquired')}>
            <Group justify="space-between">
              <Text size="sm">{t('catalog.alreadyAcquiredHelp')}</Text>
              <Button size="xs" variant="light" onClick={openAcquisitions}>
                {t('catalog.openAcquisitions')}
              </Button>
            </Group>
          </Alert>
        ) : !canAcquire ? (
          <Alert color="gray">{t('catalog.viewerCannotAcquire')}</Alert>
        ) : (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <Stack gap="sm">
              {offer.kind === 'subscription' ? (
                <>
                  <Text size="sm">{t('catalog.periodHelp')}</Text>
                  <SegmentedControl
                    aria-label={t('catalog.period')}
                    value={period}
                    onChange={(value) => setPeriod(value as Period)}
                    data={[
                      { value: 'months', label: t('catalog.forMonths') },
                      { value: 'until', label: t('catalog.untilDate') },
                    ]}
                  />
                  {period === 'months' ? (
                    <NumberInput
                      label={t('catalog.months')}
                      min={1}
                      max={120}
                      allowDecimal={false}
                      value={months}
                      onChange={setMonths}
                    />
                  ) : (
                    <TextInput
                      type="date"
                      label={t('catalog.endDate')}
                      description={t('catalog.endDateHelp')}
                      min={tomorrow()}
                      value={until}
                      onChange={(event) => setUntil(event.currentTarget.value)}
                    />
                  )}
                </>
              ) : (
                <Text size="sm">{t('catalog.oneShotHelp')}</Text>
              )}
              <ErrorAlert error={problem ?? (acquire.error ? errorMessage(acquire.error) : null)} />
              <FormFooter
                submitLabel={offer.kind === 'subscription' ? t('catalog.subscribe') : t('catalog.acquire')}
                busy={acquire.isPending}
                onCancel={onClose}
              />
            </Stack>
          </form>
        )}
      </Stack>
    </OrgDialog>
  );
}
