import { Button, Group, Text } from '@mantine/core';
import { IconArrowUp, IconFolder } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';

/** How many subfolders are offered as buttons (a long listing is typed instead). */
const MAX_SHOWN = 30;

/**
 * The subfolders of an organisation connector's folder, read through the platform (it holds the credentials), as
 * buttons that pick one; "up" goes to the parent. Typing in the folder field stays possible.
 */
export function FolderChoices({
  connectorId,
  folder,
  onPick,
}: {
  readonly connectorId: string;
  readonly folder: string;
  readonly onPick: (folder: string) => void;
}) {
  const { t } = useTranslation();
  const path = folder.trim().replace(/^\/+|\/+$/g, '');
  const entries = useQuery({
    queryKey: ['orgConnectors', connectorId, 'entries', path],
    queryFn: () => invoke('orgConnectors.entries', { params: { connectorId }, query: { path, limit: 200 } }),
    retry: false,
  });
  if (entries.error) {
    return (
      <Text size="sm" c="dimmed">
        {t('acquisitions.deliver.foldersUnreadable', { reason: errorMessage(entries.error) })}
      </Text>
    );
  }
  const folders = (entries.data?.entries ?? []).filter((e) => e.type === 'directory').slice(0, MAX_SHOWN);
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  return (
    <Group gap="xs" aria-label={t('acquisitions.deliver.subfolders')} role="group">
      {path !== '' && (
        <Button
          size="compact-sm"
          variant="subtle"
          leftSection={<IconArrowUp size={14} />}
          onClick={() => onPick(parent)}
        >
          {t('acquisitions.deliver.up')}
        </Button>
      )}
      {folders.map((entry) => (
        <Button
          key={entry.path}
          size="compact-sm"
          variant="light"
          leftSection={<IconFolder size={14} />}
          onClick={() => onPick(path === '' ? entry.name : `${path}/${entry.name}`)}
        >
          {entry.name}
        </Button>
      ))}
      {entries.data && folders.length === 0 && (
        <Text size="sm" c="dimmed">
          {t('acquisitions.deliver.noSubfolder')}
        </Text>
      )}
    </Group>
  );
}
