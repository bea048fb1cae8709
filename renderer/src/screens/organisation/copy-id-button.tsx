import { ActionIcon, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A small button copying an ID, named after what the ID is of; a check mark once copied. */
export function CopyIdButton({ id, name }: { readonly id: string; readonly name: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const label = t('organisation.copyId', { name });
  return (
    <Tooltip label={copied ? t('organisation.copied') : label}>
      <ActionIcon
        variant="subtle"
        size="sm"
        aria-label={label}
        data-copied={copied || undefined}
        onClick={(event) => {
          // Inside a row: copying opens nothing.
          event.stopPropagation();
          navigator.clipboard.writeText(id).then(
            () => setCopied(true),
            () => notifications.show({ color: 'red', message: t('organisation.copyFailed') }),
          );
        }}
      >
        {copied ? <IconCheck size={14} aria-hidden /> : <IconCopy size={14} aria-hidden />}
      </ActionIcon>
    </Tooltip>
  );
}
