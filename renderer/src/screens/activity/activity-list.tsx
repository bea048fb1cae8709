import { Button, Group, Stack, Table, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ActivityEntry, SyncBinding } from '../../../../shared/ipc/sync-ipc';
import { notifyError } from '../../notify-error';
import { useActivityStore } from '../../stores/activity-store';
import { formatSize } from '../../../../shared/format/format-size';
import { formatExact, formatRelative, summaryOf } from './activity-format';
import { KindBadge } from './activity-kinds';
import { useFormattingLocale } from './use-formatting-locale';
import { useNow } from './use-now';
import { ActivityTable } from './activity-table';

// Mantine's red on small text misses WCAG AA contrast: one shade darker in light, lighter in dark (as Transfers).
const ERROR_TEXT = 'light-dark(var(--mantine-color-red-9), var(--mantine-color-red-4))';
const NUMBERS = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;
// Long paths and messages wrap anywhere rather than widen the table past the window.
const WRAP = { overflowWrap: 'anywhere' } as const;

/** The entries, newest first, and "Load older" while main has more. */
export function ActivityList({ entries }: { readonly entries: readonly ActivityEntry[] }) {
  const { t } = useTranslation();
  const list = useActivityStore((s) => s.list);
  const bindings = useActivityStore((s) => s.bindings);
  const loadOlder = useActivityStore((s) => s.loadOlder);
  const now = useNow();
  const locale = useFormattingLocale();
  const byId = new Map((bindings ?? []).map((b) => [b.id, b]));
  const hasMore = list.status === 'ready' && list.hasMore;
  const loadingOlder = list.status === 'ready' && list.loadingOlder;

  return (
    <Stack gap="sm">
      <ActivityTable label={t('activity.tableLabel')}>
        {entries.map((entry) => (
          <ActivityRow key={entry.id} entry={entry} binding={byId.get(entry.bindingId)} now={now} locale={locale} />
        ))}
      </ActivityTable>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {t('activity.shown', { count: entries.length })} {hasMore ? '' : t('activity.allShown')}
        </Text>
        {hasMore && (
          <Button variant="default" loading={loadingOlder} onClick={() => void loadOlder().catch(notifyError)}>
            {t('activity.actions.loadOlder')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function ActivityRow({
  entry,
  binding,
  now,
  locale,
}: {
  readonly entry: ActivityEntry;
  readonly binding: SyncBinding | undefined;
  readonly now: number;
  readonly locale: string;
}) {
  const { t } = useTranslation();
  const summary = summaryOf(entry, binding);
  const exact = formatExact(entry.at, locale);
  const codeText = entry.code ? t(`activity.codes.${entry.code}`, { defaultValue: '' }) : '';
  const facts = [
    entry.bindingName,
    entry.path,
    entry.size !== undefined ? formatSize(entry.size, locale) : undefined,
  ].filter((f): f is string => f !== undefined && f !== '');

  return (
    <Table.Tr data-activity-id={entry.id} data-kind={entry.kind}>
      <Table.Td>
        <Tooltip label={exact} openDelay={300}>
          <Text size="sm" component="time" dateTime={entry.at} style={NUMBERS}>
            {formatRelative(entry.at, now, locale)}
          </Text>
        </Tooltip>
        <VisuallyHidden>{exact}</VisuallyHidden>
      </Table.Td>
      <Table.Td>
        <KindBadge kind={entry.kind} />
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={500} style={WRAP}>
          {t(`activity.${summary.key}`, summary.values)}
        </Text>
        <Text size="xs" c="dimmed" style={WRAP}>
          {facts.join(' · ')}
        </Text>
        {(codeText || entry.message) && (
          <Text size="xs" c={entry.kind === 'failed' ? ERROR_TEXT : undefined} mt={2} style={WRAP}>
            {codeText}
            {codeText && entry.message ? ' ' : ''}
            {entry.message && (
              <Text span size="xs" c="dimmed" lang="en">
                {entry.message}
              </Text>
            )}
          </Text>
        )}
        {entry.hint && (
          <Text size="xs" mt={2} style={WRAP}>
            {t('activity.whatToDo')}{' '}
            <Text span size="xs" lang="en">
              {entry.hint}
            </Text>
          </Text>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
