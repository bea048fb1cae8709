// A connector form's options checked against its kind's descriptor, for every app that saves connectors.
import { type ConnectorDescriptor, secretOptionNames } from '../../shared/connectors/connector-descriptor';
import type { ConnectorKind } from '../../shared/connectors/connector-descriptors';
import { ConnectorError } from '../connector-error';
import { ConnectorOptionsError, validateConnectorOptions } from './validate-connector-options';

/** Option values of a connector as a form sends them. */
export type OptionValues = Readonly<Record<string, string | number | boolean>>;

/** Options a form sent that its kind refuses (unknown names, secrets as plain options, invalid values). */
export class InvalidOptionsError extends ConnectorError {
  constructor(message: string) {
    super('InvalidInput', message);
  }
}

/** Keeps the non-empty non-secret options; refuses unknown names and secrets sent as plain options. */
export function checkOptionNames(
  descriptor: ConnectorDescriptor,
  options: OptionValues,
  secrets: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean> {
  const secretNames = new Set(secretOptionNames(descriptor));
  const kept: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(options)) {
    if (!Object.hasOwn(descriptor.options, name) || secretNames.has(name)) {
      throw new InvalidOptionsError(`"${name}" is not a setting of ${descriptor.label} connectors.`);
    }
    if (value !== '') kept[name] = typeof value === 'string' ? value.trim() : value;
  }
  for (const name of Object.keys(secrets)) {
    if (!secretNames.has(name)) {
      throw new InvalidOptionsError(`"${name}" is not a secret of ${descriptor.label} connectors.`);
    }
  }
  return kept;
}

/**
 * Validates options and secrets against the kind's descriptor (schema, then file contents); InvalidOptionsError
 * naming each problem by its option's label, as a form shows it.
 */
export function validateOptions(
  descriptor: ConnectorDescriptor,
  options: OptionValues,
  secrets: Readonly<Record<string, string>>,
): void {
  try {
    validateConnectorOptions(descriptor.kind as ConnectorKind, { ...options, ...secrets });
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    const message =
      error instanceof ConnectorOptionsError
        ? error.problems
            .map((problem) => {
              const option = problem.path[0] ?? '';
              return `${descriptor.options[option]?.label ?? option}: ${problem.message}`;
            })
            .join('; ')
        : error.message;
    throw new InvalidOptionsError(message);
  }
}
