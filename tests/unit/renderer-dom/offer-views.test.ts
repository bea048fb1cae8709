// The Offers screen's pure views: an upload's progress line (bytes, speed, time left, resumed offset, failure in words)
// and the platform's skip reasons, in English and French.
import { MantineProvider } from '@mantine/core';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { OfferUpload } from '../../../shared/ipc/offer-uploads-ipc';
import { i18n } from '../../../renderer/src/i18n/i18n';
import { OfferUploadsList } from '../../../renderer/src/screens/offers/offer-uploads-list';
import { reasonText } from '../../../renderer/src/screens/offers/offer-text';

const upload = (patch: Partial<OfferUpload> = {}): OfferUpload => ({
  id: 'u1',
  orgId: 'o1',
  offerId: 'f1',
  connectorId: 'local-disk',
  path: 'home/ada/prices.csv',
  pathInOffer: 'prices.csv',
  state: 'uploading',
  bytes: 4_000_000,
  total: 10_000_000,
  bytesPerSecond: 2_000_000,
  etaSeconds: 3,
  resumedFrom: 0,
  fileId: null,
  error: null,
  createdAt: 1,
  finishedAt: null,
  ...patch,
});

const render = (node: ReactNode): string =>
  renderToStaticMarkup(h(MantineProvider, null, h(I18nextProvider, { i18n }, node)))
    // Text only: the facts, as a reader hears them.
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('offer uploads list', () => {
  it('shows bytes of total, speed and time left while uploading, and a cancel action', async () => {
    await i18n.changeLanguage('en');
    const html = renderToStaticMarkup(
      h(MantineProvider, null, h(I18nextProvider, { i18n }, h(OfferUploadsList, { uploads: [upload()] }))),
    );
    expect(html).toContain('aria-valuenow="40"');
    expect(html).toContain('aria-label="Cancel the upload of prices.csv"');
    const text = render(h(OfferUploadsList, { uploads: [upload()] }));
    expect(text).toContain('Uploading');
    expect(text).toContain('4 MB of 10 MB');
    expect(text).toContain('2 MB/s');
    expect(text).toContain('3 s left');
  });

  it('says where a resumed upload continued from, and a failure in words with a resume action', async () => {
    await i18n.changeLanguage('en');
    const failed = upload({
      state: 'failed',
      resumedFrom: 3_000_000,
      bytesPerSecond: 0,
      error: { code: 'offline', message: 'ECONNREFUSED' },
    });
    const text = render(h(OfferUploadsList, { uploads: [failed] }));
    expect(text).toContain('resumed from 3 MB');
    expect(text).toContain('The platform cannot be reached: resume when it is back.');
    expect(text).not.toContain('ECONNREFUSED');
    expect(text).not.toContain('MB/s');
  });

  it('speaks French with French units and typography', async () => {
    await i18n.changeLanguage('fr');
    const text = render(h(OfferUploadsList, { uploads: [upload()] }));
    expect(text).toContain('Envoi');
    expect(text).toContain('4 Mo sur 10 Mo');
    expect(text).toContain('encore 3 s');
  });

  it('shows nothing when there is no upload', () => {
    const html = renderToStaticMarkup(
      h(MantineProvider, null, h(I18nextProvider, { i18n }, h(OfferUploadsList, { uploads: [] }))),
    );
    expect(html).not.toContain('role="list"');
    expect(html).not.toContain('Uploads');
  });
});

describe('skip reasons', () => {
  it('words the known platform reasons in the user language and keeps unknown ones as they are', async () => {
    await i18n.changeLanguage('fr');
    const t = i18n.t.bind(i18n);
    expect(reasonText(t, 'already in the offer (same path, size and SHA-256)')).toBe(
      "déjà dans l'offre (même chemin, même taille et même contenu)",
    );
    expect(reasonText(t, 'too large: 20 bytes, the offer takes files up to 10 bytes')).toBe(
      "plus gros que ce que l'offre accepte",
    );
    expect(reasonText(t, 'something new')).toBe('something new');
  });
});
