import {
  CONNECTOR_DESCRIPTORS,
  type ConnectorKind,
  type ConnectorOptions,
} from '../../shared/connectors/connector-descriptors';
import { optionsSchemaOf, type ConnectorDescriptor } from '../../shared/connectors/connector-descriptor';
import { ConnectorError } from '../connector-error';
import { verifyContents } from './verify-contents';

/** One option value the descriptor's schema refused. */
export interface OptionProblem {
  /** Where in the options: the option's name first (empty for a problem with the options as a whole). */
  readonly path: readonly string[];
  /** What is wrong, as the schema says it (labels included, e.g. "Host is required"). */
  readonly message: string;
}

/** Options refused by their kind's schema (InvalidInput), with every problem for callers that word them otherwise. */
export class ConnectorOptionsError extends ConnectorError {
  constructor(
    descriptor: ConnectorDescriptor,
    readonly problems: readonly OptionProblem[],
  ) {
    const listed = problems.map((p) => `${p.path.join('.') || '(options)'}: ${p.message}`).join('; ');
    super('InvalidInput', `Invalid ${descriptor.label} options: ${listed}.`, {
      hint: `Options of ${descriptor.kind}: ${Object.keys(descriptor.options).join(', ')}.`,
    });
  }
}

/**
 * Validates raw options (a form, a config file, environment variables) against the kind's descriptor: the schema
 * (strict, defaults applied, strings coerced), then the contents checks (certificates parse). Returns the validated
 * options; throws ConnectorOptionsError listing every schema problem, or InvalidInput naming an unreadable content.
 * The one validation of connector options, used by the driver registry, the desktop and the CLI.
 */
export function validateConnectorOptions<K extends ConnectorKind>(
  kind: K,
  options: Readonly<Record<string, unknown>>,
): ConnectorOptions<K> {
  const descriptor: ConnectorDescriptor = CONNECTOR_DESCRIPTORS[kind];
  const parsed = optionsSchemaOf(descriptor).safeParse(options);
  if (!parsed.success) {
    throw new ConnectorOptionsError(
      descriptor,
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message })),
    );
  }
  verifyContents(descriptor, parsed.data as Record<string, unknown>);
  return parsed.data as ConnectorOptions<K>;
}
