import { z } from 'zod';
import { contentsProblem, type OptionContents } from './option-contents';

/** Fields every option declares: what forms, validation, docs, the CLI and env variables are generated from. */
interface OptionBase {
  /** Label shown in forms. */
  readonly label: string;
  /** One or two sentences: what the option does and where to find the value. */
  readonly help: string;
  /** Must be given (a default counts as given). */
  readonly required: boolean;
  /** Hidden behind "Advanced" in forms. */
  readonly advanced?: boolean;
  /** A credential: stored in the keychain or vault, never logged, never sent to the renderer. */
  readonly secret?: boolean;
  /** Sample values for docs and placeholders. */
  readonly examples?: readonly string[];
}

/** A free-text option; `multiline` for PEM keys and certificates. */
export interface StringOption extends OptionBase {
  readonly type: 'string';
  readonly default?: string;
  readonly multiline?: boolean;
  /** A regular expression (source) the value must match, checked by the schema. */
  readonly pattern?: string;
  /** The accepted format in words, named when a value does not match `pattern`. */
  readonly format?: string;
  /** The option takes a file's contents (never its path); values are checked for that kind of text. */
  readonly contents?: OptionContents;
}

/** A whole-number option with bounds. */
export interface IntegerOption extends OptionBase {
  readonly type: 'integer';
  readonly default?: number;
  readonly min: number;
  readonly max: number;
}

/** An on/off option. */
export interface BooleanOption extends OptionBase {
  readonly type: 'boolean';
  readonly default?: boolean;
}

/** One value out of a fixed list. */
export interface EnumOption<V extends string = string> extends OptionBase {
  readonly type: 'enum';
  readonly values: readonly { readonly value: V; readonly label: string }[];
  readonly default?: V;
}

/** Any option of a descriptor. */
export type OptionSpec = StringOption | IntegerOption | BooleanOption | EnumOption;

/** The value type an option produces. */
export type OptionValue<O extends OptionSpec> = O extends IntegerOption
  ? number
  : O extends BooleanOption
    ? boolean
    : O extends EnumOption<infer V>
      ? V
      : string;

type PresentKeys<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['required'] extends true ? K : O[K] extends { default: unknown } ? K : never;
}[keyof O];

/** The validated options of a descriptor: required and defaulted options present, the others optional. */
export type OptionsOf<O extends Record<string, OptionSpec>> = {
  readonly [K in PresentKeys<O>]: OptionValue<O[K]>;
} & { readonly [K in Exclude<keyof O, PresentKeys<O>>]?: OptionValue<O[K]> };

/** A storage kind's descriptor (rclone's fs.RegInfo): kind, label, and its options in form order. */
export interface ConnectorDescriptor<
  K extends string = string,
  O extends Record<string, OptionSpec> = Record<string, OptionSpec>,
> {
  readonly kind: K;
  readonly label: string;
  readonly description: string;
  /** Only for tests and development: hidden from users' connector pickers. */
  readonly internal?: boolean;
  readonly options: O;
}

/** Declares a descriptor keeping its literal kind and option names for typing. */
export const defineDescriptor = <const K extends string, const O extends Record<string, OptionSpec>>(
  descriptor: ConnectorDescriptor<K, O>,
): ConnectorDescriptor<K, O> => descriptor;

function valueSchema(spec: OptionSpec): z.ZodType {
  switch (spec.type) {
    case 'string': {
      let schema = z.string();
      if (spec.required) schema = schema.min(1, `${spec.label} is required`);
      if (spec.pattern !== undefined) {
        const expected = spec.format === undefined ? '' : `: expected ${spec.format}`;
        schema = schema.regex(new RegExp(spec.pattern), `${spec.label} is not valid${expected}`);
      }
      const contents = spec.contents;
      if (contents === undefined) return schema;
      return schema.superRefine((value, context) => {
        const problem = contentsProblem(contents, value);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: `${spec.label} ${problem}` });
      });
    }
    case 'integer':
      return z.coerce.number().int().min(spec.min).max(spec.max);
    case 'boolean':
      return z.union([
        z.boolean(),
        z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => /^(true|1|yes)$/.test(v)),
      ]);
    case 'enum':
      return z.enum(spec.values.map((v) => v.value) as [string, ...string[]]);
  }
}

/**
 * The zod schema validating a descriptor's options: strict (unknown options are refused), defaults applied,
 * integers and booleans also accepted as strings (config files and environment variables).
 */
export function optionsSchemaOf<K extends string, O extends Record<string, OptionSpec>>(
  descriptor: ConnectorDescriptor<K, O>,
): z.ZodType<OptionsOf<O>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(descriptor.options)) {
    const base = valueSchema(spec);
    shape[name] =
      spec.default !== undefined ? base.default(spec.default as never) : spec.required ? base : base.optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<OptionsOf<O>>;
}

/** Names of a descriptor's secret options (to redact and to route to the keychain or vault). */
export function secretOptionNames(descriptor: ConnectorDescriptor): readonly string[] {
  return Object.entries(descriptor.options)
    .filter(([, spec]) => spec.secret === true)
    .map(([name]) => name);
}

/** The environment-variable spelling of an option name: `hostKeyFingerprint` -> `HOST_KEY_FINGERPRINT`. */
export function envNameOfOption(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
