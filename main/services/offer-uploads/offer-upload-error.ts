import type { DetailedError } from 'tus-js-client';
import { describeError, isAbortError, isConnectorError } from '../../../connectors/connector-error';
import { SourceChangedError } from './driver-file-reader';

/** Why an offer upload stopped. */
export type OfferUploadErrorCode =
  | 'sign_in_required'
  | 'forbidden'
  | 'too_large'
  | 'file_changed'
  | 'not_found'
  | 'refused'
  | 'offline'
  | 'server_error'
  | 'source_failed'
  | 'cancelled';

/** An offer upload that stopped: a stable code, a message for people, and whether starting again resumes it. */
export class OfferUploadError extends Error {
  override readonly name = 'OfferUploadError';

  constructor(
    readonly code: OfferUploadErrorCode,
    message: string,
    /** Starting the same upload again continues from the server's offset (the URL store keeps the upload). */
    readonly resumable: boolean,
    /** The platform's HTTP status, when it answered. */
    readonly status?: number,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

// tus's "Checksum Mismatch" status (checksum extension); the platform may also say it with a code or a message.
const CHECKSUM_MISMATCH_STATUS = 460;
const CHECKSUM_CODE = /checksum|hash|sha-?256|integrity/i;
const MISMATCH_WORDS = /mismatch|does not match|doesn't match/i;

/** Maps what tus-js-client, the source driver or the platform reported to an OfferUploadError. */
export function offerUploadErrorOf(error: unknown, path: string): OfferUploadError {
  if (error instanceof OfferUploadError) return error;
  const cause = rootCause(error);
  if (cause instanceof SourceChangedError) {
    return new OfferUploadError('file_changed', fileChangedMessage(path), false, undefined, { cause });
  }
  if (isAbortError(cause)) {
    return new OfferUploadError('cancelled', `The upload of ${path} was cancelled.`, true, undefined, { cause });
  }
  if (isConnectorError(cause)) {
    return new OfferUploadError(
      'source_failed',
      `${path} could not be read: ${describeError(cause)}`,
      cause.code === 'Retryable',
      undefined,
      { cause },
    );
  }
  if (!isDetailedError(error)) {
    return new OfferUploadError('server_error', describeError(error), true, undefined, { cause: error });
  }
  const response = error.originalResponse;
  if (response === null) {
    return new OfferUploadError(
      'offline',
      'The platform cannot be reached; the upload will resume from where it stopped once it can.',
      true,
      undefined,
      { cause: error },
    );
  }
  const status = response.getStatus();
  const said = platformSaid(response.getBody());
  const options = { cause: error };
  if (status === CHECKSUM_MISMATCH_STATUS || (status >= 400 && status < 500 && isChecksumRefusal(said))) {
    return new OfferUploadError('file_changed', fileChangedMessage(path), false, status, options);
  }
  if (status === 401) {
    return new OfferUploadError(
      'sign_in_required',
      'Your sign-in to the platform expired or was revoked: sign in again, and the upload will continue where it stopped.',
      true,
      status,
      options,
    );
  }
  if (status === 403) {
    return new OfferUploadError(
      'forbidden',
      'You have no permission to add files to this offer: an admin or editor of the organisation can.',
      true,
      status,
      options,
    );
  }
  if (status === 413) {
    return new OfferUploadError('too_large', `${path} is too large for this offer.`, false, status, options);
  }
  if (status === 404 || status === 410) {
    return new OfferUploadError(
      'not_found',
      'The offer (or this upload) no longer exists on the platform.',
      false,
      status,
      options,
    );
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 423 && status !== 429) {
    return new OfferUploadError(
      'refused',
      `The platform refused the upload: ${said.message || `HTTP ${status}`}`,
      false,
      status,
      options,
    );
  }
  return new OfferUploadError(
    'server_error',
    `The platform failed to take the upload (HTTP ${status}); it will resume from where it stopped.`,
    true,
    status,
    options,
  );
}

function isChecksumRefusal(said: { readonly code: string; readonly message: string }): boolean {
  return said.code === '' ? MISMATCH_WORDS.test(said.message) : CHECKSUM_CODE.test(said.code);
}

function fileChangedMessage(path: string): string {
  return `${path} changed while it was uploading (its SHA-256 no longer matches): upload it again.`;
}

/** Whether tus-js-client made this error from a request (it has the request, and the response when one came). */
export function isDetailedError(error: unknown): error is DetailedError {
  return error instanceof Error && 'originalRequest' in error && 'originalResponse' in error;
}

/** The deepest cause: tus-js-client wraps the error of a failed request or a failed source in `causingError`. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const next = isDetailedError(current) ? current.causingError : undefined;
    if (next === null || next === undefined) return current;
    current = next;
  }
  return current;
}

/** The platform's error body ({code, message}) or a plain-text tus answer. */
function platformSaid(body: string): { readonly code: string; readonly message: string } {
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    return {
      code: typeof parsed.code === 'string' ? parsed.code : '',
      message: typeof parsed.message === 'string' ? parsed.message : '',
    };
  } catch {
    return { code: '', message: body.trim() };
  }
}
