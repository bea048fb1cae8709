import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDescriptor } from '../../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../../../shared/connectors/connector-descriptors';
import type { ConnectorDetail } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { kindDescription, kindLabel, optionText } from '../connectors/connector-text';
import {
  type FormValues,
  type SavedValues,
  initialValues,
  optionsToSend,
  secretChanges,
  secretsToCreate,
  validate,
} from '../connectors/form-values';
import { KindFields } from '../connectors/kind-fields';
import { useOrgConnectorMutation } from './org-connector-query';

const descriptorOf = (kind: string): ConnectorDescriptor | undefined =>
  isConnectorKind(kind) ? CONNECTOR_DESCRIPTORS[kind] : undefined;

/** A platform connector as the shared form starts from it: a secret counts as stored only when it can be read. */
export function savedValuesOf(detail: ConnectorDetail): SavedValues {
  return {
    name: detail.name,
    options: detail.options,
    secrets: Object.fromEntries(
      Object.entries(detail.secrets).map(([name, state]) => [name, { hasSecret: state === 'set' }]),
    ),
  };
}

/**
 * Creates or edits an organisation connector (admins) with the same generated form as my connectors; secrets go to
 * the platform's vault and never come back: a stored one shows as set, with replace and clear. A secret the vault
 * can no longer read (a restore without its key) is asked for again.
 */
export function OrgConnectorForm({
  saved,
  kinds,
  onSaved,
  onCancel,
}: {
  readonly saved?: ConnectorDetail;
  readonly kinds: readonly string[];
  readonly onSaved: (connector: ConnectorDetail, created: boolean) => void;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState(saved?.kind ?? kinds.find((k) => k === 'sftp') ?? kinds[0] ?? '');
  const descriptor = descriptorOf(kind);
  const savedValues = useMemo(() => (saved === undefined ? undefined : savedValuesOf(saved)), [saved]);
  // @mantine/form holds the values; the rules stay in the shared form-values.ts, run for the kind chosen now.
  const form = useForm<FormValues>({
    initialValues:
      descriptor === undefined ? { name: '', options: {}, secrets: {} } : initialValues(descriptor, savedValues),
  });
  const values = form.values;
  const [submitted, setSubmitted] = useState(false);
  const problems = useMemo(() => (descriptor === undefined ? {} : validate(descriptor, values)), [descriptor, values]);
  const shown = submitted ? problems : {};
  const save = useOrgConnectorMutation(
    (request: { readonly descriptor: ConnectorDescriptor; readonly values: FormValues }) => {
      const options = optionsToSend(request.descriptor, request.values);
      const name = request.values.name.trim();
      return saved === undefined
        ? invoke('orgConnectors.create', { body: { name, kind, options, secrets: secretsToCreate(request.values) } })
        : invoke('orgConnectors.update', {
            params: { connectorId: saved.id },
            body: { name, options, secrets: secretChanges(request.values) },
          });
    },
    (connector) => onSaved(connector, saved === undefined),
  );

  const chooseKind = (next: string | null) => {
    const d = next === null ? undefined : descriptorOf(next);
    if (next === null || d === undefined) return;
    setKind(next);
    form.setValues({ ...initialValues(d), name: values.name });
    setSubmitted(false);
  };
  const submit = () => {
    setSubmitted(true);
    if (descriptor === undefined || Object.keys(problems).length > 0) return;
    save.mutate({ descriptor, values });
  };
  const reenter = saved?.secretsToReenter ?? [];
  const nameError = shown['name'] === undefined ? undefined : t(`connectors.validation.${shown['name'].key}`);
  const title =
    saved === undefined ? t('orgConnectors.form.newTitle') : t('orgConnectors.form.editTitle', { name: saved.name });
  return (
    <Modal
      opened
      onClose={onCancel}
      title={title}
      size="lg"
      closeOnClickOutside={false}
      closeButtonProps={{ 'aria-label': t('orgConnectors.closeDialog') }}
    >
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {t('orgConnectors.form.vault')}
          </Text>
          {saved === undefined ? (
            <Select
              label={t('connectors.form.kind')}
              allowDeselect={false}
              data={kinds.map((k) => ({ value: k, label: kindLabel(t, k) }))}
              value={kind}
              onChange={chooseKind}
            />
          ) : (
            <Text size="sm">
              {t('connectors.form.kindIs')} <strong>{kindLabel(t, kind)}</strong>
            </Text>
          )}
          {descriptor !== undefined && (
            <Text size="sm" c="dimmed">
              {kindDescription(t, kind)}
            </Text>
          )}
          {reenter.length > 0 && (
            <Alert color="orange" title={t('orgConnectors.reenter.title')} data-testid="reenter-secrets">
              {t('orgConnectors.reenter.form', {
                secrets: reenter.map((name) => optionText(t, kind, name).label).join(', '),
              })}
            </Alert>
          )}
          <TextInput
            label={t('connectors.form.name')}
            description={t('orgConnectors.form.nameHelp')}
            required
            error={nameError}
            value={values.name}
            onChange={(e) => form.setFieldValue('name', e.currentTarget.value)}
            maxLength={200}
            data-option="name"
            data-autofocus
          />
          {descriptor !== undefined && (
            <KindFields
              key={kind}
              kind={kind}
              descriptor={descriptor}
              values={values}
              saved={savedValues}
              problems={shown}
              onChange={(next) => form.setValues(next)}
            />
          )}
          {submitted && Object.keys(problems).length > 0 && (
            <Text size="sm" c="var(--mantine-color-error)" role="alert">
              {t('connectors.validation.fix', { count: Object.keys(problems).length })}
            </Text>
          )}
          {save.error !== null && (
            <Alert color="red" role="alert" title={t('connectors.form.notSaved')}>
              {save.error}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel}>
              {t('connectors.cancel')}
            </Button>
            <Button color="blue.8" type="submit" loading={save.busy}>
              {saved === undefined ? t('connectors.form.createAndTest') : t('connectors.form.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
