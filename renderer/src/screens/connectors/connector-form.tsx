import { Alert, Button, Card, Checkbox, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDescriptor } from '../../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../../../shared/connectors/connector-descriptors';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { describeError as errorMessage } from './connector-error-message';
import { kindDescription, kindLabel } from './connector-text';
import { useConnectorActions } from '../../queries/use-connectors';
import { useSettingsStore } from '../../stores/settings-store';
import { type FormValues, initialValues, optionsToSend, secretChanges, secretsToCreate, validate } from './form-values';
import { KindFields } from './kind-fields';
import { IdentityCard, PINNED_OPTION } from './identity-card';

const descriptorOf = (kind: string): ConnectorDescriptor | undefined =>
  isConnectorKind(kind) ? CONNECTOR_DESCRIPTORS[kind] : undefined;

/** Creates or edits one of my connectors; validation runs in the user's language before main checks again. */
export function ConnectorForm({
  saved,
  kinds,
  onSaved,
  onCancel,
}: {
  readonly saved?: ConnectorSummary;
  readonly kinds: readonly string[];
  readonly onSaved: (connector: ConnectorSummary, created: boolean) => void;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { create, update } = useConnectorActions();
  const settings = useSettingsStore((s) => s.state);
  const sessionOnly = settings.status === 'ready' && settings.info.secrets.backend === 'session';
  const [kind, setKind] = useState(saved?.kind ?? kinds.find((k) => k === 'sftp') ?? kinds[0] ?? '');
  const descriptor = descriptorOf(kind);
  // @mantine/form holds the values; the rules stay in form-values.ts, run for the kind chosen now.
  const form = useForm<FormValues>({
    initialValues: descriptor === undefined ? { name: '', options: {}, secrets: {} } : initialValues(descriptor, saved),
  });
  const values = form.values;
  const setValues = (next: FormValues) => form.setValues(next);
  const [submitted, setSubmitted] = useState(false);
  const [acceptSession, setAcceptSession] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const problems = useMemo(() => (descriptor === undefined ? {} : validate(descriptor, values)), [descriptor, values]);
  const shown = submitted ? problems : {};
  const settingSecrets = Object.values(values.secrets).some((c) => c.action === 'set' && c.value !== '');

  const chooseKind = (next: string | null) => {
    const d = next === null ? undefined : descriptorOf(next);
    if (next === null || d === undefined) return;
    setKind(next);
    setValues({ ...initialValues(d), name: values.name });
    setSubmitted(false);
  };

  const submit = () => {
    setSubmitted(true);
    setFailure(undefined);
    if (descriptor === undefined || Object.keys(problems).length > 0) return;
    if (sessionOnly && settingSecrets && !acceptSession) return;
    setSaving(true);
    const options = optionsToSend(descriptor, values);
    const accept = sessionOnly ? { acceptSessionSecrets: acceptSession } : {};
    const request =
      saved === undefined
        ? create({ name: values.name, kind, options, secrets: secretsToCreate(values), ...accept })
        : update({ id: saved.id, name: values.name, options, secrets: secretChanges(values), ...accept });
    request
      .then((connector) => onSaved(connector, saved === undefined))
      .catch((error: unknown) => setFailure(errorMessage(error, saved)))
      .finally(() => setSaving(false));
  };

  const nameError = shown['name'] === undefined ? undefined : t(`connectors.validation.${shown['name'].key}`);
  return (
    <Card
      withBorder
      component="form"
      onSubmit={form.onSubmit(submit)}
      noValidate
      aria-labelledby="connector-form-title"
      maw={720}
    >
      <Stack gap="md">
        <Title order={3} size="h4" id="connector-form-title">
          {saved === undefined ? t('connectors.form.newTitle') : t('connectors.form.editTitle', { name: saved.name })}
        </Title>
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
        <TextInput
          label={t('connectors.form.name')}
          description={t('connectors.form.nameHelp')}
          required
          error={nameError}
          value={values.name}
          onChange={(e) => setValues({ ...values, name: e.currentTarget.value })}
          data-option="name"
        />
        {saved?.identity !== undefined && (
          <IdentityCard
            connector={saved}
            onForgotten={() => {
              const pinned = PINNED_OPTION[kind];
              // The pin is gone in main; saving the form must not bring it back.
              if (pinned !== undefined) form.setFieldValue(`options.${pinned}`, '');
            }}
          />
        )}
        {descriptor !== undefined && (
          <KindFields
            key={kind}
            kind={kind}
            descriptor={descriptor}
            values={values}
            saved={saved}
            problems={shown}
            onChange={setValues}
          />
        )}
        {sessionOnly && settingSecrets && (
          <Alert color="orange" title={t('connectors.session.title')}>
            <Stack gap="xs">
              <Text size="sm">{t('connectors.session.text')}</Text>
              <Checkbox
                label={t('connectors.session.accept')}
                checked={acceptSession}
                onChange={(e) => setAcceptSession(e.currentTarget.checked)}
                error={submitted && !acceptSession ? t('connectors.session.required') : undefined}
              />
            </Stack>
          </Alert>
        )}
        {submitted && Object.keys(problems).length > 0 && (
          <Text size="sm" c="var(--mantine-color-error)" role="alert">
            {t('connectors.validation.fix', { count: Object.keys(problems).length })}
          </Text>
        )}
        {failure !== undefined && (
          <Alert color="red" role="alert" title={t('connectors.form.notSaved')}>
            {failure}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('connectors.cancel')}
          </Button>
          <Button color="blue.8" type="submit" loading={saving}>
            {saved === undefined ? t('connectors.form.createAndTest') : t('connectors.form.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
