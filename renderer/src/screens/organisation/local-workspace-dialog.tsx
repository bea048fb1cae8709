import {
  Button,
  Checkbox,
  Divider,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalSmtp, LocalWorkspacePatch, LocalWorkspaceSettings } from '../../../../shared/ipc/platform-ipc';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { queryKeys } from '../../queries/query-keys';
import { ErrorAlert } from './error-alert';
import { OrgDialog } from './org-dialog';

/** The query key of the local workspace's settings (public URL, listening address, SMTP). */
export const LOCAL_WORKSPACE_KEY = ['localWorkspace'] as const;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SECURITIES: readonly LocalSmtp['security'][] = ['starttls', 'tls', 'opportunistic'];

/** Saves a change of the local workspace's settings; links and the outbox are read again (they may have changed). */
function useConfigure(onDone: (settings: LocalWorkspaceSettings, patch: LocalWorkspacePatch) => void) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (patch: LocalWorkspacePatch) => invoke('platform.configureLocal', patch),
    onSuccess: (settings, patch) => {
      client.setQueryData(LOCAL_WORKSPACE_KEY, settings);
      void client.invalidateQueries({ queryKey: queryKeys.invitations });
      onDone(settings, patch);
    },
  });
}

/** The public address put in invitation links (empty: the listening address, this computer only). */
function PublicUrlForm({ settings }: { readonly settings: LocalWorkspaceSettings }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState(settings.publicUrl ?? '');
  const save = useConfigure((next) =>
    notifications.show({
      color: 'green',
      message: next.publicUrl
        ? t('invitations.publicUrlSaved', { url: next.publicUrl })
        : t('invitations.publicUrlCleared'),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate({ publicUrl: url.trim() === '' ? null : url.trim() });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Title order={4}>{t('invitations.publicUrlTitle')}</Title>
        <TextInput
          label={t('invitations.publicUrl')}
          description={t('invitations.publicUrlHelp', { url: settings.listenUrl ?? t('invitations.localNotStarted') })}
          placeholder="https://ferry.example.org"
          value={url}
          onChange={(event) => setUrl(event.currentTarget.value)}
          data-autofocus
        />
        <ErrorAlert error={save.error ? errorMessage(save.error) : null} />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            {t('invitations.publicUrlSave')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The mail server of the local workspace's invitation e-mails; the password goes to the keychain. */
function SmtpForm({ settings }: { readonly settings: LocalWorkspaceSettings }) {
  const { t } = useTranslation();
  const current = settings.smtp;
  const [host, setHost] = useState(current?.host ?? '');
  const [port, setPort] = useState<number | string>(current?.port ?? 587);
  const [security, setSecurity] = useState<LocalSmtp['security']>(current?.security ?? 'starttls');
  const [user, setUser] = useState(current?.user ?? '');
  const [password, setPassword] = useState('');
  const [forget, setForget] = useState(false);
  const [from, setFrom] = useState(current?.from ?? '');
  const [invalid, setInvalid] = useState(false);
  const save = useConfigure((next) =>
    notifications.show({
      color: 'green',
      message: next.smtp ? t('invitations.smtpSaved', { host: next.smtp.host }) : t('invitations.smtpRemoved'),
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const portNumber = typeof port === 'number' ? port : Number(port);
    const ok = host.trim() !== '' && Number.isInteger(portNumber) && portNumber >= 1 && portNumber <= 65535;
    setInvalid(!ok || !EMAIL.test(from.trim()));
    if (!ok || !EMAIL.test(from.trim())) return;
    save.mutate({
      smtp: {
        host: host.trim(),
        port: portNumber,
        security,
        user: user.trim(),
        from: from.trim(),
        ...(password !== '' ? { password } : forget ? { password: null } : {}),
      },
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Title order={4}>{t('invitations.smtpTitle')}</Title>
        <Text size="sm">{settings.smtpFixed ? t('invitations.smtpFixed') : t('invitations.smtpIntro')}</Text>
        <Group grow align="flex-start">
          <TextInput
            label={t('invitations.smtpHost')}
            required
            value={host}
            onChange={(e) => setHost(e.currentTarget.value)}
          />
          <NumberInput
            label={t('invitations.smtpPort')}
            required
            min={1}
            max={65535}
            allowDecimal={false}
            value={port}
            onChange={setPort}
            maw={120}
          />
        </Group>
        <Select
          label={t('invitations.smtpSecurity')}
          data={SECURITIES.map((s) => ({ value: s, label: t(`invitations.security.${s}`) }))}
          value={security}
          onChange={(value) => value && setSecurity(value as LocalSmtp['security'])}
          allowDeselect={false}
        />
        <TextInput
          label={t('invitations.smtpUser')}
          description={t('invitations.smtpUserHelp')}
          autoComplete="off"
          value={user}
          onChange={(e) => setUser(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('invitations.smtpPassword')}
          description={current?.hasPassword ? t('invitations.smtpPasswordKept') : undefined}
          autoComplete="new-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        {current?.hasPassword && (
          <Checkbox
            label={t('invitations.smtpPasswordClear')}
            checked={forget}
            onChange={(e) => setForget(e.currentTarget.checked)}
          />
        )}
        <TextInput
          label={t('invitations.smtpFrom')}
          type="email"
          required
          placeholder="ferry@example.org"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
        />
        <ErrorAlert error={invalid ? t('invitations.smtpRequired') : save.error ? errorMessage(save.error) : null} />
        <Group justify="flex-end">
          {current && (
            <Button variant="default" color="red" loading={save.isPending} onClick={() => save.mutate({ smtp: null })}>
              {t('invitations.smtpRemove')}
            </Button>
          )}
          <Button type="submit" loading={save.isPending}>
            {t('invitations.smtpSave')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The local workspace's public address and mail server; saving restarts it for a moment. */
export function LocalWorkspaceDialog({
  settings,
  onClose,
}: {
  readonly settings: LocalWorkspaceSettings;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <OrgDialog title={t('invitations.settingsTitle')} onClose={onClose} closeOnClickOutside={false}>
      <Stack gap="lg">
        <Text size="sm" c="dimmed">
          {t('invitations.restartNote')}
        </Text>
        <PublicUrlForm settings={settings} />
        <Divider />
        <SmtpForm settings={settings} />
      </Stack>
    </OrgDialog>
  );
}
