import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_KINDS, ACTIVITY_REASONS, type ActivityEntry, type SyncBinding } from '../../../shared/ipc/sync-ipc';
import {
  baseName,
  deliveredWhere,
  formatRelative,
  formatUntil,
  formattingLocale,
  problemOf,
  summaryOf,
} from '../../../renderer/src/screens/activity/activity-format';

const locales = path.resolve(__dirname, '../../../renderer/src/i18n/locales');
const load = (lang: string) =>
  JSON.parse(readFileSync(path.join(locales, lang, 'activity.json'), 'utf8')) as Record<string, unknown>;
const lookup = (json: Record<string, unknown>, key: string): unknown =>
  key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], json);

const entry = (patch: Partial<ActivityEntry>): ActivityEntry => ({
  id: 1,
  at: '2026-12-07T10:00:00.000Z',
  kind: 'published',
  bindingId: 'b1',
  bindingName: 'Monthly sales',
  ...patch,
});
const deliver: SyncBinding = {
  kind: 'deliver',
  id: 'b1',
  name: 'Monthly sales',
  orgId: 'o1',
  connectorId: 'local-disk',
  folder: 'inbox/sales',
  intervalMinutes: 60,
  enabled: true,
  acquisitionId: 'a1',
  namingPattern: '{offer}/{name}',
};

describe('activity summaries', () => {
  it('have a sentence in English and French for every kind and reason, naming the file or binding', () => {
    const en = load('en');
    const fr = load('fr');
    const bindings = [undefined, deliver, { ...deliver, kind: 'publish', offerId: 'f', include: [], exclude: [] }];
    for (const kind of ACTIVITY_KINDS) {
      for (const reason of [undefined, ...ACTIVITY_REASONS]) {
        for (const binding of bindings) {
          for (const file of [undefined, 'q4/report.csv']) {
            const summary = summaryOf(entry({ kind, reason, path: file }), binding as SyncBinding | undefined);
            for (const json of [en, fr]) {
              const text = lookup(json, summary.key);
              expect(typeof text, `${summary.key} (${kind}, ${reason})`).toBe('string');
              // Every placeholder the sentence uses has a value.
              for (const [, name] of String(text).matchAll(/\{\{(\w+)\}\}/g)) {
                expect(summary.values[name!], `${summary.key} {{${name}}}`).toBeDefined();
              }
            }
          }
        }
      }
    }
  });

  it('say why a file was skipped and what stopped a run', () => {
    const en = load('en');
    const say = (e: ActivityEntry, binding?: SyncBinding) => {
      const { key, values } = summaryOf(e, binding);
      return String(lookup(en, key)).replace(/\{\{(\w+)\}\}/g, (_, k: string) => values[k] ?? '');
    };
    expect(say(entry({ kind: 'skipped', reason: 'deleted-locally', path: 'q4/report.csv' }))).toBe(
      'Skipped report.csv: deleted on this computer, not sent again',
    );
    expect(say(entry({ kind: 'warning', reason: 'source-empty' }))).toBe(
      'Source folder looks empty: nothing was published; check the folder',
    );
    expect(say(entry({ kind: 'delivered', path: 'q4/report.csv' }), deliver)).toBe(
      'Delivered report.csv to /inbox/sales/q4',
    );
    expect(say(entry({ kind: 'failed', path: 'q4/report.csv' }), deliver)).toBe('Could not deliver report.csv');
    expect(say(entry({ kind: 'failed' }))).toBe('The run of Monthly sales stopped');
    // A reason without a sentence of its own for this kind falls back to the kind's.
    expect(say(entry({ kind: 'skipped', reason: 'source-empty', path: 'a.csv' }))).toBe('Skipped a.csv');
  });

  it('find the file name and the delivery folder', () => {
    expect(baseName('a/b/c.csv')).toBe('c.csv');
    expect(baseName(undefined)).toBe('');
    expect(deliveredWhere(entry({ path: 'c.csv' }), { ...deliver, folder: '' })).toBe('/');
    expect(deliveredWhere(entry({ path: 'x/c.csv' }), undefined)).toBe('/x');
  });
});

describe('activity times', () => {
  const now = Date.parse('2026-12-07T10:00:00.000Z');
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

  it('are relative in the UI language', () => {
    expect(formatRelative(ago(10), now, 'en')).toBe('now');
    expect(formatRelative(ago(5 * 60), now, 'en')).toBe('5 minutes ago');
    expect(formatRelative(ago(5 * 60), now, 'fr')).toBe('il y a 5 minutes');
    expect(formatRelative(ago(26 * 3600), now, 'en')).toBe('yesterday');
    expect(formatRelative(ago(40 * 86400), now, 'en-GB')).toBe('28 Oct 2026');
  });

  it("use the OS's regional format only when it speaks the UI language", () => {
    expect(formattingLocale('fr', 'fr-CA')).toBe('fr-CA');
    expect(formattingLocale('en', 'fr-FR')).toBe('en');
    expect(formattingLocale('en', undefined)).toBe('en');
  });

  it('give a pause end as a time today, with the day otherwise', () => {
    const today = new Date(now + 3600_000).toISOString();
    const later = new Date(now + 30 * 3600_000).toISOString();
    expect(formatUntil(today, now, 'en-GB')).not.toMatch(/Dec/);
    expect(formatUntil(later, now, 'en-GB')).toMatch(/Dec/);
  });
});

describe("the agent's problem line", () => {
  it("is read from main's English sentence when it names a stop reason or failed files", () => {
    expect(problemOf('Monthly sales: source-unreachable.')).toEqual({
      kind: 'reason',
      binding: 'Monthly sales',
      reason: 'source-unreachable',
    });
    expect(problemOf("Sales: the connector's credentials have expired.")).toMatchObject({
      reason: 'credential-expired',
    });
    expect(problemOf('Sales: 2: 3 file(s) failed.')).toEqual({ kind: 'files', binding: 'Sales: 2', count: 3 });
    expect(problemOf('Sales: the platform refused the API key.')).toEqual({
      kind: 'text',
      text: 'Sales: the platform refused the API key.',
    });
  });

  it('has every reason translated in English and French', () => {
    for (const json of [load('en'), load('fr')]) {
      for (const reason of ACTIVITY_REASONS) expect(typeof lookup(json, `reasons.${reason}`)).toBe('string');
    }
  });
});
