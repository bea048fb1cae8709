// A connector form's kind, options and secrets checked for this platform, refused as API validation errors.
import { checkOptionNames, InvalidOptionsError, validateOptions } from '../../connectors/config/option-checks';
import { PINNED_IDENTITY_OPTION } from '../../connectors/config/server-identity-issue';
import type { ConnectorDescriptor } from '../../shared/connectors/connector-descriptor';
import { ApiError } from '../http/api-error';
import { platformKind } from './platform-kinds';

/** Non-secret option values as stored. */
export type StoredOptions = Record<string, string | number | boolean>;

/** A validation_failed error naming the field. */
export function invalid(path: string, message: string): ApiError {
  return new ApiError('validation_failed', message, { issues: [{ path, message }] });
}

/** The descriptor of a kind usable on this platform, or validation_failed on body.kind. */
export function descriptorFor(kind: string, localConnectors: boolean): ConnectorDescriptor {
  const usable = platformKind(kind, localConnectors);
  if (!usable.ok) throw invalid('body.kind', usable.reason);
  return usable.descriptor;
}

/** Runs a shared option check, turning its refusal into validation_failed on body.options. */
export function asValidation<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InvalidOptionsError) throw invalid('body.options', error.message);
    throw error;
  }
}

/** Keeps the non-empty non-secret options; refuses unknown names and secrets sent as plain options. */
export function keptOptions(
  descriptor: ConnectorDescriptor,
  options: Readonly<StoredOptions>,
  secrets: Readonly<Record<string, unknown>>,
): StoredOptions {
  return asValidation(() => checkOptionNames(descriptor, options, secrets));
}

/** Validates the options with the secrets against the kind's schema and contents checks. */
export function validateAll(
  descriptor: ConnectorDescriptor,
  options: Readonly<StoredOptions>,
  secrets: Readonly<Record<string, string>>,
): void {
  asValidation(() => validateOptions(descriptor, options, secrets));
}

const SERVER_OPTIONS = ['host', 'port', 'secure'] as const;

/**
 * New options replacing old ones keep the old pinned identity when they do not name it and still point at the same
 * server (host, port, TLS mode); a new server needs its identity confirmed again.
 */
export function withKeptPin(
  kind: string,
  old: Readonly<StoredOptions>,
  next: StoredOptions,
  given: object,
): StoredOptions {
  const pin = PINNED_IDENTITY_OPTION[kind];
  if (pin === undefined || Object.hasOwn(given, pin) || old[pin] === undefined) return next;
  const sameServer = SERVER_OPTIONS.every((name) => old[name] === next[name]);
  return sameServer ? { ...next, [pin]: old[pin] } : next;
}

/** Whether a database error is a unique-constraint violation (PostgreSQL and PGlite, wrapped by Drizzle or not). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}
