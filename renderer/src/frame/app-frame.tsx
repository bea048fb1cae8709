import { AppShell, Group, NavLink, Text, Title } from '@mantine/core';
import {
  IconActivity,
  IconArrowsTransferUpDown,
  IconBuilding,
  IconBuildingStore,
  IconDownload,
  IconFolders,
  IconPackage,
  IconPlugConnected,
  IconSettings,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { AVAILABLE_SCREENS, SCREENS, type Screen } from '../../../shared/screens';
import { useNavigationStore } from '../stores/navigation-store';
import { AccountSwitcher } from './account-switcher';

const ICONS: Readonly<Record<Screen, ReactNode>> = {
  organisation: <IconBuilding size={18} stroke={1.6} />,
  connectors: <IconPlugConnected size={18} stroke={1.6} />,
  browser: <IconFolders size={18} stroke={1.6} />,
  offers: <IconPackage size={18} stroke={1.6} />,
  catalog: <IconBuildingStore size={18} stroke={1.6} />,
  acquisitions: <IconDownload size={18} stroke={1.6} />,
  transfers: <IconArrowsTransferUpDown size={18} stroke={1.6} />,
  activity: <IconActivity size={18} stroke={1.6} />,
  settings: <IconSettings size={18} stroke={1.6} />,
};

/** The window's frame: navigation for every screen (unbuilt ones disabled) and the current screen. */
export function AppFrame({ children }: { readonly children: ReactNode }) {
  const { t } = useTranslation();
  const screen = useNavigationStore((s) => s.screen);
  const go = useNavigationStore((s) => s.go);

  return (
    <AppShell navbar={{ width: 230, breakpoint: 0 }} header={{ height: 52 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" gap="xs" justify="space-between">
          <Title order={1} size="h4">
            {t('app.name')}
          </Title>
          <AccountSwitcher />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.label')}>
        {SCREENS.map((s) => {
          const available = AVAILABLE_SCREENS.has(s);
          return (
            <NavLink
              key={s}
              component="button"
              label={t(`nav.${s}`)}
              leftSection={ICONS[s]}
              active={s === screen}
              aria-current={s === screen ? 'page' : undefined}
              disabled={!available}
              aria-disabled={!available || undefined}
              onClick={() => go(s)}
            />
          );
        })}
        <Text size="xs" c="dimmed" px="sm" mt="md">
          {t('nav.comingSoon')}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
