import { Alert, Button, Group, Select, Text, TextInput } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SavedValues } from './form-values';
import { kindDescription, kindLabel } from './connector-text';
import { KindFields } from './kind-fields';
import type { ConnectorFormState } from './use-connector-form';

/**
 * The frame both connector forms share: the kind (chosen when new, shown when editing) and its description, the
 * name, then the fields generated from the kind's descriptor. `notice` goes before the name, `identity` after it.
 */
export function ConnectorFields({
  state,
  kinds,
  editing,
  saved,
  nameHelp,
  nameMaxLength,
  autoFocusName = false,
  notice,
  identity,
  fieldExtras,
}: {
  readonly state: ConnectorFormState;
  readonly kinds: readonly string[];
  readonly editing: boolean;
  readonly saved: SavedValues | undefined;
  readonly nameHelp: string;
  readonly nameMaxLength?: number;
  readonly autoFocusName?: boolean;
  readonly notice?: ReactNode;
  readonly identity?: ReactNode;
  /** Shown after an option's field, by option name (the Drive sign-in after the OAuth client). */
  readonly fieldExtras?: Readonly<Record<string, ReactNode>>;
}) {
  const { t } = useTranslation();
  const { kind, descriptor, values, shown } = state;
  const nameError = shown['name'] === undefined ? undefined : t(`connectors.validation.${shown['name'].key}`);
  return (
    <>
      {editing ? (
        <Text size="sm">
          {t('connectors.form.kindIs')} <strong>{kindLabel(t, kind)}</strong>
        </Text>
      ) : (
        <Select
          label={t('connectors.form.kind')}
          allowDeselect={false}
          data={kinds.map((k) => ({ value: k, label: kindLabel(t, k) }))}
          value={kind}
          onChange={state.chooseKind}
        />
      )}
      {descriptor !== undefined && (
        <Text size="sm" c="dimmed">
          {kindDescription(t, kind)}
        </Text>
      )}
      {notice}
      <TextInput
        label={t('connectors.form.name')}
        description={nameHelp}
        required
        error={nameError}
        value={values.name}
        onChange={(e) => state.form.setFieldValue('name', e.currentTarget.value)}
        {...(nameMaxLength === undefined ? {} : { maxLength: nameMaxLength })}
        data-option="name"
        {...(autoFocusName ? { 'data-autofocus': true } : {})}
      />
      {identity}
      {descriptor !== undefined && (
        <KindFields
          key={kind}
          kind={kind}
          descriptor={descriptor}
          values={values}
          saved={saved}
          problems={shown}
          {...(fieldExtras === undefined ? {} : { extras: fieldExtras })}
          onChange={state.setValues}
        />
      )}
    </>
  );
}

/** The end of both connector forms: how many fields to fix, why saving failed, cancel and save. */
export function ConnectorFormFooter({
  state,
  creating,
  failure,
  busy,
  extra,
  onCancel,
}: {
  readonly state: ConnectorFormState;
  readonly creating: boolean;
  readonly failure: string | null | undefined;
  readonly busy: boolean;
  /** Shown before the problems (e.g. the session-secrets consent). */
  readonly extra?: ReactNode;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation();
  const count = Object.keys(state.problems).length;
  return (
    <>
      {extra}
      {state.submitted && count > 0 && (
        <Text size="sm" c="var(--mantine-color-error)" role="alert">
          {t('connectors.validation.fix', { count })}
        </Text>
      )}
      {failure !== null && failure !== undefined && (
        <Alert color="red" role="alert" title={t('connectors.form.notSaved')}>
          {failure}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          {t('connectors.cancel')}
        </Button>
        <Button color="blue.8" type="submit" loading={busy}>
          {creating ? t('connectors.form.createAndTest') : t('connectors.form.save')}
        </Button>
      </Group>
    </>
  );
}
