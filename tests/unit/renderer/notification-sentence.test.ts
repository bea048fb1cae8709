// The platform notifications in words: each kind the platform sends (as its producers in platform/ word them) gets a
// translated sentence in English and French, with the screen to act on; unknown kinds and shapes fall back.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_KINDS, type Notification } from '../../../shared/platform';
import { notificationSentence } from '../../../renderer/src/screens/activity/notification-sentence';
import { uniqueNewestFirst } from '../../../renderer/src/screens/activity/notification-pages';

const locales = path.resolve(__dirname, '../../../renderer/src/i18n/locales');
const load = (lang: string) =>
  JSON.parse(readFileSync(path.join(locales, lang, 'activity.json'), 'utf8')) as Record<string, unknown>;

const notification = (patch: Partial<Notification>): Notification => ({
  id: 'ntf_1',
  orgId: 'org_1',
  kind: 'job.failed',
  subjectType: null,
  subjectId: null,
  params: {},
  message: 'Something happened on the platform.',
  createdAt: '2026-12-07T10:00:00.000Z',
  readAt: null,
  ...patch,
});

const isoDay = (iso: string) => iso.slice(0, 10);

// One of each shape the platform sends, with the params its producers give (see the files named).
const SAMPLES: Record<string, Notification> = {
  // platform/connectors/health/check-connector.ts
  connectorPaused: notification({
    kind: 'connector.paused',
    subjectType: 'connector',
    params: { connector: 'Partner SFTP', reason: 'Authentication failed.', failures: 3 },
  }),
  // platform/connectors/health/credential-expiry-watch.ts
  credentialExpiring: notification({
    kind: 'connector.credential-expiring',
    subjectType: 'connector',
    params: {
      connector: 'Blob archive',
      source: 'sasToken',
      sourceLabel: 'SAS token',
      expiresAt: '2026-12-10T10:00:00.000Z',
      days: 3,
    },
  }),
  credentialExpired: notification({
    kind: 'connector.credential-expiring',
    params: { connector: 'Blob archive', expiresAt: '2026-12-06T10:00:00.000Z', days: 0 },
  }),
  // platform/imports/scan-run.ts (three failed scans in a row) and import-routes.ts (dead letters)
  scanFailed: notification({
    subjectType: 'offer',
    params: { queue: 'offer-scan', attempts: 3, errorCode: null, what: 'The scan of offer "Sales: weekly"' },
  }),
  importFailed: notification({
    subjectType: 'offer',
    params: { queue: 'offer-import', attempts: 5, errorCode: 'Retryable', what: 'An import into offer "Q4"' },
  }),
  // platform/connectors/health/connector-health.ts (dead letters of the daily check)
  checkFailed: notification({
    subjectType: 'connector',
    params: { queue: 'connector-check', attempts: 2, what: 'The daily check of connector "Partner SFTP"' },
  }),
  // platform/deliveries/deliver-file.ts: a target paused, a file given up
  deliveriesPaused: notification({
    subjectType: 'delivery-target',
    params: { queue: 'delivery', attempts: 5, errorCode: null, what: 'Deliveries of "Weather data"' },
  }),
  deliveryGivenUp: notification({
    subjectType: 'delivery',
    params: { queue: 'delivery', attempts: 4, errorCode: null, what: 'The delivery of "day-1.csv" of "Weather data"' },
  }),
  // platform/invitations/invitation-email-given-up.ts
  invitationEmailFailed: notification({
    kind: 'invitation.email-failed',
    subjectType: 'invitation',
    params: { email: 'ines@example.org', attempts: 5 },
  }),
};

describe('notificationSentence', () => {
  it('gives each shape its own sentence, values and screen (connectors: Organisation > Connectors)', () => {
    const got = Object.fromEntries(Object.entries(SAMPLES).map(([name, n]) => [name, notificationSentence(n, isoDay)]));
    expect(got).toEqual({
      connectorPaused: {
        key: 'connectorPaused',
        values: { connector: 'Partner SFTP', count: 3 },
        detail: 'Authentication failed.',
        screen: 'organisation',
        tab: 'connectors',
      },
      credentialExpiring: {
        key: 'credentialExpiring',
        values: { connector: 'Blob archive', date: '2026-12-10' },
        detail: null,
        screen: 'organisation',
        tab: 'connectors',
      },
      credentialExpired: {
        key: 'credentialExpired',
        values: { connector: 'Blob archive', date: '2026-12-06' },
        detail: null,
        screen: 'organisation',
        tab: 'connectors',
      },
      scanFailed: { key: 'scanFailed', values: { offer: 'Sales: weekly', count: 3 }, detail: null, screen: 'offers' },
      importFailed: { key: 'importFailed', values: { offer: 'Q4', count: 5 }, detail: null, screen: 'offers' },
      checkFailed: {
        key: 'checkFailed',
        values: { connector: 'Partner SFTP', count: 2 },
        detail: null,
        screen: 'organisation',
        tab: 'connectors',
      },
      deliveriesPaused: {
        key: 'deliveriesPaused',
        values: { offer: 'Weather data', count: 5 },
        detail: null,
        screen: 'acquisitions',
      },
      deliveryGivenUp: {
        key: 'deliveryGivenUp',
        values: { file: 'day-1.csv', offer: 'Weather data', count: 4 },
        detail: null,
        screen: 'acquisitions',
      },
      invitationEmailFailed: {
        key: 'invitationEmailFailed',
        values: { email: 'ines@example.org', count: 5 },
        detail: null,
        screen: 'organisation',
      },
    });
  });

  it('covers every kind the platform declares', () => {
    const covered = new Set(Object.values(SAMPLES).map((n) => n.kind));
    expect([...covered].sort()).toEqual([...NOTIFICATION_KINDS].sort());
  });

  it('falls back to the platform’s English message for an unknown kind, queue, description or missing params', () => {
    const cases = [
      notification({ kind: 'invitation.accepted', params: { name: 'Inès' } }),
      notification({ params: { queue: 'reports', attempts: 2, what: 'The report' } }),
      notification({ params: { queue: 'offer-scan', attempts: 3, what: 'Something else' } }),
      notification({ kind: 'connector.paused', params: { failures: 3 } }),
      notification({ kind: 'connector.credential-expiring', params: { connector: 'X', expiresAt: 'soon' } }),
      notification({ kind: 'invitation.email-failed', params: { email: 42 } }),
    ];
    for (const n of cases) {
      expect(notificationSentence(n, isoDay)).toEqual({
        key: 'fallback',
        values: { message: 'Something happened on the platform.' },
        detail: null,
        screen: null,
      });
    }
  });
});

describe('notification sentences in English and French', () => {
  const instances: Record<'en' | 'fr', i18n> = {} as Record<'en' | 'fr', i18n>;
  beforeAll(async () => {
    for (const lang of ['en', 'fr'] as const) {
      const instance = i18next.createInstance();
      await instance.init({
        lng: lang,
        resources: { [lang]: { translation: { activity: load(lang) } } },
        interpolation: { escapeValue: false },
      });
      instances[lang] = instance;
    }
  });
  const say = (lang: 'en' | 'fr', n: Notification) => {
    const s = notificationSentence(n, isoDay);
    return instances[lang].t(`activity.platform.notices.${s.key}`, s.values);
  };

  it('says each one with its names and counts, no placeholder left, French typography', () => {
    for (const [name, n] of Object.entries(SAMPLES)) {
      for (const lang of ['en', 'fr'] as const) {
        const text = say(lang, n);
        expect(text, `${name} ${lang}`).not.toMatch(/\{\{|activity\.platform/);
        const values = notificationSentence(n, isoDay).values;
        for (const v of Object.values(values).filter((v) => typeof v === 'string')) expect(text).toContain(v);
        if (lang === 'fr') {
          // A narrow no-break space before : ; and inside « », never a plain one.
          expect(text, name).not.toMatch(/ [:;!?]|« | »/);
        }
      }
    }
    expect(say('en', SAMPLES['scanFailed']!)).toBe(
      'The scan of offer “Sales: weekly” failed 3 times in a row. Nothing was removed from the offer; scans go on at each interval.',
    );
    expect(say('fr', SAMPLES['scanFailed']!)).toBe(
      'L’analyse de l’offre «\u202fSales: weekly\u202f» a échoué 3 fois d’affilée. Rien n’a été retiré de l’offre\u202f; les analyses continuent à chaque intervalle.',
    );
    expect(say('en', SAMPLES['credentialExpiring']!)).toContain('“Blob archive” expire on 2026-12-10: an admin renews');
    expect(say('fr', SAMPLES['credentialExpiring']!)).toContain('expirent le 2026-12-10\u202f: un administrateur');
    expect(say('fr', SAMPLES['invitationEmailFailed']!)).toBe(
      'L’e-mail d’invitation à ines@example.org n’a pas pu être envoyé (5 tentatives)\u202f: copiez le lien de l’invitation sur l’écran Organisation et envoyez-le vous-même.',
    );
  });

  it('uses the singular for one', () => {
    const once = { ...SAMPLES['deliveryGivenUp']!, params: { ...SAMPLES['deliveryGivenUp']!.params, attempts: 1 } };
    expect(say('en', once)).toBe(
      'The delivery of “day-1.csv” (offer “Weather data”) failed and was given up: fix the cause, then resume its delivery target to send it again.',
    );
  });

  it('shows the English message as it is for a kind it does not know', () => {
    const unknown = notification({ kind: 'offer.acquired', message: 'Globex acquired "Q4".' });
    expect(say('fr', unknown)).toBe('Globex acquired "Q4".');
  });

  it('has the same keys in both languages', () => {
    const keys = (o: unknown, prefix = ''): string[] =>
      typeof o === 'object' && o !== null
        ? Object.entries(o).flatMap(([k, v]) => keys(v, `${prefix}${k}.`))
        : [prefix.slice(0, -1)];
    const en = keys(load('en')['platform']).concat(keys(load('en')['sources']));
    const fr = keys(load('fr')['platform']).concat(keys(load('fr')['sources']));
    expect(fr.sort()).toEqual(en.sort());
  });
});

describe('uniqueNewestFirst', () => {
  it('keeps each notification once, newest first, across overlapping pages', () => {
    const a = notification({ id: 'ntf_a', createdAt: '2026-12-07T10:00:00.000Z' });
    const b = notification({ id: 'ntf_b', createdAt: '2026-12-07T11:00:00.000Z' });
    const c = notification({ id: 'ntf_c', createdAt: '2026-12-07T09:00:00.000Z' });
    expect(uniqueNewestFirst([{ items: [b, a] }, { items: [a, c] }]).map((n) => n.id)).toEqual([
      'ntf_b',
      'ntf_a',
      'ntf_c',
    ]);
  });
});
