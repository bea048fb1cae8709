import { Alert, Button, Card, Center, Group, Loader, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { useJoinLinkStore } from '../../stores/join-link-store';
import { usePlatformStore } from '../../stores/platform-store';
import { JoinForm } from './join-form';
import { SetupForm } from './setup-form';
import { SignInForm } from './sign-in-form';

type Mode = 'setup' | 'signIn' | 'join';

// Mantine's yellow title text misses AA contrast on its light background: warnings keep the body's text colour.
const WARNING_TITLE = { title: { color: 'var(--mantine-color-text)' } };

/**
 * The first-run and sign-in screen: create the local workspace (when it has no organisation yet), sign in to it
 * or to a shared platform, or join with an invitation link.
 */
export function WelcomeScreen() {
  const { t } = useTranslation();
  const adding = usePlatformStore((s) => s.adding);
  const setAdding = usePlatformStore((s) => s.setAdding);
  const backend = usePlatformStore((s) => (s.state.status === 'ready' ? s.state.platform.secretsBackend : 'keychain'));
  const [local, setLocal] = useState<
    { status: 'loading' } | { status: 'ready'; setupRequired: boolean } | { status: 'failed'; message: string }
  >({
    status: 'loading',
  });
  // An invitation link from a ferry://join deep link opens the join form on it (now, or when one arrives later).
  const [prefill, setPrefill] = useState<string | null>(() => useJoinLinkStore.getState().link);
  const [mode, setMode] = useState<Mode>(prefill ? 'join' : 'setup');
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    useJoinLinkStore.getState().take();
    return useJoinLinkStore.subscribe(({ link }) => {
      if (link === null) return;
      setPrefill(useJoinLinkStore.getState().take());
      setMode('join');
    });
  }, []);

  useEffect(() => {
    let live = true;
    invoke('platform.localStatus', {})
      .then(({ setupRequired }) => {
        if (!live) return;
        setLocal({ status: 'ready', setupRequired });
        setMode((current) => (current === 'join' ? 'join' : setupRequired ? 'setup' : 'signIn'));
      })
      .catch((error: unknown) => {
        if (!live) return;
        setLocal({ status: 'failed', message: errorMessage(error) });
        setMode((current) => (current === 'join' ? 'join' : 'signIn'));
      });
    return () => {
      live = false;
    };
  }, [attempt]);

  const modes: Mode[] =
    local.status === 'ready' && local.setupRequired ? ['setup', 'signIn', 'join'] : ['signIn', 'join'];
  return (
    <Center py="xl">
      <Stack maw={560} w="100%" gap="md">
        <Title order={2}>{adding ? t('setup.addTitle') : t('setup.title')}</Title>
        <Text c="dimmed">{t('setup.intro')}</Text>
        {backend === 'session' && (
          <Alert color="yellow" title={t('setup.noKeychainTitle')} styles={WARNING_TITLE}>
            {t('setup.noKeychain')}
          </Alert>
        )}
        {local.status === 'loading' ? (
          <Group gap="sm" aria-busy="true">
            <Loader size="sm" aria-label={t('setup.starting')} />
            <Text>{t('setup.starting')}</Text>
          </Group>
        ) : (
          <>
            {local.status === 'failed' && (
              <Alert color="red" role="alert" title={t('setup.localFailed')}>
                <Stack gap="xs">
                  <Text size="sm">{local.message}</Text>
                  <Group>
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() => {
                        setLocal({ status: 'loading' });
                        setAttempt((n) => n + 1);
                      }}
                    >
                      {t('setup.retry')}
                    </Button>
                  </Group>
                </Stack>
              </Alert>
            )}
            <SegmentedControl
              aria-label={t('setup.modeLabel')}
              value={mode}
              onChange={(value) => setMode(value as Mode)}
              data={modes.map((m) => ({ value: m, label: t(`setup.modes.${m}`) }))}
            />
            <Card withBorder padding="lg">
              {mode === 'setup' ? (
                <SetupForm />
              ) : mode === 'signIn' ? (
                <SignInForm localReady={local.status === 'ready' && !local.setupRequired} />
              ) : (
                <JoinForm key={prefill ?? ''} initialLink={prefill} />
              )}
            </Card>
          </>
        )}
        {adding && (
          <Group>
            <Button variant="subtle" onClick={() => setAdding(false)}>
              {t('setup.cancel')}
            </Button>
          </Group>
        )}
      </Stack>
    </Center>
  );
}
