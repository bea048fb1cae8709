import type { TFunction } from 'i18next';
import type { Offer, OfferStatus } from '../../../../shared/platform';

/** The badge colour of an offer's status. */
export function statusColor(status: OfferStatus): string {
  return status === 'published' ? 'green' : status === 'archived' ? 'gray' : 'blue';
}

/** A platform skip or wait reason this build says in the user's language (under `offers.reasons.`). */
export type ReasonKey =
  | 'already'
  | 'tooLarge'
  | 'notFound'
  | 'unsafeName'
  | 'leftOut'
  | 'pathTooLong'
  | 'archived'
  | 'gone'
  | 'selectionTooLarge'
  | 'moreSkipped'
  | 'firstSeen'
  | 'changed';

// The platform words its skip and wait reasons in English (platform/imports/): each one it writes is recognised
// here, its named groups becoming the sentence's values (tests/unit/renderer/offer-reasons.test.ts keeps the list whole).
const REASONS: readonly (readonly [RegExp, ReasonKey])[] = [
  [/^already in the offer/, 'already'],
  [/^too large/, 'tooLarge'],
  [/^not found/, 'notFound'],
  [/^unsafe name: (?<detail>.*)$/s, 'unsafeName'],
  // A name the storage's listing refused: an unsafe name, a link out of the folder, a Google Doc, a name held twice.
  [/^left out: (?<detail>.*)$/s, 'leftOut'],
  [/^path too long: (?<bytes>\d+) bytes, an offer's paths have at most (?<max>\d+)/, 'pathTooLong'],
  [/^the offer was archived/, 'archived'],
  [/^gone from the source/, 'gone'],
  [/^the selection holds more than (?<count>\d+) files/, 'selectionTooLarge'],
  [/^(?<count>\d+) more files skipped/, 'moreSkipped'],
  [/^first seen/, 'firstSeen'],
  [/^changed since/, 'changed'],
];

/** Which known reason a platform reason is, with its values (numbers as numbers, for plurals), or null. */
export function reasonOf(reason: string): { key: ReasonKey; values: Record<string, string | number> } | null {
  for (const [pattern, key] of REASONS) {
    const match = pattern.exec(reason);
    if (match === null) continue;
    const values: Record<string, string | number> = { detail: reason };
    for (const [name, value] of Object.entries(match.groups ?? {})) {
      values[name] = /^\d+$/.test(value) ? Number(value) : value;
    }
    return { key, values };
  }
  return null;
}

/**
 * Why a file was skipped or waits, in the user's language. A storage's own error (the only reasons not known here)
 * is shown as the platform gives it, like a notification's detail.
 */
export function reasonText(t: TFunction, reason: string): string {
  const known = reasonOf(reason);
  return known ? t(`offers.reasons.${known.key}`, known.values) : reason;
}

/** The source of a subscription in words (the connector's name when it is known). */
export function sourceText(t: TFunction, offer: Offer, connectorName: (id: string) => string | undefined): string {
  const source = offer.subscription?.source;
  if (!source || source.type === 'none') return t('offers.source.none');
  if (source.type === 'agent') return t('offers.source.agent');
  const name = connectorName(source.connectorId) ?? source.connectorId;
  return t('offers.source.connectorAt', { name, folder: source.folder === '' ? '/' : source.folder });
}
