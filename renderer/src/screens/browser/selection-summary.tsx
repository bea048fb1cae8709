import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useBrowserStore } from '../../stores/browser-store';
import { formatSize } from '../../../../shared/format/format-size';

/** How many entries are selected and their total size (files of the loaded pages; folders are not measured). */
export function SelectionSummary() {
  const { t, i18n } = useTranslation();
  const selected = useBrowserStore((s) => s.selected);
  const pages = useBrowserStore((s) => s.pages);
  if (selected.size === 0) return null;
  let bytes = 0;
  let folders = 0;
  for (const page of Object.values(pages)) {
    for (const entry of page) {
      if (!selected.has(entry.path)) continue;
      if (entry.type === 'directory') folders++;
      else bytes += entry.size ?? 0;
    }
  }
  const size = formatSize(bytes, i18n.language);
  return (
    <Text size="xs" fw={600} aria-live="polite" data-testid="selection-summary">
      {t('browser.manage.selection', { count: selected.size, size })}
      {folders > 0 && ` (${t('browser.manage.selectionFolders')})`}
    </Text>
  );
}
