import {
  Alert,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_MAX_FILE_SIZE,
  DELIVERY_FREQUENCIES,
  MAX_FILE_SIZE_CAP,
  type HistoryPolicy,
  type Offer,
  type OfferKind,
  type OfferSource,
  SCAN_INTERVAL_MINUTES,
  type SubscriptionSettingsInput,
} from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { EntryPicker } from './entry-picker';
import { OFFERS_KEY } from './offer-query-keys';

type Frequency = (typeof DELIVERY_FREQUENCIES)[number];
// Sizes are decimal (the app's one unit system): the field is in megabytes.
const MB = 1_000_000;

/** The organisation connectors an offer may take its source from (names for editors; IDs kept). */
export function useOrgConnectors(orgId: string) {
  return useQuery({
    queryKey: [...OFFERS_KEY, orgId, 'orgConnectors'],
    queryFn: async () => (await invoke('orgConnectors.list', { query: { limit: 200 } })).items,
  });
}

/** Creates a draft offer or edits one: title, description, kind, size limit and a subscription's settings. */
export function OfferFormDialog({
  orgId,
  offer,
  onClose,
  onSaved,
}: {
  readonly orgId: string;
  /** The offer to edit; a new draft when absent. */
  readonly offer?: Offer;
  readonly onClose: () => void;
  readonly onSaved: (offer: Offer) => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const connectors = useOrgConnectors(orgId);
  const sub = offer?.subscription;
  const [title, setTitle] = useState(offer?.title ?? '');
  const [description, setDescription] = useState(offer?.description ?? '');
  const [kind, setKind] = useState<OfferKind>(offer?.kind ?? 'one-shot');
  const initialMB = Math.floor((offer?.maxFileSize ?? DEFAULT_MAX_FILE_SIZE) / MB);
  const [maxMB, setMaxMB] = useState<number | string>(initialMB);
  const [sourceType, setSourceType] = useState<OfferSource['type']>(sub?.source.type ?? 'none');
  const [connectorId, setConnectorId] = useState<string | null>(
    sub?.source.type === 'connector' ? sub.source.connectorId : null,
  );
  const [folder, setFolder] = useState(sub?.source.type === 'connector' ? sub.source.folder : '');
  const [interval, setInterval] = useState<number | string>(sub?.scanIntervalMinutes ?? SCAN_INTERVAL_MINUTES.default);
  const [staging, setStaging] = useState(sub?.staging ?? false);
  const [history, setHistory] = useState<HistoryPolicy['type']>(sub?.historyPolicy.type ?? 'all');
  const [historyCount, setHistoryCount] = useState<number | string>(
    sub?.historyPolicy.type === 'last' ? sub.historyPolicy.count : 10,
  );
  const [frequency, setFrequency] = useState<Frequency>(sub?.deliveryFrequency ?? 'as-added');
  const [firstDelivery, setFirstDelivery] = useState(sub?.firstDeliveryAt?.slice(0, 16) ?? '');
  const [picking, setPicking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const subscription = (): SubscriptionSettingsInput => ({
    source:
      sourceType === 'connector'
        ? { type: 'connector', connectorId: connectorId ?? '', folder }
        : sourceType === 'agent'
          ? { type: 'agent' }
          : { type: 'none' },
    scanIntervalMinutes: Number(interval),
    staging,
    historyPolicy: history === 'last' ? { type: 'last', count: Number(historyCount) } : { type: history },
    deliveryFrequency: frequency,
    firstDeliveryAt: firstDelivery === '' ? null : new Date(firstDelivery).toISOString(),
  });
  const save = useMutation({
    mutationFn: async () => {
      const common = {
        title: title.trim(),
        description,
        // Sent only when changed: the shown megabytes are rounded and must not shrink the limit on every save.
        ...(Number(maxMB) !== initialMB ? { maxFileSize: Math.round(Number(maxMB) * MB) } : {}),
        ...(kind === 'subscription' ? { subscription: subscription() } : {}),
      };
      if (offer === undefined) return invoke('offers.create', { body: { ...common, kind } });
      return invoke('offers.update', {
        params: { offerId: offer.id },
        body: { ...common, ...(offer.status === 'draft' ? { kind } : {}) },
      });
    },
    onSuccess: (saved) => {
      void client.invalidateQueries({ queryKey: OFFERS_KEY });
      onSaved(saved);
    },
  });
  const submit = () => {
    if (title.trim() === '') return setProblem(t('offers.form.titleRequired'));
    if (kind === 'subscription' && sourceType === 'connector' && connectorId === null) {
      return setProblem(t('offers.form.connectorRequired'));
    }
    setProblem(null);
    save.mutate();
  };
  const connectorOptions = (connectors.data ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }));

  return (
    <Modal
      opened
      closeButtonProps={{ 'aria-label': t('offers.close') }}
      onClose={onClose}
      size="lg"
      title={offer ? t('offers.form.editTitle') : t('offers.form.createTitle')}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <TextInput
            label={t('offers.form.title')}
            required
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            data-autofocus
          />
          <Textarea
            label={t('offers.form.description')}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={5}
          />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="offer-kind-label">
              {t('offers.form.kind')}
            </Text>
            <SegmentedControl
              aria-labelledby="offer-kind-label"
              value={kind}
              onChange={(v) => setKind(v as OfferKind)}
              disabled={offer !== undefined && offer.status !== 'draft'}
              data={[
                { value: 'one-shot', label: t('offers.kinds.one-shot') },
                { value: 'subscription', label: t('offers.kinds.subscription') },
              ]}
            />
            <Text size="xs" c="dimmed">
              {kind === 'one-shot' ? t('offers.form.oneShotHelp') : t('offers.form.subscriptionHelp')}
            </Text>
          </Stack>
          <NumberInput
            label={t('offers.form.maxFileSize')}
            description={t('offers.form.maxFileSizeHelp')}
            min={1}
            max={Math.floor(MAX_FILE_SIZE_CAP / MB)}
            value={maxMB}
            onChange={setMaxMB}
          />
          {kind === 'subscription' && (
            <Stack gap="sm">
              <Select
                label={t('offers.form.source')}
                data={(['none', 'connector', 'agent'] as const).map((v) => ({
                  value: v,
                  label: t(`offers.form.sources.${v}`),
                }))}
                value={sourceType}
                onChange={(v) => setSourceType((v as OfferSource['type'] | null) ?? 'none')}
                allowDeselect={false}
              />
              {sourceType === 'connector' && (
                <>
                  <Select
                    label={t('offers.form.connector')}
                    placeholder={connectors.isPending ? t('app.loading') : t('offers.form.connectorPlaceholder')}
                    data={connectorOptions}
                    value={connectorId}
                    onChange={setConnectorId}
                    searchable
                    nothingFoundMessage={t('offers.form.noConnector')}
                  />
                  {connectors.isError && <Alert color="red">{errorMessage(connectors.error)}</Alert>}
                  <Group gap="xs" align="flex-end">
                    <TextInput
                      label={t('offers.form.folder')}
                      description={t('offers.form.folderHelp')}
                      value={folder}
                      onChange={(e) => setFolder(e.currentTarget.value)}
                      style={{ flex: 1 }}
                    />
                    <Button variant="default" disabled={connectorId === null} onClick={() => setPicking(true)}>
                      {t('offers.form.browse')}
                    </Button>
                  </Group>
                </>
              )}
              {sourceType === 'agent' && (
                <Text size="xs" c="dimmed">
                  {t('offers.form.agentHelp')}
                </Text>
              )}
              <NumberInput
                label={t('offers.form.interval')}
                description={t('offers.form.intervalHelp', {
                  min: SCAN_INTERVAL_MINUTES.min,
                  max: SCAN_INTERVAL_MINUTES.max,
                })}
                min={SCAN_INTERVAL_MINUTES.min}
                max={SCAN_INTERVAL_MINUTES.max}
                value={interval}
                onChange={setInterval}
              />
              <Switch
                label={t('offers.form.staging')}
                description={t('offers.form.stagingHelp')}
                checked={staging}
                onChange={(e) => setStaging(e.currentTarget.checked)}
              />
              <Group grow align="flex-end">
                <Select
                  label={t('offers.form.history')}
                  data={(['all', 'last', 'none'] as const).map((v) => ({
                    value: v,
                    label: t(`offers.form.histories.${v}`),
                  }))}
                  value={history}
                  onChange={(v) => setHistory((v as HistoryPolicy['type'] | null) ?? 'all')}
                  allowDeselect={false}
                />
                {history === 'last' && (
                  <NumberInput
                    label={t('offers.form.historyCount')}
                    min={1}
                    max={100_000}
                    value={historyCount}
                    onChange={setHistoryCount}
                  />
                )}
              </Group>
              <Group grow>
                <Select
                  label={t('offers.form.frequency')}
                  data={DELIVERY_FREQUENCIES.map((v) => ({ value: v, label: t(`offers.frequencies.${v}`) }))}
                  value={frequency}
                  onChange={(v) => setFrequency((v as Frequency | null) ?? 'as-added')}
                  allowDeselect={false}
                />
                <TextInput
                  type="datetime-local"
                  label={t('offers.form.firstDelivery')}
                  value={firstDelivery}
                  onChange={(e) => setFirstDelivery(e.currentTarget.value)}
                />
              </Group>
            </Stack>
          )}
          {(problem ?? save.error) && (
            <Alert color="red" role="alert">
              {problem ?? errorMessage(save.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('offers.cancel')}
            </Button>
            <Button type="submit" loading={save.isPending}>
              {offer ? t('offers.form.save') : t('offers.form.create')}
            </Button>
          </Group>
        </Stack>
      </form>
      {picking && connectorId !== null && (
        <EntryPicker
          source={{ kind: 'org', connectorId }}
          mode="folder"
          title={t('offers.form.pickFolder')}
          chooseLabel={() => t('offers.form.chooseFolder')}
          onChoose={([path]) => {
            setFolder(path ?? '');
            setPicking(false);
          }}
          onClose={() => setPicking(false)}
        />
      )}
    </Modal>
  );
}
