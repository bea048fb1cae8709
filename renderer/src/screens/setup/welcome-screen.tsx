import {
  Alert,
  Button,
  Card,
  Center,
  Group,
  Loader,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { InvitationPreview } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { useJoinLinkStore } from '../../stores/join-link-store';
import { usePlatformStore } from '../../stores/platform-store';

type Mode = 'setup' | 'signIn' | 'join';

// Mantine's yellow title text misses AA contrast on its light background: warnings keep the body's text colour.
const WARNING_TITLE = { title: { color: 'var(--mantine-color-text)' } };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MIN_PASSWORD = 10;

/** Runs a form action, keeping its error (translated) for the form to show. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    action()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };
  return { busy, error, setError, run };
}

function FormError({ error }: { readonly error: string | null }) {
  return error ? (
    <Alert color="red" role="alert">
      {error}
    </Alert>
  ) : null;
}

/** First run: create the local workspace's organisation and its admin. */
function SetupForm() {
  const { t } = useTranslation();
  const setupLocal = usePlatformStore((s) => s.setupLocal);
  const { busy, error, setError, run } = useAction();
  const [organisationName, setOrganisationName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!organisationName.trim() || !name.trim()) return setError(t('setup.errors.required'));
    if (!EMAIL.test(email.trim())) return setError(t('setup.errors.email'));
    if (password.length < MIN_PASSWORD) return setError(t('setup.errors.passwordLength', { count: MIN_PASSWORD }));
    if (password !== confirm) return setError(t('setup.errors.passwordMatch'));
    run(() =>
      setupLocal({ organisationName: organisationName.trim(), name: name.trim(), email: email.trim(), password }),
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Text size="sm">{t('setup.setupIntro')}</Text>
        <TextInput
          label={t('setup.organisationName')}
          required
          value={organisationName}
          onChange={(e) => setOrganisationName(e.currentTarget.value)}
        />
        <TextInput label={t('setup.yourName')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput
          label={t('setup.email')}
          type="email"
          required
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('setup.password')}
          description={t('setup.passwordHelp', { count: MIN_PASSWORD })}
          required
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('setup.confirmPassword')}
          required
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t('setup.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Sign in to the local workspace or to a shared platform by URL. */
function SignInForm({ localReady }: { readonly localReady: boolean }) {
  const { t } = useTranslation();
  const signIn = usePlatformStore((s) => s.signIn);
  const { busy, error, setError, run } = useAction();
  const [where, setWhere] = useState<'local' | 'remote'>(localReady ? 'local' : 'remote');
  const [url, setUrl] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (where === 'remote' && !url.trim()) return setError(t('setup.errors.url'));
    if (!EMAIL.test(email.trim())) return setError(t('setup.errors.email'));
    if (!password) return setError(t('setup.errors.required'));
    const target = where === 'local' ? ({ kind: 'local' } as const) : ({ kind: 'remote', url: url.trim() } as const);
    run(() => signIn({ target, email: email.trim(), password }));
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <div>
          <Text component="label" id="signin-where" fw={500} size="sm">
            {t('setup.where')}
          </Text>
          <SegmentedControl
            aria-labelledby="signin-where"
            fullWidth
            value={where}
            onChange={(value) => setWhere(value as 'local' | 'remote')}
            data={[
              { value: 'local', label: t('setup.local') },
              { value: 'remote', label: t('setup.remote') },
            ]}
          />
        </div>
        {where === 'remote' && (
          <TextInput
            label={t('setup.url')}
            description={t('setup.urlHelp')}
            placeholder="https://ferry.example.org"
            required
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
          />
        )}
        <TextInput
          label={t('setup.email')}
          type="email"
          required
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('setup.password')}
          required
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            {t('setup.signIn')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Join an organisation with an invitation link: check it, then choose a name and a password. A link brought by a
 * ferry://join deep link (`initialLink`) is filled in and checked at once.
 */
function JoinForm({ initialLink }: { readonly initialLink: string | null }) {
  const { t } = useTranslation();
  const acceptInvitation = usePlatformStore((s) => s.acceptInvitation);
  const { busy, error, setError, run } = useAction();
  const [link, setLink] = useState(initialLink ?? '');
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  useEffect(() => {
    if (initialLink) run(async () => setPreview(await invoke('platform.previewInvitation', { link: initialLink })));
    // Once per link: the form is keyed by it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [initialLink]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const check = (event: FormEvent) => {
    event.preventDefault();
    if (!link.trim()) return setError(t('setup.errors.link'));
    run(async () => setPreview(await invoke('platform.previewInvitation', { link: link.trim() })));
  };
  const join = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return setError(t('setup.errors.required'));
    if (password.length < MIN_PASSWORD) return setError(t('setup.errors.passwordLength', { count: MIN_PASSWORD }));
    run(() => acceptInvitation({ link: link.trim(), name: name.trim() || preview?.email || '-', password }));
  };
  if (!preview) {
    return (
      <form onSubmit={check} noValidate>
        <Stack gap="sm">
          <TextInput
            label={t('setup.invitationLink')}
            description={t('setup.invitationLinkHelp')}
            required
            value={link}
            onChange={(e) => setLink(e.currentTarget.value)}
          />
          <FormError error={error} />
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              {t('setup.checkLink')}
            </Button>
          </Group>
        </Stack>
      </form>
    );
  }
  return (
    <form onSubmit={join} noValidate>
      <Stack gap="sm">
        <Alert color="blue">
          {t('setup.invitationPreview', {
            organisation: preview.organisationName,
            email: preview.email,
            role: t(`organisation.roles.${preview.role}`),
          })}
        </Alert>
        <TextInput label={t('setup.yourName')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        {/* The preview does not say whether the address has an account: one password field serves both cases. */}
        <PasswordInput
          label={t('setup.password')}
          description={t('setup.joinPasswordHelp', { count: MIN_PASSWORD })}
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <FormError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={() => setPreview(null)}>
            {t('setup.back')}
          </Button>
          <Button type="submit" loading={busy}>
            {t('setup.join')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

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
