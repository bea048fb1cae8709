import { ActionIcon, Code, Group, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A value shown in full and selectable, with a button that copies it (and says when copying is not possible). */
export function CopyField({ value, label }: { readonly value: string; readonly label: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = () => {
    navigator.clipboard.writeText(value).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <div>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code
          block
          style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          aria-label={label}
          data-testid="copy-value"
        >
          {value}
        </Code>
        <Tooltip label={state === 'copied' ? t('organisation.copied') : t('organisation.copy')}>
          <ActionIcon
            variant="default"
            size="lg"
            onClick={copy}
            aria-label={state === 'copied' ? t('organisation.copied') : `${t('organisation.copy')}: ${label}`}
          >
            {state === 'copied' ? <IconCheck size={16} /> : <IconCopy size={16} />}
          </ActionIcon>
        </Tooltip>
      </Group>
      {state === 'failed' && (
        <Text size="xs" c="red" role="alert" mt={4}>
          {t('organisation.copyFailed')}
        </Text>
      )}
    </div>
  );
}
