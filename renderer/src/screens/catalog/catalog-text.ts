import type { TFunction } from 'i18next';
import type { CatalogOffer } from '../../../../shared/platform';
import { formatDateTime } from '../organisation/format';

/** An offer's delivery schedule in words: its frequency, and the first delivery when the provider set one. */
export function scheduleText(t: TFunction, offer: Pick<CatalogOffer, 'kind' | 'deliverySchedule'>): string {
  if (offer.kind === 'one-shot') return t('catalog.schedule.oneShot');
  const frequency = t(`catalog.schedule.${offer.deliverySchedule.frequency}`);
  const first = offer.deliverySchedule.firstDeliveryAt;
  return first ? t('catalog.schedule.from', { frequency, date: formatDateTime(first) }) : frequency;
}

/** Which past files a new subscriber gets, in words. */
export function historyText(t: TFunction, offer: Pick<CatalogOffer, 'kind' | 'history'>): string {
  if (offer.kind === 'one-shot') return t('catalog.history.oneShot');
  if (offer.history.policy === 'last') return t('catalog.history.last', { count: offer.history.count ?? 0 });
  return t(`catalog.history.${offer.history.policy}`);
}
