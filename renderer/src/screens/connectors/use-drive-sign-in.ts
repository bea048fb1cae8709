import { useState } from 'react';
import type { DriveSignedIn } from './drive-sign-in-button';
import type { FormValues } from './form-values';

/**
 * The Google sign-in of a connector form (mine or the organisation's): whether the form signs in with a Google
 * account (Drive, auth 'oauth'), the sign-in done, and the `signIn` field its save sends (only while the sign-in
 * was made with the form's current OAuth client ID).
 */
export function useDriveSignIn(kind: string, values: FormValues) {
  const [signedIn, setSignedIn] = useState<DriveSignedIn | undefined>();
  const googleAccount = kind === 'drive' && values.options['auth'] === 'oauth';
  const clientId = String(values.options['clientId'] ?? '').trim();
  const current = googleAccount && signedIn !== undefined && signedIn.clientId === clientId ? signedIn : undefined;
  return {
    googleAccount,
    signedIn,
    setSignedIn,
    /** Spread into the create or update request. */
    field: current === undefined ? {} : { signIn: current.signIn },
  };
}
