import { ActionIcon, AppShell, Badge, Box, Group, Indicator, NavLink, Text, Title, Tooltip } from '@mantine/core';
import {
  IconActivity,
  IconArrowsTransferUpDown,
  IconBuilding,
  IconBuildingStore,
  IconDownload,
  IconFolders,
  IconLayoutSidebarLeftCollapse,
  IconLayoutSidebarLeftExpand,
  IconPackage,
  IconPlugConnected,
  IconSettings,
} from '@tabler/icons-react';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { AVAILABLE_SCREENS, SCREENS, type Screen } from '../../../shared/screens';
import { useUnreadNotificationCount } from '../screens/activity/use-platform-notifications';
import { useNavigationStore } from '../stores/navigation-store';
import { AccountSwitcher } from './account-switcher';
import { installFocusReturn } from './focus-return';
import { useFoldPreference } from './use-fold-preference';

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

const NAV_ID = 'app-navigation';
const WIDE = 230;
const ICONS_ONLY = 64;

// Icons only: the label moves to aria-label and a tooltip, the icon is centred.
const ICON_ONLY_STYLES = {
  root: { justifyContent: 'center' },
  section: { marginInlineEnd: 0 },
  body: { display: 'none' },
} as const;

// A count past this shows as "99+": the badge stays small.
const MAX_SHOWN = 99;

/**
 * One navigation entry: its name beside the icon, or the icon alone with the name as aria-label and tooltip. An
 * `unread` count above zero shows as a badge (on the icon when folded) and is part of the entry's accessible name.
 */
export function NavEntry({
  screen,
  folded,
  available,
  unread = null,
}: {
  readonly screen: Screen;
  readonly folded: boolean;
  readonly available: boolean;
  readonly unread?: number | null;
}) {
  const { t } = useTranslation();
  const current = useNavigationStore((s) => s.screen);
  const go = useNavigationStore((s) => s.go);
  const name = t(`nav.${screen}`);
  const count = unread !== null && unread > 0 ? unread : null;
  const shown = count !== null && count > MAX_SHOWN ? `${MAX_SHOWN}+` : String(count);
  const accessibleName = count === null ? name : t('nav.unread', { name, count });
  // The badge is drawn only: the count is read in the entry's name.
  const icon =
    count !== null && folded ? (
      <Indicator label={shown} size={16} color="red" offset={2} aria-hidden data-testid="nav-unread-badge">
        {ICONS[screen]}
      </Indicator>
    ) : (
      ICONS[screen]
    );
  const badge =
    count !== null && !folded ? (
      <Badge
        size="sm"
        color="red"
        variant="filled"
        circle={shown.length < 3}
        aria-hidden
        data-testid="nav-unread-badge"
      >
        {shown}
      </Badge>
    ) : undefined;
  // NavLink only marks a disabled entry (data-disabled: dimmed, no pointer events); tabIndex -1 takes it out of Tab.
  const link = (
    <NavLink
      component="button"
      label={folded ? undefined : name}
      aria-label={folded || count !== null ? accessibleName : undefined}
      leftSection={icon}
      rightSection={badge}
      active={screen === current}
      aria-current={screen === current ? 'page' : undefined}
      disabled={!available}
      aria-disabled={!available || undefined}
      tabIndex={available ? undefined : -1}
      styles={folded ? ICON_ONLY_STYLES : undefined}
      onClick={() => go(screen)}
    />
  );
  if (!folded) return link;
  return (
    <Tooltip label={available ? name : t('layout.comingSoon', { name })} position="right" withArrow openDelay={150}>
      {/* The wrapper takes the pointer for the tooltip: a disabled entry has no pointer events. */}
      <Box>{link}</Box>
    </Tooltip>
  );
}

/**
 * The window's frame: navigation for every screen (unbuilt ones disabled and out of the tab order), folded to icons
 * below 1100 px or when the user chose it, and the current screen. Focus returns to a dialog's opener on close.
 */
export function AppFrame({ children }: { readonly children: ReactNode }) {
  const { t } = useTranslation();
  const [folded, toggle] = useFoldPreference('nav-folded');
  useEffect(() => installFocusReturn(), []);
  const toggleLabel = folded ? t('layout.expandNav') : t('layout.collapseNav');
  const unread = useUnreadNotificationCount();

  return (
    <AppShell navbar={{ width: folded ? ICONS_ONLY : WIDE, breakpoint: 0 }} header={{ height: 52 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" gap="xs" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={toggleLabel} position="bottom-start">
              <ActionIcon
                variant="subtle"
                color="gray"
                size="lg"
                aria-label={toggleLabel}
                aria-expanded={!folded}
                aria-controls={NAV_ID}
                onClick={toggle}
              >
                {folded ? <IconLayoutSidebarLeftExpand size={20} /> : <IconLayoutSidebarLeftCollapse size={20} />}
              </ActionIcon>
            </Tooltip>
            <Title order={1} size="h4">
              {t('app.name')}
            </Title>
          </Group>
          <AccountSwitcher />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        component="nav"
        id={NAV_ID}
        aria-label={t('nav.label')}
        data-folded={folded || undefined}
        style={{ overflowY: 'auto' }}
      >
        {SCREENS.map((s) => (
          <NavEntry
            key={s}
            screen={s}
            folded={folded}
            available={AVAILABLE_SCREENS.has(s)}
            unread={s === 'activity' ? unread : null}
          />
        ))}
        {!folded && SCREENS.some((s) => !AVAILABLE_SCREENS.has(s)) && (
          <Text size="xs" c="dimmed" px="sm" mt="md">
            {t('nav.comingSoon')}
          </Text>
        )}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
