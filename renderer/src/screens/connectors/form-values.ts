import type { ConnectorDescriptor, OptionSpec } from '../../../../shared/connectors/connector-descriptor';
import { contentsProblem, looksLikePath } from '../../../../shared/connectors/option-contents';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';

/** What the user does with a stored secret: keep it, replace it with a new value, or clear it. */
export type SecretChoice =
  { readonly action: 'keep' } | { readonly action: 'set'; readonly value: string } | { readonly action: 'clear' };

/** The form's values: text for every non-secret option (as typed), a choice for every secret. */
export interface FormValues {
  readonly name: string;
  readonly options: Readonly<Record<string, string | boolean>>;
  readonly secrets: Readonly<Record<string, SecretChoice>>;
}

/** A validation problem: an i18n key under connectors.validation and its parameters. */
export interface FieldProblem {
  readonly key:
    'required' | 'integer' | 'range' | 'pattern' | 'contentsPath' | 'pem-certificate' | 'private-key' | 'json';
  readonly params?: Readonly<Record<string, number>>;
}

/** What the form starts from of a saved connector (mine or the organisation's): name, options, which secrets are stored. */
export type SavedValues = Pick<ConnectorSummary, 'name' | 'options' | 'secrets'>;

/** The form's starting values: a new connector's (empty, secrets to set) or a saved one's (secrets kept). */
export function initialValues(descriptor: ConnectorDescriptor, saved?: SavedValues): FormValues {
  const options: Record<string, string | boolean> = {};
  const secrets: Record<string, SecretChoice> = {};
  for (const [name, spec] of Object.entries(descriptor.options)) {
    if (spec.secret === true) {
      secrets[name] = saved?.secrets[name]?.hasSecret === true ? { action: 'keep' } : { action: 'set', value: '' };
      continue;
    }
    const value = saved?.options[name];
    if (spec.type === 'boolean') options[name] = typeof value === 'boolean' ? value : (spec.default ?? false);
    else if (spec.type === 'enum') options[name] = typeof value === 'string' ? value : (spec.default ?? '');
    else options[name] = value === undefined ? '' : String(value);
  }
  return { name: saved?.name ?? '', options, secrets };
}

// An option taking a file's text: a path is refused with its own hint, other wrong text by the kind expected.
function contentsProblemOf(spec: OptionSpec, text: string): FieldProblem | undefined {
  if (spec.type !== 'string' || spec.contents === undefined || contentsProblem(spec.contents, text) === undefined) {
    return undefined;
  }
  return { key: looksLikePath(text) ? 'contentsPath' : spec.contents };
}

function problemOf(spec: OptionSpec, raw: string | boolean): FieldProblem | undefined {
  if (spec.type === 'boolean') return undefined;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '')
    return spec.required && !('default' in spec && spec.default !== undefined) ? { key: 'required' } : undefined;
  if (spec.type === 'integer') {
    if (!/^-?\d+$/.test(text)) return { key: 'integer' };
    const n = Number(text);
    if (n < spec.min || n > spec.max) return { key: 'range', params: { min: spec.min, max: spec.max } };
  }
  if (spec.type === 'string' && spec.pattern !== undefined && !new RegExp(spec.pattern).test(text)) {
    return { key: 'pattern' };
  }
  return contentsProblemOf(spec, text);
}

/** Problems by field ('name' or an option's name); empty when the form can be saved. */
export function validate(descriptor: ConnectorDescriptor, values: FormValues): Record<string, FieldProblem> {
  const problems: Record<string, FieldProblem> = {};
  if (values.name.trim() === '') problems['name'] = { key: 'required' };
  for (const [name, spec] of Object.entries(descriptor.options)) {
    if (spec.secret === true) {
      const choice = values.secrets[name];
      const missing =
        choice === undefined || choice.action === 'clear' || (choice.action === 'set' && choice.value === '');
      if (spec.required && missing) problems[name] = { key: 'required' };
      const wrong = choice?.action === 'set' ? contentsProblemOf(spec, choice.value) : undefined;
      if (wrong !== undefined) problems[name] = wrong;
      continue;
    }
    const problem = problemOf(spec, values.options[name] ?? '');
    if (problem !== undefined) problems[name] = problem;
  }
  return problems;
}

/** The options to send: typed values, empty ones left out (their defaults apply). */
export function optionsToSend(
  descriptor: ConnectorDescriptor,
  values: FormValues,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, spec] of Object.entries(descriptor.options)) {
    if (spec.secret === true) continue;
    const raw = values.options[name];
    if (raw === undefined || raw === '') continue;
    out[name] = spec.type === 'integer' ? Number(raw) : typeof raw === 'string' ? raw.trim() : raw;
  }
  return out;
}

/** Secrets for `connectors.create`: the values typed. */
export function secretsToCreate(values: FormValues): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, choice] of Object.entries(values.secrets)) {
    if (choice.action === 'set' && choice.value !== '') out[name] = choice.value;
  }
  return out;
}

/** Secret changes for `connectors.update`: new values, null to clear, kept ones absent. */
export function secretChanges(values: FormValues): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [name, choice] of Object.entries(values.secrets)) {
    if (choice.action === 'set' && choice.value !== '') out[name] = choice.value;
    if (choice.action === 'clear') out[name] = null;
  }
  return out;
}
