import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import { CHECK_STEP_IDS, type CheckStep } from '../../../shared/connectors/check-report';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';
import type { ConnectorDetail, ConnectorTest } from '../../../shared/platform';
import { i18n } from '../../../renderer/src/i18n/i18n';
import { IpcError } from '../../../renderer/src/ipc-client';
import { initialValues } from '../../../renderer/src/screens/connectors/form-values';
import { TestDialogBody } from '../../../renderer/src/screens/connectors/test-dialog';
import { expiryState } from '../../../renderer/src/screens/org-connectors/credential-expiry';
import { orgConnectorErrorMessage } from '../../../renderer/src/screens/org-connectors/org-connector-error';
import { ConnectorAlerts, ConnectorFacts } from '../../../renderer/src/screens/org-connectors/org-connector-facts';
import { savedValuesOf } from '../../../renderer/src/screens/org-connectors/org-connector-form';
import {
  connectorState,
  ConnectorStateBadges,
} from '../../../renderer/src/screens/org-connectors/org-connector-status';
import { OrgIdentityCard } from '../../../renderer/src/screens/org-connectors/org-identity-card';
import { testResultOf } from '../../../renderer/src/screens/org-connectors/org-connector-test';

const FINGERPRINT = 'SHA256:q0cJ6d0nX0v9dQ3pX8fGf0Yt0bq8bXo5mVhQ1xYg2aE';
const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = 86_400_000;

const detail = (patch: Partial<ConnectorDetail> = {}): ConnectorDetail => ({
  view: 'full',
  id: 'con_1',
  name: 'Partner drop',
  kind: 'sftp',
  status: 'active',
  needsSecrets: false,
  needsIdentity: false,
  lastCheckAt: null,
  lastCheckOk: null,
  credentialExpiresAt: null,
  createdAt: '2026-12-01T10:00:00.000Z',
  updatedAt: '2026-12-01T10:00:00.000Z',
  options: { host: 'sftp.example.org', port: 22, username: 'ada', root: '/in' },
  secrets: { password: 'set', privateKey: 'unset', passphrase: 'unset' },
  secretsToReenter: [],
  health: {
    status: 'active',
    pausedReason: null,
    pausedAt: null,
    consecutiveFailures: 0,
    lastCheckAt: null,
    lastCheckOk: null,
    credentialExpiresAt: null,
    credentialExpirySource: null,
  },
  identity: null,
  outgoingAddresses: ['203.0.113.7'],
  owner: null,
  creatorId: null,
  usages: [],
  ...patch,
});

/** A platform test's report as the server sends it: a refused handshake carries the fingerprint and an English hint. */
function platformReport(given: Partial<Record<CheckStep['id'], [CheckStep['status'], number]>>) {
  const steps = CHECK_STEP_IDS.map((id): CheckStep => {
    const [status, durationMs] = given[id] ?? ['skipped', 0];
    return id === 'handshake' && status === 'failed'
      ? {
          id,
          label: id,
          status,
          detail: `AuthFailed: host key ${FINGERPRINT} is not trusted`,
          hint: `Compare ${FINGERPRINT} ... POST .../trust with this fingerprint (Trust in Ferry).`,
          fingerprint: FINGERPRINT,
          durationMs,
        }
      : { id, label: id, status, detail: `${id} detail`, durationMs };
  });
  return { ok: steps.every((s) => s.status !== 'failed'), steps };
}

function render(node: ReactNode): string {
  return renderToStaticMarkup(
    h(MantineProvider, null, h(QueryClientProvider, { client: new QueryClient() }, h(I18nextProvider, { i18n }, node))),
  );
}

/** The visible text of rendered markup, entities decoded. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

function testDialog(test: ConnectorTest): string {
  return render(
    h(TestDialogBody, {
      connector: detail(),
      state: { status: 'done', result: testResultOf(test), write: false },
      write: false,
      onWriteChange: () => undefined,
      trusting: false,
      onTrust: () => undefined,
      onAgain: () => undefined,
      onClose: () => undefined,
    }),
  );
}

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('an organisation connector test in the shared dialog', () => {
  const refused = platformReport({ resolve: ['ok', 2], connect: ['ok', 4], handshake: ['failed', 9] });

  it('asks to confirm a new host key first: no "test failed", no API hint, the later steps wait', () => {
    const test: ConnectorTest = {
      report: refused,
      identity: { problem: 'unknown', what: 'host key', fingerprint: FINGERPRINT, server: 'sftp.example.org:22' },
    };
    expect(testResultOf(test).outcome).toBe('confirm-identity');
    const html = testDialog(test);
    expect(html).toContain(FINGERPRINT);
    expect(html).toContain('They match: trust and connect');
    expect(html).not.toContain('The test failed');
    expect(html).not.toContain('POST');
    expect(html).not.toContain('AuthFailed');
    expect(html).toContain('data-step="handshake" data-status="awaiting"');
    expect(html).toContain('data-step="authenticate" data-status="skipped"');
  });

  it('refuses a changed host key and reports a plain outcome otherwise', () => {
    const changed: ConnectorTest = {
      report: refused,
      identity: {
        problem: 'changed',
        what: 'host key',
        fingerprint: FINGERPRINT,
        expected: 'SHA256:old',
        server: 'sftp.example.org:22',
      },
    };
    expect(testResultOf(changed).outcome).toBe('identity-changed');
    expect(testDialog(changed)).toContain('data-testid="identity-changed"');
    const all = platformReport({
      resolve: ['ok', 1],
      connect: ['ok', 1],
      handshake: ['ok', 5],
      authenticate: ['ok', 7],
    });
    expect(testResultOf({ report: all })).toEqual({ outcome: 'ok', report: all });
    const failed = platformReport({ resolve: ['ok', 1], connect: ['failed', 1] });
    expect(testResultOf({ report: failed }).outcome).toBe('failed');
  });
});

describe('organisation connector details', () => {
  it('show secrets as set or not (never a value), the pinned fingerprint, the outgoing address and the users', () => {
    const html = render(
      h(ConnectorFacts, {
        connector: detail({
          identity: { what: 'host key', fingerprint: FINGERPRINT },
          usages: [
            { kind: 'offer-source', id: 'off_1', title: 'Weather feed' },
            { kind: 'delivery-target', id: 'dt_1', title: 'Prices' },
          ],
        }),
        now: NOW,
      }),
    );
    expect(html).toContain('data-secret="password" data-state="set"');
    expect(html).toContain('data-secret="privateKey" data-state="unset"');
    expect(text(html)).toContain('Password Set');
    expect(html).toContain(FINGERPRINT);
    expect(text(html)).toContain('Offer source The offer “Weather feed” reads its files from it');
    expect(text(html)).toContain('Delivery The acquisition of “Prices” is delivered to it');
  });

  it('word the users in French from the structured usages', async () => {
    await i18n.changeLanguage('fr');
    const html = render(
      h(ConnectorFacts, {
        connector: detail({ usages: [{ kind: 'import', id: 'imp_1', title: 'Météo' }] }),
        now: NOW,
      }),
    );
    expect(text(html)).toContain('Import Un import dans « Météo » est en cours depuis ce connecteur');
  });

  it('say when secrets need to be entered again after a restore, in English and French', async () => {
    const connector = detail({
      needsSecrets: true,
      secrets: { password: 'unreadable' },
      secretsToReenter: ['password'],
    });
    expect(text(render(h(ConnectorAlerts, { connector, now: NOW })))).toContain(
      "Secrets need to be entered again The platform's vault can no longer read Password",
    );
    await i18n.changeLanguage('fr');
    expect(text(render(h(ConnectorAlerts, { connector, now: NOW })))).toContain('Des secrets sont à saisir de nouveau');
    // The edit form asks for it again instead of keeping it.
    const values = initialValues(CONNECTOR_DESCRIPTORS.sftp, savedValuesOf(connector));
    expect(values.secrets['password']).toEqual({ action: 'set', value: '' });
    expect(initialValues(CONNECTOR_DESCRIPTORS.sftp, savedValuesOf(detail())).secrets['password']).toEqual({
      action: 'keep',
    });
  });

  it('warn of credentials expiring within 14 days or expired, naming the secret to replace', () => {
    const expiring = (inDays: number) =>
      detail({
        kind: 'azure-blob',
        options: { account: 'acme', container: 'drop' },
        secrets: { sasToken: 'set' },
        health: {
          ...detail().health,
          credentialExpiresAt: new Date(NOW + inDays * DAY).toISOString(),
          credentialExpirySource: 'sasToken',
        },
      });
    const soon = text(render(h(ConnectorAlerts, { connector: expiring(3), now: NOW })));
    expect(soon).toContain('Credentials expire soon');
    expect(soon).toContain('SAS token expires on');
    expect(soon).toContain('(in 3 days)');
    expect(text(render(h(ConnectorAlerts, { connector: expiring(-1), now: NOW })))).toContain('SAS token expired on');
    expect(render(h(ConnectorAlerts, { connector: expiring(30), now: NOW }))).not.toContain('expiry-warning');
    expect(expiryState(null, NOW)).toBeNull();
    expect(expiryState(new Date(NOW + 14 * DAY).toISOString(), NOW)).toBe('soon');
    expect(expiryState(new Date(NOW + 15 * DAY).toISOString(), NOW)).toBe('fine');
  });

  it('list the first thing that stops a connector', () => {
    expect(connectorState(detail({ status: 'paused', needsSecrets: true }))).toBe('paused');
    expect(connectorState(detail({ needsSecrets: true, needsIdentity: true }))).toBe('needsSecrets');
    expect(connectorState(detail({ needsIdentity: true, lastCheckOk: false }))).toBe('needsIdentity');
    expect(connectorState(detail({ lastCheckOk: false }))).toBe('failed');
    expect(connectorState(detail({ lastCheckOk: true }))).toBe('works');
    expect(connectorState(detail())).toBe('untested');
  });

  it("append the platform's own words to refusals that name a field, never its English list of users", () => {
    const inUse = new IpcError({
      code: 'PlatformRefused',
      reason: 'connector_in_use',
      message: '"Drop" is used by offer-source "Weather" (off_1), change it first.',
    });
    expect(orgConnectorErrorMessage(inUse)).toContain('Offers or deliveries still use this connector');
    expect(orgConnectorErrorMessage(inUse)).not.toContain('Weather');
    const invalid = new IpcError({ code: 'PlatformRefused', reason: 'validation_failed', message: 'Port too big' });
    expect(orgConnectorErrorMessage(invalid)).toContain('(Port too big)');
    const forbidden = new IpcError({ code: 'PlatformRefused', reason: 'forbidden', message: 'admin only' });
    expect(orgConnectorErrorMessage(forbidden)).not.toContain('admin only');
  });

  it('show the pinned fingerprint with "Forget" in the edit form, nothing when none is pinned', async () => {
    const pinned = detail({ identity: { what: 'host key', fingerprint: FINGERPRINT } });
    const html = render(h(OrgIdentityCard, { connector: pinned, onForgotten: () => undefined }));
    expect(html).toContain(FINGERPRINT);
    expect(text(html)).toContain('Forget this host key');
    expect(render(h(OrgIdentityCard, { connector: detail(), onForgotten: () => undefined }))).not.toContain('Forget');
    await i18n.changeLanguage('fr');
    expect(text(render(h(OrgIdentityCard, { connector: pinned, onForgotten: () => undefined })))).toContain(
      'Oublier cette empreinte',
    );
  });

  it("badge a listed connector whose credentials expire within 14 days or expired, from the list's own field", () => {
    const row = (inDays: number) =>
      render(
        h(ConnectorStateBadges, {
          connector: detail(),
          expiry: expiryState(new Date(NOW + inDays * DAY).toISOString(), NOW),
        }),
      );
    expect(text(row(3))).toContain('Credentials expire soon');
    expect(text(row(-1))).toContain('Credentials expired');
    expect(row(30)).not.toContain('expiry-badge');
  });
});
