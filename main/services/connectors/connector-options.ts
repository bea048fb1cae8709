// The shared option checks (connectors/config/option-checks.ts), refusing as the desktop's connectors service does.
import { type ConnectorDescriptor } from '../../../shared/connectors/connector-descriptor';
import * as checks from '../../../connectors/config/option-checks';
import { ConnectorInputError } from './connector-input-error';

/** Option values of a connector as a form sends them. */
export type OptionValues = checks.OptionValues;

function asInputError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof checks.InvalidOptionsError) throw new ConnectorInputError('InvalidOptions', error.message);
    throw error;
  }
}

/** Keeps the non-empty non-secret options; ConnectorInputError InvalidOptions for unknown names or plain secrets. */
export function checkOptionNames(
  descriptor: ConnectorDescriptor,
  options: OptionValues,
  secrets: Readonly<Record<string, unknown>>,
): Record<string, string | number | boolean> {
  return asInputError(() => checks.checkOptionNames(descriptor, options, secrets));
}

/** Validates options and secrets against the kind's descriptor; ConnectorInputError InvalidOptions otherwise. */
export function validateOptions(
  descriptor: ConnectorDescriptor,
  options: OptionValues,
  secrets: Readonly<Record<string, string>>,
): void {
  asInputError(() => checks.validateOptions(descriptor, options, secrets));
}
