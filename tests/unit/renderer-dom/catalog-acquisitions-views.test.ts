// The Catalog and Acquisitions screens' pure views: an offer's schedule and past files in words, and a file's
// delivery (where it went, its receipt, a conflict copy, a failure after retries), in English and French.
import { MantineProvider } from '@mantine/core';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogOffer, Delivery } from '../../../shared/platform';
import { i18n } from '../../../renderer/src/i18n/i18n';
import { DeliveryStatus } from '../../../renderer/src/screens/acquisitions/delivery-status';
import { historyText, scheduleText } from '../../../renderer/src/screens/catalog/catalog-text';

const NNBSP = '\u202f';

const offer = (patch: Partial<CatalogOffer> = {}): CatalogOffer => ({
  id: 'off_1',
  provider: { id: 'org_p', name: 'Provider Co' },
  kind: 'subscription',
  title: 'Daily prices',
  description: '',
  fileCount: 3,
  totalSize: 1200,
  deliverySchedule: { frequency: 'daily', firstDeliveryAt: null },
  history: { policy: 'last', count: 2 },
  publishedAt: null,
  activeAcquisitionId: null,
  ...patch,
});

const delivery = (patch: Partial<Delivery> = {}): Delivery => ({
  id: 'del_1',
  acquisitionId: 'acq_1',
  targetId: 'tgt_1',
  file: { id: 'f1', name: 'prices.csv', path: 'prices.csv', size: 10, sha256: 'a'.repeat(64), seq: 1 },
  status: 'delivered',
  path: 'incoming/Daily prices/prices (conflict from Ferry).csv',
  conflict: true,
  receiptPath: 'incoming/Daily prices/prices (conflict from Ferry).csv.ferry-receipt.json',
  attempts: 1,
  lastError: null,
  createdAt: '2026-12-07T10:00:00.000Z',
  deliveredAt: '2026-12-07T10:00:01.000Z',
  acknowledgedAt: null,
  ...patch,
});

const text = (node: ReactNode): string =>
  renderToStaticMarkup(h(MantineProvider, null, h(I18nextProvider, { i18n }, node)))
    .replace(/<[^>]+>/g, ' ')
    // Plain white space only: the narrow no-break space of French typography stays as it is.
    .replace(/[ \t\r\n]+/g, ' ');

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('catalog texts', () => {
  it('says how a subscription delivers and which past files a subscriber gets', async () => {
    const t = i18n.t.bind(i18n);
    expect(scheduleText(t, offer())).toBe('Daily');
    expect(historyText(t, offer())).toBe('The 2 latest files');
    expect(historyText(t, offer({ history: { policy: 'last', count: 1 } }))).toBe('The latest file');
    expect(historyText(t, offer({ history: { policy: 'none', count: null } }))).toBe('Only files added from now on');
    expect(scheduleText(t, offer({ kind: 'one-shot' }))).toBe('All files at once');
    await i18n.changeLanguage('fr');
    expect(scheduleText(t, offer({ deliverySchedule: { frequency: 'weekly', firstDeliveryAt: null } }))).toBe(
      'Toutes les semaines',
    );
    expect(historyText(t, offer())).toBe('Les 2 derniers fichiers');
  });
});

describe('delivery status', () => {
  it('names where the file went, the conflict copy and the receipt', () => {
    const shown = text(h(DeliveryStatus, { delivery: delivery() }));
    expect(shown).toContain('Delivered');
    expect(shown).toContain('To incoming/Daily prices/prices (conflict from Ferry).csv');
    expect(shown).toContain('Conflict copy');
    expect(shown).toContain('Receipt: incoming/Daily prices/prices (conflict from Ferry).csv.ferry-receipt.json');
  });

  it('says a failure after its attempts, and nothing when the file is not delivered automatically', async () => {
    const failed = delivery({ status: 'failed', path: null, conflict: false, receiptPath: null, attempts: 5 });
    const shown = text(h(DeliveryStatus, { delivery: { ...failed, lastError: 'The bucket refused the write.' } }));
    expect(shown).toContain('Failed');
    expect(shown).toContain('After 5 attempts: The bucket refused the write.');
    expect(shown).not.toContain('Receipt');
    expect(text(h(DeliveryStatus, { delivery: undefined }))).toContain('Not delivered automatically');
    await i18n.changeLanguage('fr');
    const french = text(h(DeliveryStatus, { delivery: delivery() }));
    expect(french).toContain('Livré');
    expect(french).toContain(`Reçu${NNBSP}: incoming/Daily prices/`);
  });
});
