import { assertNever } from '../../shared/assert-never';
import { envNameOfOption, type OptionSpec } from '../../shared/connectors/connector-descriptor';
import { type OptionContents, contentsLabel } from '../../shared/connectors/option-contents';

/** One option of a kind as `ferry connectors --json` shows it. */
export interface OptionSummary {
  readonly name: string;
  readonly env: string;
  readonly type: OptionSpec['type'];
  readonly required: boolean;
  readonly secret: boolean;
  readonly default?: string | number | boolean;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly contents?: OptionContents;
}

/** The facts a user needs to set an option from a config file or the environment. */
export function summarizeOption(name: string, spec: OptionSpec): OptionSummary {
  const base = {
    name,
    env: envNameOfOption(name),
    type: spec.type,
    required: spec.required,
    secret: spec.secret === true,
    ...(spec.default === undefined ? {} : { default: spec.default }),
  };
  switch (spec.type) {
    case 'string':
      return { ...base, ...(spec.contents === undefined ? {} : { contents: spec.contents }) };
    case 'integer':
      return { ...base, min: spec.min, max: spec.max };
    case 'boolean':
      return base;
    case 'enum':
      return { ...base, values: spec.values.map((v) => v.value) };
    default:
      return assertNever(spec, 'option type');
  }
}

/** One line: name (with * when required), then type, values, default, secret and contents. */
export function optionLine(summary: OptionSummary): string {
  const facts: string[] = [];
  switch (summary.type) {
    case 'string':
      facts.push(summary.contents === undefined ? 'text' : `${contentsLabel(summary.contents)}, not a file path`);
      break;
    case 'integer':
      facts.push(`integer ${summary.min}-${summary.max}`);
      break;
    case 'boolean':
      facts.push('true or false');
      break;
    case 'enum':
      facts.push(`one of ${(summary.values ?? []).join(', ')}`);
      break;
    default:
      assertNever(summary.type, 'option type');
  }
  if (summary.default !== undefined && summary.default !== '') facts.push(`default ${String(summary.default)}`);
  if (summary.secret) facts.push('secret');
  return `${`${summary.env}${summary.required ? '*' : ''}`.padEnd(28)} ${facts.join('; ')}`;
}
