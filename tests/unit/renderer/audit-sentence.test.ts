import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../shared/platform';
import {
  AUDIT_ACTIONS,
  auditActionDomain,
  auditActionKey,
  auditActionsByDomain,
} from '../../../renderer/src/screens/organisation/audit-actions';
import {
  type AuditNames,
  auditSentence,
  sentenceText,
  shortId,
  type Translate,
} from '../../../renderer/src/screens/organisation/audit-sentence';

const root = path.resolve(__dirname, '../../..');
const locales = path.join(root, 'renderer/src/i18n/locales');
const load = (lang: string) =>
  JSON.parse(readFileSync(path.join(locales, lang, 'organisation.json'), 'utf8')) as Record<string, unknown>;

const i18n = i18next.createInstance();
beforeAll(async () => {
  await i18n.init({
    resources: {
      en: { translation: { organisation: load('en') } },
      fr: { translation: { organisation: load('fr') } },
    },
    lng: 'en',
    interpolation: { escapeValue: false },
  });
});
const tIn =
  (lng: 'en' | 'fr'): Translate =>
  (key, values) =>
    i18n.t(key, { ...values, lng });

const event = (patch: Partial<AuditEvent>): AuditEvent => ({
  id: 'evt_1',
  at: '2026-12-07T10:00:00.000Z',
  principalType: 'user',
  principalId: 'usr_ada',
  principalLabel: 'ada@example.org',
  action: 'members.delete',
  targetType: 'member',
  targetId: 'usr_marie',
  targetLabel: null,
  ip: '127.0.0.1',
  outcome: 'success',
  reason: null,
  ...patch,
});
const names: AuditNames = {
  member: (id) => ({ usr_ada: 'Ada Admin', usr_marie: 'Marie Curie' })[id],
  apiKey: (id) => ({ key_1: 'Nightly import' })[id],
  invitation: (id) => ({ inv_1: 'ines@example.org' })[id],
  offer: (id) => ({ off_2: 'Monthly sales' })[id],
  connector: (id) => ({ con_2: 'SFTP prod' })[id],
};
const noNames: AuditNames = { member: () => undefined, apiKey: () => undefined, invitation: () => undefined };
const say = (lng: 'en' | 'fr', patch: Partial<AuditEvent>, known = names) =>
  sentenceText(auditSentence(event(patch), known, tIn(lng)));

describe('audit sentences', () => {
  it('say who did what to whom, in English and French', () => {
    expect(say('en', {})).toBe('Ada Admin removed Marie Curie');
    expect(say('fr', {})).toBe('Ada Admin a retiré Marie Curie');
    expect(say('en', { action: 'members.update' })).toBe('Ada Admin changed the role of Marie Curie');
    expect(say('fr', { action: 'api-keys.create', targetType: 'api-key', targetId: 'key_1' })).toBe(
      "Ada Admin a créé la clé d'API «\u202fNightly import\u202f»",
    );
  });

  it('name offers and connectors by title and name when known', () => {
    expect(say('en', { action: 'offers.publish', targetType: 'offer', targetId: 'off_2' })).toBe(
      'Ada Admin published the offer “Monthly sales”',
    );
    expect(say('fr', { action: 'connectors.delete', targetType: 'connector', targetId: 'con_2' })).toBe(
      'Ada Admin a supprimé le connecteur «\u202fSFTP prod\u202f»',
    );
  });

  it('keep the names apart with their IDs, for tooltips', () => {
    const segments = auditSentence(event({}), names, tIn('en'));
    expect(segments).toEqual([
      { slot: 'actor', text: 'Ada Admin', id: 'usr_ada' },
      ' removed ',
      { slot: 'target', text: 'Marie Curie', id: 'usr_marie' },
    ]);
  });

  it('name a refusal with the action label, and a phrase actor with a capital', () => {
    expect(say('en', { outcome: 'denied', reason: 'forbidden' })).toBe(
      'Ada Admin was refused: remove a member (Marie Curie)',
    );
    expect(say('fr', { outcome: 'denied' })).toBe('Refusé à Ada Admin\u202f: retirer un membre (Marie Curie)');
    expect(
      say('en', {
        principalType: 'platform',
        principalId: null,
        principalLabel: 'x',
        action: 'connectors.paused',
        targetType: 'connector',
        targetId: 'con_1',
      }),
    ).toBe('The Ferry platform paused the connector con_1 after failed checks');
    expect(
      say('en', {
        principalType: 'api-key',
        principalId: 'key_1',
        action: 'offers.create',
        targetType: 'offer',
        targetId: 'off_1',
      }),
    ).toBe('The API key “Nightly import” created the offer off_1');
  });

  it('name a target that left by the name stored with the event, the live name first', () => {
    expect(say('en', { targetLabel: 'Marie Curie' }, noNames)).toBe('ada@example.org removed Marie Curie');
    expect(say('fr', { targetLabel: 'Marie Curie' }, noNames)).toBe('ada@example.org a retiré Marie Curie');
    expect(say('en', { targetLabel: 'Marie C.' })).toBe('Ada Admin removed Marie Curie');
    expect(
      say('en', { action: 'api-keys.delete', targetType: 'api-key', targetId: 'key_9', targetLabel: 'Old' }, noNames),
    ).toBe('ada@example.org deleted the API key “Old”');
    expect(
      say(
        'fr',
        { action: 'invitations.delete', targetType: 'invitation', targetId: 'inv_9', targetLabel: 'p@example.org' },
        noNames,
      ),
    ).toBe("ada@example.org a supprimé l'invitation pour p@example.org");
  });

  it('fall back to the e-mail, a short ID, or a generic sentence for unknown actions', () => {
    expect(say('en', {}, noNames)).toBe('ada@example.org removed former member usr_marie');
    expect(say('en', { targetId: 'usr_0123456789abcdef' }, noNames)).toBe(
      `ada@example.org removed former member ${shortId('usr_0123456789abcdef')}`,
    );
    expect(say('en', { action: 'things.frobnicate' })).toBe('Ada Admin did “things.frobnicate” on Marie Curie');
    expect(say('fr', { action: 'things.frobnicate', targetType: null, targetId: null })).toBe(
      'Ada Admin a effectué «\u202fthings.frobnicate\u202f»',
    );
    expect(say('en', { action: 'things.frobnicate', outcome: 'denied', targetType: null, targetId: null })).toBe(
      'Ada Admin was refused: things.frobnicate',
    );
    expect(say('en', { outcome: 'denied', targetId: 'unknown id' })).toBe(
      'Ada Admin was refused: remove a member (an ID that is not of this organisation)',
    );
  });
});

/** Every action literal the platform's sources give to routes and to its own audit entries. */
function platformActions(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith('.test.ts')) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\baction: '([a-z][a-z.-]*)'/g)) found.add(m[1] as string);
        for (const m of text.matchAll(/_ACTION = '([a-z][a-z.-]*)'/g)) found.add(m[1] as string);
      }
    }
  };
  walk(path.join(root, 'platform'));
  walk(path.join(root, 'shared/platform'));
  return found;
}

describe('audit actions', () => {
  it('cover every action the platform audits', () => {
    const missing = [...platformActions()].filter((a) => !(AUDIT_ACTIONS as readonly string[]).includes(a));
    expect(missing).toEqual([]);
    expect(platformActions().size).toBeGreaterThan(80);
  });

  it('each have a label, a sentence and a domain in English and French', () => {
    for (const lang of ['en', 'fr'] as const) {
      const audit = load(lang)['audit'] as Record<string, Record<string, string>>;
      for (const action of AUDIT_ACTIONS) {
        const key = auditActionKey(action);
        expect(audit['labels']?.[key], `${lang} label of ${action}`).toBeTruthy();
        expect(audit['done']?.[key], `${lang} sentence of ${action}`).toMatch(/\{\{actor\}\}|\{\{target\}\}/);
        expect(audit['domains']?.[auditActionDomain(action)], `${lang} domain of ${action}`).toBeTruthy();
      }
    }
  });

  it('group by domain, the part before the first dot', () => {
    expect(auditActionDomain('deliveries.targets.create')).toBe('deliveries');
    expect(auditActionKey('setup.status')).toBe('setup_status');
    expect(auditActionsByDomain().get('members')).toEqual([
      'members.delete',
      'members.list',
      'members.read',
      'members.update',
    ]);
  });
});
