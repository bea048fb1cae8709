import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckStep } from '../../../shared/connectors/check-report';
import { CHECK_STEP_IDS } from '../../../shared/connectors/check-report';
import { CONNECTOR_DESCRIPTORS } from '../../../shared/connectors/connector-descriptors';
import type { ConnectorSummary, ServerIdentityIssue, TestOutcome } from '../../../shared/ipc/connectors-ipc';
import { i18n } from '../../../renderer/src/i18n/i18n';
import { IpcError } from '../../../renderer/src/ipc-client';
import { queryKeys } from '../../../renderer/src/queries/query-keys';
import { describeError } from '../../../renderer/src/screens/connectors/connector-error-message';
import { IdentityCard } from '../../../renderer/src/screens/connectors/identity-card';
import {
  IdentityRefusalNotice,
  mayBeIdentityRefusal,
  refusedConnector,
} from '../../../renderer/src/screens/connectors/identity-refusal-notice';
import { OptionField, SecretField } from '../../../renderer/src/screens/connectors/option-field';
import { FileTextError, readFileText } from '../../../renderer/src/screens/connectors/read-file-text';
import { TestDialogBody } from '../../../renderer/src/screens/connectors/test-dialog';
import type { TestState } from '../../../renderer/src/screens/connectors/use-connector-test';

const FINGERPRINT = 'SHA256:q0cJ6d0nX0v9dQ3pX8fGf0Yt0bq8bXo5mVhQ1xYg2aE';

const connector = (patch: Partial<ConnectorSummary> = {}): ConnectorSummary => ({
  id: 'c1',
  name: 'Partner drop',
  kind: 'sftp',
  options: { host: 'sftp.example.org', port: 22, username: 'ada', root: '/in' },
  secrets: { password: { hasSecret: true } },
  identity: { what: 'host key', server: 'sftp.example.org:22' },
  createdAt: 1,
  updatedAt: 1,
  ...patch,
});

const unknownKey: ServerIdentityIssue = {
  problem: 'unknown',
  what: 'host key',
  fingerprint: FINGERPRINT,
  server: 'sftp.example.org:22',
};

/** A report: the given steps' statuses and durations, the others skipped (as main sends them). */
function report(given: Partial<Record<CheckStep['id'], [CheckStep['status'], number, string?]>>) {
  const steps = CHECK_STEP_IDS.map((id): CheckStep => {
    const [status, durationMs, detail] = given[id] ?? ['skipped', 0, 'Not run.'];
    return { id, label: id, status, detail: detail ?? `${id} detail`, durationMs };
  });
  return { ok: steps.every((s) => s.status !== 'failed'), steps };
}

const done = (
  outcome: TestOutcome,
  steps: ReturnType<typeof report>,
  identity?: ServerIdentityIssue,
  write = false,
): TestState => ({
  status: 'done',
  write,
  result: identity === undefined ? { outcome, report: steps } : { outcome, report: steps, identity },
});

function render(node: ReactNode, client = new QueryClient()): string {
  return renderToStaticMarkup(
    h(MantineProvider, null, h(QueryClientProvider, { client }, h(I18nextProvider, { i18n }, node))),
  );
}

function dialog(state: TestState, write = false): string {
  return render(
    h(TestDialogBody, {
      connector: connector(),
      state,
      write,
      onWriteChange: () => undefined,
      trusting: false,
      onTrust: () => undefined,
      onAgain: () => undefined,
      onClose: () => undefined,
    }),
  );
}

/** The visible text of a step's list item. */
const stepText = (html: string, id: string): string => {
  const start = html.indexOf(`data-step="${id}"`);
  const end = html.indexOf('</li>', start);
  return html.slice(start, end).replace(/<[^>]+>/g, ' ');
};
const statusOf = (html: string, id: string) => new RegExp(`data-step="${id}" data-status="(\\w+)"`).exec(html)?.[1];

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('connector test dialog: the server identity first', () => {
  const awaiting = report({ resolve: ['ok', 2], connect: ['ok', 5], handshake: ['skipped', 9] });

  it('shows the fingerprint to confirm and no "test failed" under the trust prompt', () => {
    const html = dialog(done('confirm-identity', awaiting, unknownKey));
    expect(html).toContain(FINGERPRINT);
    expect(html).toContain('They match: trust and connect');
    expect(html).not.toContain('The test failed');
    expect(html).not.toContain('data-testid="test-outcome"');
    expect(html).not.toContain('data-status="failed"');
    expect(statusOf(html, 'handshake')).toBe('awaiting');
    expect(stepText(html, 'handshake')).toContain('waiting for your confirmation');
    expect(stepText(html, 'authenticate')).toContain('Runs once you trust the server');
    expect(stepText(html, 'list')).not.toMatch(/\d+ ms/);
  });

  it('says the same in French', async () => {
    await i18n.changeLanguage('fr');
    const html = dialog(done('confirm-identity', awaiting, unknownKey));
    expect(html).toContain('faire confiance et se connecter');
    expect(html).not.toContain('Le test a échoué');
    expect(stepText(html, 'handshake')).toContain('en attente de votre confirmation');
  });

  it('after trusting, shows every step run with the times main measured, and none for steps not run', () => {
    const all = report({
      resolve: ['ok', 1],
      connect: ['ok', 4],
      handshake: ['ok', 17],
      authenticate: ['ok', 63],
      list: ['ok', 8],
      read: ['ok', 3],
    });
    const html = dialog(done('ok', all));
    expect(html).toContain('The connector works.');
    expect(stepText(html, 'handshake')).toContain('(17 ms)');
    expect(stepText(html, 'authenticate')).toContain('(63 ms)');
    expect(stepText(html, 'authenticate')).toContain('Signed in as ada.');
    // The write probe was not asked for: said so, and no time.
    expect(stepText(html, 'write')).toContain('Not asked for');
    expect(stepText(html, 'write')).not.toMatch(/\d+ ms/);
  });

  it('offers the write probe as a checkbox', () => {
    const unchecked = dialog(done('ok', report({ list: ['ok', 1] })), false);
    expect(unchecked).toContain('Also test writing');
    expect(unchecked).not.toMatch(/data-testid="also-write"[^>]*checked/);
    const checked = dialog(done('ok', report({ list: ['ok', 1], write: ['ok', 12] }), undefined, true), true);
    expect(checked).toMatch(
      /<input[^>]*checked=""[^>]*data-testid="also-write"|data-testid="also-write"[^>]*checked=""/,
    );
    expect(stepText(checked, 'write')).toContain('Wrote a test file');
  });

  it('a changed key is refused without a trust button', () => {
    const changed = { ...unknownKey, problem: 'changed' as const, expected: 'SHA256:other' };
    const html = dialog(done('identity-changed', report({ resolve: ['ok', 1], connect: ['ok', 1] }), changed));
    expect(html).toContain('identity changed');
    expect(html).not.toContain('trust and connect');
  });
});

describe('connector messages: the user language, the server named, no internal codes', () => {
  const refused = new IpcError({
    code: 'ConnectorFailed',
    message: 'AuthFailed: The server refused the user name, password or key',
    reason: 'AuthFailed',
  });

  it('names the server and the account, in English and French', async () => {
    const en = describeError(refused, connector());
    expect(en).toMatch(/^Could not sign in to sftp\.example\.org as ada: the server refused/);
    expect(en).not.toContain('AuthFailed');
    await i18n.changeLanguage('fr');
    const fr = describeError(refused, connector());
    expect(fr).toMatch(/^Impossible de s'identifier sur sftp\.example\.org en tant que ada\u202f: le serveur a refusé/);
    expect(fr).not.toContain('AuthFailed');
  });

  it('never shows a code, with or without the connector', () => {
    const retry = new IpcError({ code: 'ConnectorFailed', message: 'Retryable: connection lost', reason: 'Retryable' });
    expect(describeError(retry)).not.toMatch(/Retryable|AuthFailed/);
    expect(describeError(retry, connector())).toMatch(/^Failed on sftp\.example\.org: a temporary failure/);
  });

  it('a failed sign-in step names the host and the user, without the code the driver put in front', () => {
    const html = dialog(
      done(
        'failed',
        report({
          resolve: ['ok', 1],
          connect: ['ok', 1],
          handshake: ['ok', 1],
          authenticate: ['failed', 40, 'AuthFailed: Permission denied'],
        }),
      ),
    );
    expect(stepText(html, 'authenticate')).toContain('Could not sign in to sftp.example.org as ada.');
    expect(html).not.toContain('AuthFailed');
    expect(stepText(html, 'list')).toContain('Not run: “Sign in” failed.');
  });
});

describe('the trusted fingerprint in the edit form', () => {
  it('shows the confirmed host key with "Forget this host key"', () => {
    const trusted = connector({
      identity: {
        what: 'host key',
        server: 'sftp.example.org:22',
        trusted: { fingerprint: FINGERPRINT, source: 'confirmed' },
      },
    });
    const html = render(h(IdentityCard, { connector: trusted, onForgotten: () => undefined }));
    expect(html).toContain(FINGERPRINT);
    expect(html).toContain('You confirmed this host key for sftp.example.org:22');
    expect(html).toContain('Forget this host key');
  });

  it('says when none is trusted yet, and nothing for kinds without a server identity', () => {
    expect(render(h(IdentityCard, { connector: connector(), onForgotten: () => undefined }))).toContain(
      'No host key is trusted yet',
    );
    const s3 = connector({ kind: 's3', options: { bucket: 'b' }, identity: undefined });
    expect(render(h(IdentityCard, { connector: s3, onForgotten: () => undefined }))).not.toContain('trusted-identity');
  });
});

describe('a browse or transfer refused on the host key offers the confirmation', () => {
  const refusedOne = connector({ identity: { what: 'host key', server: 'sftp.example.org:22', refused: unknownKey } });

  it('is looked for on sign-in failures only (a browse refusal from main, a transfer error)', () => {
    expect(mayBeIdentityRefusal(new IpcError({ code: 'ConnectorFailed', message: 'x', reason: 'AuthFailed' }))).toBe(
      true,
    );
    expect(mayBeIdentityRefusal({ code: 'AuthFailed', message: 'x' })).toBe(true);
    expect(mayBeIdentityRefusal({ code: 'NotFound', message: 'x' })).toBe(false);
    expect(mayBeIdentityRefusal(new IpcError({ code: 'ConnectorFailed', message: 'x', reason: 'Retryable' }))).toBe(
      false,
    );
  });

  it('finds the connector whose server identity was refused among those of the failure', () => {
    const other = connector({ id: 'c2', name: 'Other' });
    expect(refusedConnector([other, refusedOne], ['c1', 'local'])?.id).toBe('c1');
    expect(refusedConnector([other, refusedOne], ['c2'])).toBeUndefined();
  });

  it('says so and shows the button opening the confirmation', () => {
    const client = new QueryClient();
    client.setQueryData(queryKeys.connectors, { connectors: [refusedOne], kinds: ['sftp'] });
    const html = render(h(IdentityRefusalNotice, { connectorIds: ['local', 'c1'] }), client);
    expect(html).toContain('Partner drop: the host key of sftp.example.org:22 is not trusted yet.');
    expect(html).toContain('Check the host key…');
    const none = new QueryClient();
    none.setQueryData(queryKeys.connectors, { connectors: [connector()], kinds: ['sftp'] });
    expect(render(h(IdentityRefusalNotice, { connectorIds: ['c1'] }), none)).not.toContain('identity-refused');
  });
});

describe('"Load from file…" for options that take the text of a file', () => {
  const sftp = CONNECTOR_DESCRIPTORS.sftp.options;

  it('is offered for the private key and the CA certificate, not for plain options', () => {
    const key = render(
      h(SecretField, {
        kind: 'sftp',
        name: 'privateKey',
        spec: sftp.privateKey,
        problem: undefined,
        choice: { action: 'set', value: '' },
        stored: false,
        onChange: () => undefined,
      }),
    );
    expect(key).toContain('Load from file…');
    expect(key).toMatch(/<input[^>]*type="file"/);
    const ca = render(
      h(OptionField, {
        kind: 'ftps',
        name: 'ca',
        spec: CONNECTOR_DESCRIPTORS.ftps.options.ca,
        problem: undefined,
        value: '',
        onChange: () => undefined,
      }),
    );
    expect(ca).toContain('Load from file…');
    const host = render(
      h(OptionField, {
        kind: 'sftp',
        name: 'host',
        spec: sftp.host,
        problem: undefined,
        value: '',
        onChange: () => undefined,
      }),
    );
    expect(host).not.toContain('Load from file…');
  });

  it("reads the chosen file's text with FileReader, and refuses a file too large to be a key", async () => {
    class FakeFileReader {
      result: string | null = null;
      onload: (() => void) | null = null;
      onerror: (() => void) | null = null;
      readAsText(blob: Blob) {
        void blob.text().then((text) => {
          this.result = text;
          this.onload?.();
        });
      }
    }
    const original = (globalThis as { FileReader?: unknown }).FileReader;
    (globalThis as { FileReader?: unknown }).FileReader = FakeFileReader;
    try {
      const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
      await expect(readFileText(new Blob([pem]))).resolves.toBe(pem);
      await expect(readFileText(new Blob(['x'.repeat(70 * 1024)]))).rejects.toBeInstanceOf(FileTextError);
    } finally {
      (globalThis as { FileReader?: unknown }).FileReader = original;
    }
  });
});
