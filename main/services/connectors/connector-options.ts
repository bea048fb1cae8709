import { verifyContents } from '../../../connectors/config/verify-contents';
import {
  type ConnectorDescriptor,
  optionsSchemaOf,
  secretOptionNames,
} from '../../../shared/connectors/connector-descriptor';
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
  const parsed = optionsSchemaOf(descriptor).safeParse({ ...options, ...secrets });
  if (parsed.success) {
    try {
      verifyContents(descriptor, parsed.data as Record<string, unknown>);
    } catch (error) {
      throw new ConnectorInputError('InvalidOptions', (error as Error).message);
    }
    return;
  }
  const problems = parsed.error.issues.map((issue) => {
    const option = String(issue.path[0] ?? '');
    const label = (descriptor.options as ConnectorDescriptor['options'])[option]?.label ?? option;
    return `${label}: ${issue.message}`;
  });
  throw new ConnectorInputError('InvalidOptions', problems.join('; '));
}
