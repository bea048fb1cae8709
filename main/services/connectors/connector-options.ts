import { ConnectorOptionsError, validateConnectorOptions } from '../../../connectors/config/validate-connector-options';
import { ConnectorError } from '../../../connectors/connector-error';
import { type ConnectorDescriptor, secretOptionNames } from '../../../shared/connectors/connector-descriptor';
import type { ConnectorKind } from '../../../shared/connectors/connector-descriptors';
import { ConnectorInputError } from './connector-input-error';

/** Option values of a connector as a form sends them. */
export type OptionValues = Readonly<Record<string, string | number | boolean>>;

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
      throw new ConnectorInputError('InvalidOptions', `"${name}" is not a setting of ${descriptor.label} connectors.`);
    }
    if (value !== '') kept[name] = typeof value === 'string' ? value.trim() : value;
  }
  for (const name of Object.keys(secrets)) {
    if (!secretNames.has(name)) {
      throw new ConnectorInputError('InvalidOptions', `"${name}" is not a secret of ${descriptor.label} connectors.`);
    }
  }
  return kept;
}

/** Validates options and secrets against the kind's descriptor (schema, then file contents); InvalidOptions otherwise. */
export function validateOptions(
  descriptor: ConnectorDescriptor,
  options: OptionValues,
  secrets: Readonly<Record<string, string>>,
): void {
  try {
    validateConnectorOptions(descriptor.kind as ConnectorKind, { ...options, ...secrets });
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    // The desktop names each problem by its option's label, as the form shows it.
    const message =
      error instanceof ConnectorOptionsError
        ? error.problems
            .map((problem) => {
              const option = problem.path[0] ?? '';
              return `${descriptor.options[option]?.label ?? option}: ${problem.message}`;
            })
            .join('; ')
        : error.message;
    throw new ConnectorInputError('InvalidOptions', message);
  }
}
