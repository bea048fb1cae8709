import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconSettings } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../../ipc-client';
import { LOCAL_WORKSPACE_KEY, LocalWorkspaceDialog } from './local-workspace-dialog';

/**
 * Says plainly where a local workspace's invitation links work: only on this computer, unless a public address that
 * leads here is set; opens the settings of that address and of the mail server.
 */
export function LocalWorkspaceNotice() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState(false);
  const settings = useQuery({ queryKey: LOCAL_WORKSPACE_KEY, queryFn: () => invoke('platform.localSettings', {}) });
  const listen = settings.data?.listenUrl ?? null;
  const port = listen === null ? '—' : new URL(listen).port;
  const publicUrl = settings.data?.publicUrl ?? null;
  return (
    <Alert
      color={publicUrl === null ? 'yellow' : 'blue'}
      title={t('invitations.localTitle')}
      data-testid="local-notice"
    >
      <Stack gap="xs">
        <Text size="sm">
          {publicUrl === null
            ? t('invitations.localOnly', { url: listen ?? t('invitations.localNotStarted'), port })
            : t('invitations.localPublic', { url: publicUrl, port })}
        </Text>
        <Group>
          <Button size="xs" variant="default" leftSection={<IconSettings size={14} />} onClick={() => setEditing(true)}>
            {t('invitations.localSettings')}
          </Button>
        </Group>
      </Stack>
      {editing && settings.data && <LocalWorkspaceDialog settings={settings.data} onClose={() => setEditing(false)} />}
    </Alert>
  );
}
