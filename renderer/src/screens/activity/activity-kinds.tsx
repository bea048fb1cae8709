import { Badge } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleX,
  IconCloudDownload,
  IconCloudUpload,
  IconCopy,
  IconKey,
  IconPlayerSkipForward,
} from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityKind } from '../../../../shared/ipc/sync-ipc';

/** Each kind's colour and icon: the badge also says the kind in words, so colour is never the only cue. */
export const KIND_STYLES: { readonly [K in ActivityKind]: { readonly color: string; readonly icon: ReactNode } } = {
  published: { color: 'blue', icon: <IconCloudUpload size={14} aria-hidden /> },
  delivered: { color: 'green', icon: <IconCloudDownload size={14} aria-hidden /> },
  conflict: { color: 'orange', icon: <IconCopy size={14} aria-hidden /> },
  skipped: { color: 'gray', icon: <IconPlayerSkipForward size={14} aria-hidden /> },
  failed: { color: 'red', icon: <IconCircleX size={14} aria-hidden /> },
  warning: { color: 'yellow', icon: <IconAlertTriangle size={14} aria-hidden /> },
  'credential-expiry': { color: 'grape', icon: <IconKey size={14} aria-hidden /> },
};

/** An entry's kind: icon, colour and its name in the UI language. */
export function KindBadge({ kind }: { readonly kind: ActivityKind }) {
  const { t } = useTranslation();
  const style = KIND_STYLES[kind];
  return (
    <Badge
      color={style.color}
      variant="light"
      leftSection={style.icon}
      // The light variant's tinted text misses AA contrast for yellow and orange: the text keeps the body colour.
      // Sentence case, not Mantine's capitals: long words (Identifiants) fit the column and read better.
      styles={{ label: { color: 'var(--mantine-color-text)', textTransform: 'none' } }}
      data-kind={kind}
    >
      {t(`activity.kinds.${kind}`)}
    </Badge>
  );
}
