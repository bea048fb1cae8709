import { z } from 'zod';

/**
 * The closed set of reasons a connector operation fails. Every provider error maps into exactly one; callers
 * switch on it (with assertNever) and never parse messages.
 */
export const CONNECTOR_ERROR_CODES = [
  'NotFound',
  'AuthFailed',
  'PermissionDenied',
  'Conflict',
  'QuotaExceeded',
  'Retryable',
  'Unsupported',
  'InvalidInput',
  'Integrity',
  'Cancelled',
] as const;

/** Why a connector operation failed. */
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

/** What each code means, for docs and for a default hint when a driver gives none. */
export const CONNECTOR_ERROR_MEANING: { readonly [C in ConnectorErrorCode]: string } = {
  NotFound: 'The file or folder does not exist.',
  AuthFailed: 'The credentials were refused.',
  PermissionDenied: 'The account may not do this here.',
  Conflict: 'Something already exists or changed meanwhile.',
  QuotaExceeded: 'The storage is full or a quota was reached.',
  Retryable: 'A temporary failure (network, server busy); trying again may work.',
  Unsupported: 'This storage cannot do this.',
  InvalidInput: 'A path, option or name is not acceptable.',
  Integrity: 'The data written does not match the data read (size or hash).',
  Cancelled: 'The operation was cancelled.',
};

/** Whether a string is one of the closed set of codes. */
export function isConnectorErrorCode(value: unknown): value is ConnectorErrorCode {
  return typeof value === 'string' && (CONNECTOR_ERROR_CODES as readonly string[]).includes(value);
}

/** A connector error as JSON (IPC, platform API, CLI --json): code, message, what to do, and the path involved. */
export const ConnectorErrorInfoSchema = z.object({
  code: z.enum(CONNECTOR_ERROR_CODES),
  message: z.string(),
  hint: z.string().optional(),
  path: z.string().optional(),
});

/** A connector error as JSON. */
export type ConnectorErrorInfo = z.infer<typeof ConnectorErrorInfoSchema>;
