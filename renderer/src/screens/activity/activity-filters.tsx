import { Button, Chip, Group, Select, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileExport, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ACTIVITY_KINDS, type ActivityKind } from '../../../../shared/ipc/sync-ipc';
import { notifyError } from '../../notify-error';
import { useActivityStore } from '../../stores/activity-store';

// The binding choice's value for "every binding" (binding IDs are never empty).
const ALL = '';

/** The list's filters (kinds, binding, words; the words are typed into `text`, debounced by the screen) and export. */
export function ActivityFilters({
  text,
  onTextChange,
}: {
  readonly text: string;
  readonly onTextChange: (text: string) => void;
}) {
  const { t } = useTranslation();
  const filter = useActivityStore((s) => s.filter);
  const bindings = useActivityStore((s) => s.bindings);
  const setFilter = useActivityStore((s) => s.setFilter);
  const exportCsv = useActivityStore((s) => s.exportCsv);
  const [exporting, setExporting] = useState(false);

  const save = () => {
    setExporting(true);
    exportCsv()
      .then(({ path, rows }) => {
        if (path === null) return;
        notifications.show({
          color: 'green',
          title: t('activity.exported.title'),
          message: t('activity.exported.message', { count: rows, path }),
          autoClose: 10_000,
        });
      })
      .catch(notifyError)
      .finally(() => setExporting(false));
  };
  const bindingOptions = (bindings ?? []).map((b) => ({
    value: b.id,
    label: `${b.name} (${t(b.kind === 'publish' ? 'activity.filters.publishBinding' : 'activity.filters.deliverBinding')})`,
  }));
  // A binding removed since it was chosen stays selectable, so the filter can still be seen and cleared.
  if (filter.bindingId !== null && !bindingOptions.some((o) => o.value === filter.bindingId)) {
    bindingOptions.push({ value: filter.bindingId, label: filter.bindingId });
  }

  return (
    <Stack gap="xs" component="section" aria-label={t('activity.filters.label')}>
      <Chip.Group
        multiple
        value={[...filter.kinds]}
        onChange={(kinds) => void setFilter({ kinds: kinds as ActivityKind[] }).catch(notifyError)}
      >
        <Group gap={6} role="group" aria-label={t('activity.filters.kinds')}>
          {ACTIVITY_KINDS.map((kind) => (
            <Chip key={kind} value={kind} size="xs" variant="outline">
              {t(`activity.kinds.${kind}`)}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      <Group gap="sm" wrap="wrap" justify="space-between">
        <Group gap="sm" wrap="wrap">
          <TextInput
            aria-label={t('activity.filters.search')}
            placeholder={t('activity.filters.search')}
            leftSection={<IconSearch size={16} aria-hidden />}
            value={text}
            onChange={(event) => onTextChange(event.currentTarget.value)}
            w={260}
            type="search"
          />
          <Select
            aria-label={t('activity.filters.binding')}
            // "All bindings" is an option of its own: Mantine's clear button is hidden from keyboards and readers.
            data={[{ value: ALL, label: t('activity.filters.allBindings') }, ...bindingOptions]}
            value={filter.bindingId ?? ALL}
            onChange={(value) =>
              void setFilter({ bindingId: value && value !== ALL ? value : null }).catch(notifyError)
            }
            allowDeselect={false}
            w={240}
            comboboxProps={{ withinPortal: true }}
          />
        </Group>
        <Button leftSection={<IconFileExport size={16} />} variant="light" onClick={save} loading={exporting}>
          {t('activity.actions.export')}
        </Button>
      </Group>
    </Stack>
  );
}
