import type { TFunction } from 'i18next';
import type { Offer, OfferStatus } from '../../../../shared/platform';

/** The badge colour of an offer's status. */
export function statusColor(status: OfferStatus): string {
  return status === 'published' ? 'green' : status === 'archived' ? 'gray' : 'blue';
}

// The platform words its skip and wait reasons in English: the known ones are said in the user's language.
const REASONS: readonly (readonly [RegExp, string])[] = [
  [/^already in the offer/, 'already'],
  [/^too large/, 'tooLarge'],
  [/^not found/, 'notFound'],
  [/^unsafe name/, 'unsafeName'],
  [/^first seen/, 'firstSeen'],
  [/^changed since/, 'changed'],
];

/** Why a file was skipped or waits, in the user's language when the platform's reason is a known one. */
export function reasonText(t: TFunction, reason: string): string {
  const known = REASONS.find(([pattern]) => pattern.test(reason));
  return known ? t(`offers.reasons.${known[1]}`, { detail: reason }) : reason;
}

/** The source of a subscription in words (the connector's name when it is known). */
export function sourceText(t: TFunction, offer: Offer, connectorName: (id: string) => string | undefined): string {
  const source = offer.subscription?.source;
  if (!source || source.type === 'none') return t('offers.source.none');
  if (source.type === 'agent') return t('offers.source.agent');
  const name = connectorName(source.connectorId) ?? source.connectorId;
  return t('offers.source.connectorAt', { name, folder: source.folder === '' ? '/' : source.folder });
}
