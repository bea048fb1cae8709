import { Alert } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../../notify-error';

/** A plausible e-mail address: the platform has the last word, this only catches typing slips early. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The platform's minimum password length. */
export const MIN_PASSWORD = 10;

/** Runs a form's action, keeping its error (translated) for the form to show. */
export function useFormAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    action()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return { busy, error, run };
}

/** What the platform answered to a form's action, as a red alert read out by screen readers. */
export function FormError({ error }: { readonly error: string | null }) {
  return error ? (
    <Alert color="red" role="alert">
      {error}
    </Alert>
  ) : null;
}
