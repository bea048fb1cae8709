import {
  Alert,
  type CSSVariablesResolver,
  Center,
  Loader,
  MantineProvider,
  NavLink,
  Notification,
  createTheme,
} from '@mantine/core';
import { useColorScheme } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { Screen } from '../../shared/screens';
import { resolveLanguage } from '../../shared/settings';
import { AppFrame } from './frame/app-frame';
import { applyLanguage, i18n } from './i18n/i18n';
import { createQueryClient } from './queries/query-client';
import { AcquisitionsScreen } from './screens/acquisitions/acquisitions-screen';
import { ActivityScreen } from './screens/activity/activity-screen';
import { BrowserScreen } from './screens/browser/browser-screen';
import { CatalogScreen } from './screens/catalog/catalog-screen';
import { ConnectorsScreen } from './screens/connectors/connectors-screen';
import { OffersScreen } from './screens/offers/offers-screen';
import { OrganisationScreen } from './screens/organisation/organisation-screen';
import { SettingsScreen } from './screens/settings-screen';
import { TransfersScreen } from './screens/transfers/transfers-screen';
import { useJoinLinkStore } from './stores/join-link-store';
import { useNavigationStore } from './stores/navigation-store';
import { usePlatformStore } from './stores/platform-store';
import { useSettingsStore } from './stores/settings-store';

// Shade 8 keeps white text on filled buttons above WCAG AA contrast (shade 6, Mantine's default, is 3.5:1).
// A notification's close button is an icon: it gets a name in the UI language (dialogs name their own).
function themeFor(closeLabel: string) {
  return createTheme({
    primaryColor: 'blue',
    primaryShade: { light: 8, dark: 8 },
    defaultRadius: 'md',
    components: {
      // Tinted alert titles miss WCAG AA on their tinted background: titles use the text colour.
      Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' } } }),
      // The active entry is filled (white on the primary shade), readable also under the pointer.
      NavLink: NavLink.extend({ defaultProps: { variant: 'filled' } }),
      Notification: Notification.extend({ defaultProps: { closeButtonProps: { 'aria-label': closeLabel } } }),
    },
  });
}

// Mantine's default "dimmed" grey and error red miss WCAG AA on small text; use stronger shades in each scheme.
const contrastVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7]!, '--mantine-color-error': t.colors.red[9]! },
  dark: { '--mantine-color-dimmed': t.colors.dark[1]!, '--mantine-color-error': t.colors.red[4]! },
});

// One cache for the renderer's lifetime: platform state read through main (lists, details) and its mutations.
const queryClient = createQueryClient();

function CurrentScreen({ screen }: { readonly screen: Screen }) {
  const state = useSettingsStore((s) => s.state);
  if (state.status !== 'ready') return null;
  switch (screen) {
    case 'organisation':
      return <OrganisationScreen />;
    case 'transfers':
      return <TransfersScreen />;
    case 'connectors':
      return <ConnectorsScreen />;
    case 'browser':
      return <BrowserScreen />;
    case 'activity':
      return <ActivityScreen />;
    case 'offers':
      return <OffersScreen />;
    case 'catalog':
      return <CatalogScreen />;
    case 'acquisitions':
      return <AcquisitionsScreen />;
    case 'settings':
      return <SettingsScreen settings={state.settings} info={state.info} />;
    default:
      // Screens not built yet are disabled in the navigation and never selected.
      return null;
  }
}

function Shell() {
  const { t } = useTranslation();
  const state = useSettingsStore((s) => s.state);
  const screen = useNavigationStore((s) => s.screen);
  if (state.status === 'loading') {
    return (
      <Center h="100vh" aria-busy="true">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (state.status === 'failed') {
    return (
      <Center h="100vh" p="xl">
        <Alert color="red" title={t('errors.title')} role="alert" maw={520}>
          {t('errors.loadFailed')}
        </Alert>
      </Center>
    );
  }
  return (
    <AppFrame>
      <CurrentScreen screen={screen} />
    </AppFrame>
  );
}

/** The renderer's root: theme and language follow the settings, main's events drive navigation. */
export function App() {
  const state = useSettingsStore((s) => s.state);
  const osScheme = useColorScheme('light', { getInitialValueInEffect: false });
  const settings = state.status === 'ready' ? state.settings : undefined;
  const locale = state.status === 'ready' ? state.info.locale : navigator.language;
  const scheme = !settings || settings.theme === 'system' ? osScheme : settings.theme;
  const language = resolveLanguage(settings?.language ?? 'system', locale);
  const theme = useMemo(() => themeFor(i18n.t('app.closeNotification', { lng: language })), [language]);

  useEffect(() => {
    void useSettingsStore.getState().load();
    void usePlatformStore.getState().load();
    const stopNavigation = useNavigationStore.getState().listen();
    const stopJoin = useJoinLinkStore.getState().listen();
    return () => {
      stopNavigation();
      stopJoin();
    };
  }, []);
  useEffect(() => {
    void applyLanguage(language);
  }, [language]);

  return (
    <I18nextProvider i18n={i18n}>
      <MantineProvider theme={theme} forceColorScheme={scheme} cssVariablesResolver={contrastVariables}>
        <Notifications position="bottom-right" />
        <QueryClientProvider client={queryClient}>
          <Shell />
        </QueryClientProvider>
      </MantineProvider>
    </I18nextProvider>
  );
}
