/**
 * Why a Google sign-in (Drive, desktop loopback flow) did not complete, for the renderer to say in the user's
 * language: the user refused consent, did not answer in time, cancelled; the redirect did not carry this attempt's
 * state; Google does not know the OAuth client (or its secret); Google could not be reached; the saved secret would
 * go to another client or address than the one it was saved with; anything else.
 */
export const DRIVE_SIGN_IN_FAILURES = [
  'denied',
  'timeout',
  'cancelled',
  'stateMismatch',
  'invalidClient',
  'network',
  'noRefreshToken',
  'secretNeeded',
  'failed',
] as const;

/** Why a Google sign-in did not complete. */
export type DriveSignInFailure = (typeof DRIVE_SIGN_IN_FAILURES)[number];
