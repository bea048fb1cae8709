import { Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { IconFile, IconFolder } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrowserEntry } from '../../../../shared/ipc/browser-ipc';

/** Names listed in the dialog; the rest are counted. */
const LISTED = 8;

/** Confirms a delete, naming what goes (folders with their contents); the dialog closes once `onConfirm` resolved. */
export function DeleteDialog({
  entries,
  place,
  onConfirm,
  onClose,
}: {
  readonly entries: readonly Pick<BrowserEntry, 'name' | 'path' | 'type'>[];
  readonly place: string;
  readonly onConfirm: () => Promise<void>;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const rest = entries.length - LISTED;
  return (
    <Modal
      opened
      onClose={onClose}
      title={t('browser.manage.deleteDialog.title', { count: entries.length })}
      closeButtonProps={{ 'aria-label': t('browser.manage.close') }}
    >
      <Stack gap="md">
        <Text size="sm">{t('browser.manage.deleteDialog.intro', { place })}</Text>
        <List spacing={4} size="sm" data-testid="delete-list" listStyleType="none">
          {entries.slice(0, LISTED).map((e) => (
            <List.Item
              key={e.path}
              icon={e.type === 'directory' ? <IconFolder size={16} aria-hidden /> : <IconFile size={16} aria-hidden />}
            >
              <Text size="sm" fw={600} style={{ wordBreak: 'break-all' }}>
                {e.name}
              </Text>
            </List.Item>
          ))}
          {rest > 0 && <List.Item>{t('browser.manage.deleteDialog.more', { count: rest })}</List.Item>}
        </List>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            {t('browser.manage.deleteDialog.cancel')}
          </Button>
          <Button
            color="red.8"
            loading={busy}
            onClick={() => {
              setBusy(true);
              onConfirm().then(onClose, () => setBusy(false));
            }}
          >
            {t('browser.manage.deleteDialog.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
