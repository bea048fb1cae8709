import { Alert, Button, Center, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconBuilding, IconHistory, IconKey, IconMail, IconPlugConnected, IconUsers } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigationStore } from '../../stores/navigation-store';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { ORGANISATION_DOMAINS, queryKeys } from '../../queries/query-keys';
import { activeAccount, activeMembership, usePlatformStore } from '../../stores/platform-store';
import { OrgConnectorsTab } from '../org-connectors/org-connectors-tab';
import { WelcomeScreen } from '../setup/welcome-screen';
import { ApiKeysTab } from './api-keys-tab';
import { AuditTab } from './audit-tab';
import { GeneralTab } from './general-tab';
import { InvitationsTab } from './invitations-tab';
import { MembersTab } from './members-tab';

/** The organisation's tabs in order; invitations, API keys and the audit log are for admins. */
const TABS = [
  { value: 'general', Icon: IconBuilding, adminOnly: false },
  { value: 'members', Icon: IconUsers, adminOnly: false },
  { value: 'connectors', Icon: IconPlugConnected, adminOnly: false },
  { value: 'invitations', Icon: IconMail, adminOnly: true },
  { value: 'apiKeys', Icon: IconKey, adminOnly: true },
  { value: 'audit', Icon: IconHistory, adminOnly: true },
] as const;

/** The signed-in organisation: General, Members, and for admins Invitations, API keys and the audit log. */
function OrganisationTabs({ orgId, email }: { readonly orgId: string; readonly email: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const orgKey = [...queryKeys.organisation, orgId] as const;
  const loaded = useQuery({ queryKey: orgKey, queryFn: () => invoke('organisation.get', {}) });
  // A link may ask for a tab (a connector notification opens Connectors; the screen mounts anew on each visit).
  const [tab, setTab] = useState<string | null>(() => useNavigationStore.getState().tab ?? 'general');
  // The cache is this organisation's: leaving it (another account or organisation, another screen) drops it.
  useEffect(
    () => () => {
      for (const domain of ORGANISATION_DOMAINS) client.removeQueries({ queryKey: queryKeys[domain] });
    },
    [client],
  );

  if (loaded.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (loaded.isError) {
    return (
      <Alert color="red" role="alert" title={t('organisation.loadFailed')}>
        <Stack gap="xs">
          <Text size="sm">{errorMessage(loaded.error)}</Text>
          <Group>
            <Button size="xs" variant="default" onClick={() => void client.resetQueries({ queryKey: orgKey })}>
              {t('setup.retry')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  const admin = loaded.data.role === 'admin';
  const current = !admin && tab !== 'general' && tab !== 'members' && tab !== 'connectors' ? 'general' : tab;
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>{loaded.data.organisation.name}</Title>
        <Text c="dimmed" size="sm">
          {t('organisation.signedInAs', { email, role: t(`organisation.roles.${loaded.data.role}`) })}
        </Text>
      </div>
      {!admin && <Alert color="blue">{t('organisation.notAdmin')}</Alert>}
      <Tabs value={current} onChange={setTab} keepMounted={false}>
        <Tabs.List>
          {TABS.filter((tab) => admin || !tab.adminOnly).map(({ value, Icon }) => (
            <Tabs.Tab key={value} value={value} leftSection={<Icon size={16} />}>
              {t(`organisation.tabs.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="general" pt="md">
          <GeneralTab
            organisation={loaded.data.organisation}
            role={loaded.data.role}
            onRenamed={(organisation) => {
              client.setQueryData(orgKey, { ...loaded.data, organisation });
              void usePlatformStore
                .getState()
                .refresh()
                .catch(() => undefined);
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <MembersTab admin={admin} myUserEmail={email} />
        </Tabs.Panel>
        <Tabs.Panel value="connectors" pt="md">
          <OrgConnectorsTab role={loaded.data.role} />
        </Tabs.Panel>
        {admin && (
          <>
            <Tabs.Panel value="invitations" pt="md">
              <InvitationsTab />
            </Tabs.Panel>
            <Tabs.Panel value="apiKeys" pt="md">
              <ApiKeysTab />
            </Tabs.Panel>
            <Tabs.Panel value="audit" pt="md">
              <AuditTab />
            </Tabs.Panel>
          </>
        )}
      </Tabs>
    </Stack>
  );
}

/**
 * The Organisation screen: the welcome screen (first-run setup, sign in, join) when no account is signed in or one
 * is being added, else the active organisation's tabs.
 */
export function OrganisationScreen() {
  const { t } = useTranslation();
  const state = usePlatformStore((s) => s.state);
  const adding = usePlatformStore((s) => s.adding);
  if (state.status === 'loading') {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (state.status === 'failed') {
    return (
      <Alert color="red" role="alert">
        {errorMessage(state.error)}
      </Alert>
    );
  }
  const account = activeAccount(state.platform);
  const membership = activeMembership(state.platform);
  if (adding || !account || !membership) return <WelcomeScreen />;
  return <OrganisationTabs key={`${account.id}:${membership.orgId}`} orgId={membership.orgId} email={account.email} />;
}
