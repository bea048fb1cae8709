import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { IconBrandGoogle } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DriveSignInFailure } from '../../../../shared/connectors/drive-sign-in-failure';
import { driveDescriptor } from '../../../../shared/connectors/drive-descriptor';
import { invoke } from '../../ipc-client';
import { describeError } from './connector-error-message';
import type { FormValues } from './form-values';

/** A Google sign-in done in this form: the ticket the save sends (main holds the token), for this OAuth client. */
export interface DriveSignedIn {
  readonly signIn: string;
  readonly email: string | undefined;
  readonly clientId: string;
}

type Attempt =
  | { readonly state: 'idle' }
  | { readonly state: 'pending' }
  | { readonly state: 'failed'; readonly failure: DriveSignInFailure | 'ipc'; readonly detail: string };

const CLIENT_ID = new RegExp(driveDescriptor.options.clientId.pattern);

/** The form's text of a non-secret option, trimmed; undefined when empty. */
const optionOf = (values: FormValues, name: string): string | undefined => {
  const raw = values.options[name];
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim() : undefined;
};

/**
 * "Sign in with Google" for a Drive connector signing in with a Google account: main opens Google's page in the
 * browser and waits for the answer (Cancel stops it); then "Signed in as …". The refresh token stays in main until
 * the form is saved. Needs the client ID typed first.
 */
export function DriveSignInButton({
  connectorId,
  values,
  storedToken,
  signedIn,
  onSignedIn,
  destination = 'keychain',
}: {
  /** The connector being edited (its stored client secret is used when none is typed); undefined when new. */
  readonly connectorId: string | undefined;
  readonly values: FormValues;
  /** Whether a refresh token is stored for this connector already. */
  readonly storedToken: boolean;
  readonly signedIn: DriveSignedIn | undefined;
  readonly onSignedIn: (signedIn: DriveSignedIn) => void;
  /**
   * Where the save puts the token: this computer's keychain (my connectors), or the platform's vault (organisation
   * connectors, whose stored client secret main cannot read: it must be typed again to sign in).
   */
  readonly destination?: 'keychain' | 'vault';
}) {
  const { t } = useTranslation();
  const [attempt, setAttempt] = useState<Attempt>({ state: 'idle' });
  const pending = useRef(false);
  const clientId = optionOf(values, 'clientId');
  const secret = values.secrets['clientSecret'];
  // A kept secret that main cannot read (the platform's vault) must be typed again for the sign-in.
  const secretMissing = destination === 'vault' && secret?.action === 'keep';
  const clientIdOk = clientId !== undefined && CLIENT_ID.test(clientId);
  const usable = clientIdOk && !secretMissing;
  const current = signedIn !== undefined && signedIn.clientId === clientId ? signedIn : undefined;

  // Leaving the form cancels a sign-in under way (main closes its listener).
  useEffect(
    () => () => {
      if (pending.current) void invoke('connectors.cancelDriveSignIn', {}).catch(() => undefined);
    },
    [],
  );

  const start = () => {
    if (!usable) return;
    const endpoints = Object.fromEntries(
      ['authorizeUrl', 'tokenUrl', 'apiEndpoint'].flatMap((name) => {
        const value = optionOf(values, name);
        return value === undefined ? [] : [[name, value]];
      }),
    );
    pending.current = true;
    setAttempt({ state: 'pending' });
    invoke('connectors.driveSignIn', {
      clientId,
      ...(connectorId === undefined ? {} : { connectorId }),
      ...(secret?.action === 'set' && secret.value !== '' ? { clientSecret: secret.value } : {}),
      ...endpoints,
    })
      .then((outcome) => {
        if (outcome.outcome === 'signedIn') {
          setAttempt({ state: 'idle' });
          onSignedIn({ signIn: outcome.signIn, email: outcome.email, clientId });
        } else if (outcome.failure === 'cancelled') setAttempt({ state: 'idle' });
        else setAttempt({ state: 'failed', failure: outcome.failure, detail: outcome.detail });
      })
      .catch((error: unknown) => setAttempt({ state: 'failed', failure: 'ipc', detail: describeError(error) }))
      .finally(() => {
        pending.current = false;
      });
  };

  const cancel = () => void invoke('connectors.cancelDriveSignIn', {}).catch(() => undefined);

  return (
    <Stack gap="xs" data-drive-sign-in>
      {attempt.state === 'pending' ? (
        <Group gap="sm">
          <Loader size="sm" aria-hidden />
          <Text size="sm" role="status">
            {t('connectors.driveSignIn.pending')}
          </Text>
          <Button variant="default" size="compact-sm" onClick={cancel}>
            {t('connectors.driveSignIn.cancel')}
          </Button>
        </Group>
      ) : (
        <Group gap="sm">
          <Button
            variant="default"
            leftSection={<IconBrandGoogle size={16} aria-hidden />}
            disabled={!usable}
            onClick={start}
            aria-describedby={usable ? undefined : 'drive-sign-in-needs-client'}
          >
            {current !== undefined || storedToken
              ? t('connectors.driveSignIn.again')
              : t('connectors.driveSignIn.button')}
          </Button>
          {!usable && (
            <Text size="xs" c="dimmed" id="drive-sign-in-needs-client">
              {clientIdOk ? t('connectors.driveSignIn.needsClientSecret') : t('connectors.driveSignIn.needsClientId')}
            </Text>
          )}
        </Group>
      )}
      {current !== undefined && attempt.state !== 'pending' && (
        <Alert
          color="green"
          variant="light"
          role="status"
          title={
            current.email === undefined
              ? t('connectors.driveSignIn.signedIn')
              : t('connectors.driveSignIn.signedInAs', { email: current.email })
          }
        >
          {destination === 'vault' ? t('connectors.driveSignIn.saveToVault') : t('connectors.driveSignIn.saveToKeep')}
        </Alert>
      )}
      {current === undefined && storedToken && attempt.state === 'idle' && (
        <Text size="sm" c="dimmed">
          {t('connectors.driveSignIn.stored')}
        </Text>
      )}
      {attempt.state === 'failed' && (
        <Alert color="red" role="alert" title={t('connectors.driveSignIn.failedTitle')}>
          <Text size="sm">
            {attempt.failure === 'ipc' ? attempt.detail : t(`connectors.driveSignIn.failure.${attempt.failure}`)}
          </Text>
          {attempt.failure !== 'ipc' && (
            <Text size="xs" c="dimmed" mt={4}>
              {attempt.detail}
            </Text>
          )}
        </Alert>
      )}
    </Stack>
  );
}
