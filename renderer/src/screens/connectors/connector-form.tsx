import { Alert, Card, Checkbox, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { describeError as errorMessage } from './connector-error-message';
import { useConnectorActions } from '../../queries/use-connectors';
import { useSettingsStore } from '../../stores/settings-store';
import { ConnectorFields, ConnectorFormFooter } from './connector-fields';
import { DriveSignInButton } from './drive-sign-in-button';
import { optionsToSend, secretChanges, secretsToCreate } from './form-values';
import { IdentityCard, PINNED_OPTION } from './identity-card';
import { useConnectorForm } from './use-connector-form';
import { useDriveSignIn } from './use-drive-sign-in';

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
  // @mantine/form holds the values; the rules stay in form-values.ts, run for the kind chosen now.
  const state = useConnectorForm(saved?.kind, saved, kinds);
  const { kind, form, values } = state;
  const [acceptSession, setAcceptSession] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const google = useDriveSignIn(kind, values);
  const signIn = google.field;
  const settingSecrets =
    'signIn' in signIn || Object.values(values.secrets).some((c) => c.action === 'set' && c.value !== '');

  const submit = () => {
    setFailure(undefined);
    const descriptor = state.submit();
    if (descriptor === undefined) return;
    if (sessionOnly && settingSecrets && !acceptSession) return;
    setSaving(true);
    const options = optionsToSend(descriptor, values);
    const accept = sessionOnly ? { acceptSessionSecrets: acceptSession } : {};
    const request =
      saved === undefined
        ? create({ name: values.name, kind, options, secrets: secretsToCreate(values), ...accept, ...signIn })
        : update({ id: saved.id, name: values.name, options, secrets: secretChanges(values), ...accept, ...signIn });
    request
      .then((connector) => onSaved(connector, saved === undefined))
      .catch((error: unknown) => setFailure(errorMessage(error, saved)))
      .finally(() => setSaving(false));
  };

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
        <ConnectorFields
          state={state}
          kinds={kinds}
          editing={saved !== undefined}
          saved={saved}
          nameHelp={t('connectors.form.nameHelp')}
          {...(google.googleAccount
            ? {
                fieldExtras: {
                  clientSecret: (
                    <DriveSignInButton
                      connectorId={saved?.id}
                      values={values}
                      storedToken={saved?.secrets['refreshToken']?.hasSecret === true}
                      signedIn={google.signedIn}
                      onSignedIn={google.setSignedIn}
                    />
                  ),
                },
              }
            : {})}
          identity={
            saved?.identity !== undefined && (
              <IdentityCard
                connector={saved}
                onForgotten={() => {
                  const pinned = PINNED_OPTION[kind];
                  // The pin is gone in main; saving the form must not bring it back.
                  if (pinned !== undefined) form.setFieldValue(`options.${pinned}`, '');
                }}
              />
            )
          }
        />
        <ConnectorFormFooter
          state={state}
          creating={saved === undefined}
          failure={failure}
          busy={saving}
          onCancel={onCancel}
          extra={
            sessionOnly &&
            settingSecrets && (
              <Alert color="orange" title={t('connectors.session.title')}>
                <Stack gap="xs">
                  <Text size="sm">{t('connectors.session.text')}</Text>
                  <Checkbox
                    label={t('connectors.session.accept')}
                    checked={acceptSession}
                    onChange={(e) => setAcceptSession(e.currentTarget.checked)}
                    error={state.submitted && !acceptSession ? t('connectors.session.required') : undefined}
                  />
                </Stack>
              </Alert>
            )
          }
        />
      </Stack>
    </Card>
  );
}
