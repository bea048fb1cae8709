import type { TFunction } from 'i18next';
import { isConnectorKind } from '../../../../shared/connectors/connector-descriptors';

// The locale files are the renderer's only source for these texts, keyed by kind, option and choice value; the
// descriptors' English serves the CLI (no i18n there), so a missing key shows up in tests, never as silent English.

/** The name of a storage kind in the UI language; an unknown kind (a newer Ferry's) shows as its identifier. */
export function kindLabel(t: TFunction, kind: string): string {
  return isConnectorKind(kind) ? t(`connectors.kinds.${kind}.label`) : kind;
}

/** One sentence on what a storage kind reaches, in the UI language. */
export function kindDescription(t: TFunction, kind: string): string {
  return t(`connectors.kinds.${kind}.description`);
}

/** An option's label and help, in the UI language. */
export function optionText(t: TFunction, kind: string, name: string): { label: string; help: string } {
  return {
    label: t(`connectors.options.${kind}.${name}.label`),
    help: t(`connectors.options.${kind}.${name}.help`),
  };
}

/** The label of one value of a choice option, in the UI language. */
export function choiceLabel(t: TFunction, kind: string, name: string, value: string): string {
  // Values such as "aws:kms" hold i18next's namespace separator: the whole key is under the one translation namespace.
  return t(`connectors.options.${kind}.${name}.choices.${value}`, { nsSeparator: false });
}
