// The Activity screen's platform section as rendered: what to do when there is no account or the session ended, and
// the notifications worded in the UI language with unread ones marked and actionable.
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../../../shared/ipc/platform-ipc';
import type { Notification, NotificationPage } from '../../../shared/platform';
import { i18n } from '../../../renderer/src/i18n/i18n';
import { PlatformNotifications } from '../../../renderer/src/screens/activity/platform-notifications';
import { NOTIFICATIONS_KEY } from '../../../renderer/src/screens/activity/use-platform-notifications';
import { useActivityStore } from '../../../renderer/src/stores/activity-store';
import { usePlatformStore } from '../../../renderer/src/stores/platform-store';

/** Server rendering reads a zustand store's initial state (useSyncExternalStore's server snapshot): it is set there. */
function serverState<T extends object>(store: { getInitialState(): T }, patch: Partial<T>): void {
  Object.assign(store.getInitialState(), patch);
}

const account = (patch: Partial<AccountView> = {}): AccountView => ({
  id: 'acc_1',
  target: { kind: 'local' } as AccountView['target'],
  email: 'ada@example.org',
  name: 'Ada',
  signedIn: true,
  memberships: [],
  orgId: 'org_1',
  ...patch,
});

function withAccounts(accounts: AccountView[]): void {
  serverState(usePlatformStore, {
    state: {
      status: 'ready',
      platform: { accounts, activeAccountId: accounts[0]?.id ?? null, secretsBackend: 'keychain' },
    },
  });
}

const notice = (id: string, patch: Partial<Notification> = {}): Notification => ({
  id,
  orgId: 'org_1',
  kind: 'job.failed',
  subjectType: 'offer',
  subjectId: 'off_1',
  params: { queue: 'offer-scan', attempts: 3, errorCode: null, what: 'The scan of offer "Weekly sales"' },
  message: 'The scan of offer "Weekly sales" failed 3 times in a row.',
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  readAt: null,
  ...patch,
});

/** Renders the section with the notifications already read (as the cache holds them after a read). */
function render(page?: NotificationPage): string {
  const client = new QueryClient();
  if (page !== undefined) {
    client.setQueryData([...NOTIFICATIONS_KEY, 'acc_1:org_1', 'list', false], { pages: [page], pageParams: [0] });
  }
  const html = renderToStaticMarkup(
    h(
      MantineProvider,
      null,
      h(QueryClientProvider, { client }, h(I18nextProvider, { i18n }, h(PlatformNotifications))),
    ),
  );
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t\r\n]+/g, ' ');
}

afterEach(async () => {
  await i18n.changeLanguage('en');
  serverState(useActivityStore, { unreadOnly: false });
});

describe('PlatformNotifications', () => {
  it('without an account says where to connect, not an empty list', () => {
    withAccounts([]);
    const text = render();
    expect(text).toContain('Not connected to a platform');
    expect(text).toContain('Open Organisation');
    expect(text).not.toContain('No notifications from the platform');
  });

  it('signed out names the account and says how to sign in again', async () => {
    withAccounts([account({ signedIn: false })]);
    expect(render()).toContain(
      'Signed out of ada@example.org Sign in again from the account menu at the top right to see the platform',
    );
    await i18n.changeLanguage('fr');
    expect(render()).toContain('Déconnecté de ada@example.org');
  });

  it('words each notification, marks the unread ones with a button, counts them, in English and French', async () => {
    withAccounts([account()]);
    const page: NotificationPage = {
      items: [
        notice('ntf_2'),
        notice('ntf_1', {
          kind: 'invitation.email-failed',
          subjectType: 'invitation',
          params: { email: 'ines@example.org', attempts: 5 },
          readAt: new Date().toISOString(),
        }),
      ],
      total: 2,
      limit: 50,
      offset: 0,
      unread: 1,
    };
    const en = render(page);
    expect(en).toContain('1 unread');
    expect(en).toContain(
      'The scan of offer “Weekly sales” failed 3 times in a row. Nothing was removed from the offer; scans go on at each interval.',
    );
    expect(en).toContain('The invitation e-mail to ines@example.org could not be sent (5 attempts)');
    // One unread: one "New" and one "Mark read"; the invitation links to Organisation (a built screen).
    expect(en.match(/ New /g)).toHaveLength(1);
    expect(en.match(/Mark read /g)).toHaveLength(1);
    expect(en).toContain('Open Organisation');
    expect(en).toContain('2 notifications shown.');

    await i18n.changeLanguage('fr');
    const fr = render(page);
    expect(fr).toContain('1 non lue');
    expect(fr).toContain('L’analyse de l’offre «\u202fWeekly sales\u202f» a échoué 3 fois d’affilée.');
    expect(fr).toContain('Marquer comme lue');
    expect(fr).toContain('Tout marquer comme lu');
    expect(fr).not.toContain('{{');
  });

  it('with nothing unread under "unread only" says so and offers to show all', () => {
    withAccounts([account()]);
    serverState(useActivityStore, { unreadOnly: true });
    const client = new QueryClient();
    client.setQueryData([...NOTIFICATIONS_KEY, 'acc_1:org_1', 'list', true], {
      pages: [{ items: [], total: 0, limit: 50, offset: 0, unread: 0 }],
      pageParams: [0],
    });
    const html = renderToStaticMarkup(
      h(
        MantineProvider,
        null,
        h(QueryClientProvider, { client }, h(I18nextProvider, { i18n }, h(PlatformNotifications))),
      ),
    );
    expect(html).toContain('Nothing unread: every notification has been read.');
    expect(html).toContain('Show all');
  });
});
