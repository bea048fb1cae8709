import { Alert, Modal, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDescriptor } from '../../../../shared/connectors/connector-descriptor';
import type { ConnectorDetail } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { ConnectorFields, ConnectorFormFooter } from '../connectors/connector-fields';
import { optionText } from '../connectors/connector-text';
import {
  type FormValues,
  type SavedValues,
  optionsToSend,
  secretChanges,
  secretsToCreate,
} from '../connectors/form-values';
import { PINNED_OPTION } from '../connectors/identity-card';
import { useConnectorForm } from '../connectors/use-connector-form';
import { DriveSignInButton } from '../connectors/drive-sign-in-button';
import { useDriveSignIn } from '../connectors/use-drive-sign-in';
import { OutgoingAddresses } from './org-connector-facts';
import { OrgIdentityCard } from './org-identity-card';
import { ORG_CONNECTORS_KEY, useOrgConnectorMutation } from './org-connector-query';

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

/** The platform's outgoing addresses (the same for every connector), for a new connector's storage owner. */
function useOutgoingAddresses(enabled: boolean): readonly string[] | null {
  const result = useQuery({
    queryKey: [...ORG_CONNECTORS_KEY, 'outgoing-addresses'],
    queryFn: () => invoke('orgConnectors.outgoingAddresses', {}),
    enabled,
  });
  return result.data?.addresses ?? null;
}

/**
 * Creates or edits an organisation connector (admins) with the same generated form as my connectors; secrets go to
 * the platform's vault and never come back: a stored one shows as set, with replace and clear. A secret the vault
 * can no longer read (a restore without its key) is asked for again. A new connector shows the platform's outgoing
 * addresses; an edited one its pinned server identity, which an admin can forget.
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
  const savedValues = useMemo(() => (saved === undefined ? undefined : savedValuesOf(saved)), [saved]);
  // @mantine/form holds the values; the rules stay in the shared form-values.ts, run for the kind chosen now.
  const state = useConnectorForm(saved?.kind, savedValues, kinds);
  const { kind, form, values } = state;
  const outgoing = useOutgoingAddresses(saved === undefined);
  // A Google sign-in's refresh token is added to the secrets in main, on its way to the vault.
  const google = useDriveSignIn(kind, values);
  const save = useOrgConnectorMutation(
    (request: { readonly descriptor: ConnectorDescriptor; readonly values: FormValues }) => {
      const options = optionsToSend(request.descriptor, request.values);
      const name = request.values.name.trim();
      return saved === undefined
        ? invoke('orgConnectors.create', {
            body: { name, kind, options, secrets: secretsToCreate(request.values) },
            ...google.field,
          })
        : invoke('orgConnectors.update', {
            params: { connectorId: saved.id },
            body: { name, options, secrets: secretChanges(request.values) },
            ...google.field,
          });
    },
    (connector) => onSaved(connector, saved === undefined),
  );
  const submit = () => {
    const descriptor = state.submit();
    if (descriptor !== undefined) save.mutate({ descriptor, values });
  };
  const reenter = saved?.secretsToReenter ?? [];
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
          <ConnectorFields
            state={state}
            kinds={kinds}
            editing={saved !== undefined}
            saved={savedValues}
            nameHelp={t('orgConnectors.form.nameHelp')}
            nameMaxLength={200}
            autoFocusName
            {...(google.googleAccount
              ? {
                  fieldExtras: {
                    clientSecret: (
                      <DriveSignInButton
                        connectorId={undefined}
                        values={values}
                        storedToken={savedValues?.secrets['refreshToken']?.hasSecret === true}
                        signedIn={google.signedIn}
                        onSignedIn={google.setSignedIn}
                        destination="vault"
                      />
                    ),
                  },
                }
              : {})}
            notice={
              reenter.length > 0 && (
                <Alert color="orange" title={t('orgConnectors.reenter.title')} data-testid="reenter-secrets">
                  {t('orgConnectors.reenter.form', {
                    secrets: reenter.map((name) => optionText(t, kind, name).label).join(', '),
                  })}
                </Alert>
              )
            }
            identity={
              saved?.identity != null && (
                <OrgIdentityCard
                  connector={saved}
                  onForgotten={() => {
                    const pinned = PINNED_OPTION[kind];
                    // The pin is gone on the platform; saving the form must not bring it back.
                    if (pinned !== undefined) form.setFieldValue(`options.${pinned}`, '');
                  }}
                />
              )
            }
          />
          {saved === undefined && outgoing !== null && <OutgoingAddresses addresses={outgoing} />}
          <ConnectorFormFooter
            state={state}
            creating={saved === undefined}
            failure={save.error}
            busy={save.busy}
            onCancel={onCancel}
          />
        </Stack>
      </form>
    </Modal>
  );
}
