import { Badge, Button, Menu, Text } from '@mantine/core';
import { IconCheck, IconChevronDown, IconLogout, IconPlus, IconUserCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AccountView } from '../../../shared/ipc/platform-ipc';
import { notifyError } from '../notify-error';
import { activeAccount, activeMembership, usePlatformStore } from '../stores/platform-store';
import { useNavigationStore } from '../stores/navigation-store';

/** Where an account lives, in words: the local workspace or the platform's host. */
export function targetLabel(account: AccountView, localLabel: string): string {
  return account.target.kind === 'local' ? localLabel : new URL(account.target.url).host;
}

/** The header's account menu: who is signed in where, switch account or organisation, add an account, sign out. */
export function AccountSwitcher() {
  const { t } = useTranslation();
  const state = usePlatformStore((s) => s.state);
  const store = usePlatformStore.getState;
  const go = useNavigationStore((s) => s.go);
  if (state.status !== 'ready' || state.platform.accounts.length === 0) return null;
  const platform = state.platform;
  const active = activeAccount(platform);
  const membership = activeMembership(platform);
  const act = (action: () => Promise<void>) => void action().catch(notifyError);
  const local = t('platform.localWorkspace');
  const label = active
    ? `${active.email} · ${membership?.orgName ?? t('platform.signedOut')}`
    : t('platform.noActiveAccount');

  return (
    <Menu position="bottom-end" width={320}>
      <Menu.Target>
        <Button
          variant="subtle"
          leftSection={<IconUserCircle size={18} />}
          rightSection={<IconChevronDown size={14} />}
          aria-label={`${t('platform.accountMenu')}: ${label}`}
        >
          {/* Long e-mails and organisation names are cut short: the whole label is in the tooltip. */}
          <Text size="sm" truncate maw={280} title={label}>
            {label}
          </Text>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('platform.accounts')}</Menu.Label>
        {platform.accounts.map((account) => (
          <Menu.Item
            key={account.id}
            leftSection={
              account.id === platform.activeAccountId ? <IconCheck size={16} /> : <span style={{ width: 16 }} />
            }
            rightSection={
              account.signedIn ? null : (
                <Badge size="xs" variant="light" color="gray">
                  {t('platform.signedOut')}
                </Badge>
              )
            }
            onClick={() => act(() => store().switchAccount(account.id))}
          >
            <Text size="sm">{account.email}</Text>
            <Text size="xs" c="dimmed">
              {targetLabel(account, local)}
            </Text>
          </Menu.Item>
        ))}
        {active?.signedIn && active.memberships.length > 1 && (
          <>
            <Menu.Divider />
            <Menu.Label>{t('platform.organisations')}</Menu.Label>
            {active.memberships.map((m) => (
              <Menu.Item
                key={m.orgId}
                leftSection={m.orgId === active.orgId ? <IconCheck size={16} /> : <span style={{ width: 16 }} />}
                onClick={() => act(() => store().switchOrganisation(m.orgId))}
              >
                {m.orgName}
              </Menu.Item>
            ))}
          </>
        )}
        <Menu.Divider />
        <Menu.Item
          leftSection={<IconPlus size={16} />}
          onClick={() => {
            store().setAdding(true);
            go('organisation');
          }}
        >
          {t('platform.addAccount')}
        </Menu.Item>
        {active?.signedIn && (
          <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => act(() => store().signOut(active.id))}>
            {t('platform.signOut')}
          </Menu.Item>
        )}
        {active && !active.signedIn && (
          <Menu.Item color="red" onClick={() => act(() => store().removeAccount(active.id))}>
            {t('platform.removeAccount')}
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
