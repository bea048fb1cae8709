import { Alert, Badge, Button, Card, Group, SegmentedControl, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconActivity, IconFilterOff, IconLink, IconRefresh } from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifyError } from '../../notify-error';
import {
  ACTIVITY_SOURCES,
  type ActivityFilter,
  type ActivitySource,
  NO_FILTER,
  showsSource,
  useActivityStore,
} from '../../stores/activity-store';
import { ActivityFilters } from './activity-filters';
import { ActivityList } from './activity-list';
import { ActivityStatusCard } from './activity-status-card';
import { PlatformNotifications } from './platform-notifications';
import { useUnreadNotificationCount } from './use-platform-notifications';
import { LoadingState } from '../../components/loading-state';

/** Milliseconds of quiet typing before the search asks main again. */
const SEARCH_DEBOUNCE_MS = 300;

/**
 * What happened for this account: the platform's notifications (unread ones marked, read one by one or all) and the
 * sync agent's activity (its state with sync now, pause and resume; every publish, delivery, conflict, skip, failure
 * and warning, newest first, filtered, live, paged back in time, exported as CSV). Two sections rather than one
 * timeline: the platform's few notices ask for action and would be buried under the agent's file-by-file entries.
 * The source choice shows one or both.
 */
export function ActivityScreen() {
  const { t } = useTranslation();
  const filter = useActivityStore((s) => s.filter);
  const list = useActivityStore((s) => s.list);
  const setFilter = useActivityStore((s) => s.setFilter);
  const source = useActivityStore((s) => s.source);
  const [text, setText] = useState(filter.text);
  const [debounced] = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);

  useEffect(() => {
    void useActivityStore.getState().load();
  }, []);
  useEffect(() => {
    if (debounced.trim() !== useActivityStore.getState().filter.text.trim()) {
      void setFilter({ text: debounced }).catch(notifyError);
    }
  }, [debounced, setFilter]);

  const clearFilters = () => {
    setText('');
    void setFilter(NO_FILTER).catch(notifyError);
  };

  return (
    <Stack gap="md">
      <Title order={2}>{t('activity.title')}</Title>
      <SourceChoice />
      {showsSource(source, 'platform') && <PlatformNotifications />}
      {showsSource(source, 'agent') && (
        <Stack gap="md" component="section" aria-label={t('activity.sources.agent')}>
          {source === 'all' && (
            <Title order={3} size="h4">
              {t('activity.sources.agent')}
            </Title>
          )}
          <ActivityStatusCard />
          {/* Filters and export only once there is something to filter (or a filter to clear). */}
          {(isFiltered(filter) || text !== '' || (list.status === 'ready' && list.entries.length > 0)) && (
            <ActivityFilters text={text} onTextChange={setText} />
          )}
          <ActivityBody onClearFilters={clearFilters} filtered={isFiltered(filter)} />
        </Stack>
      )}
    </Stack>
  );
}

/** Everything, the platform's notifications (with their unread count) or the sync agent's activity. */
function SourceChoice() {
  const { t } = useTranslation();
  const source = useActivityStore((s) => s.source);
  const setSource = useActivityStore((s) => s.setSource);
  const unread = useUnreadNotificationCount();
  return (
    <SegmentedControl
      aria-label={t('activity.sources.label')}
      value={source}
      onChange={(value) => setSource(value as ActivitySource)}
      data={ACTIVITY_SOURCES.map((value) => ({
        value,
        label:
          value === 'platform' && unread !== null && unread > 0 ? (
            <Group gap={6} wrap="nowrap" justify="center">
              {t('activity.sources.platform')}
              <Badge size="sm" color="red" variant="filled" circle={unread < 10}>
                {unread}
              </Badge>
              <VisuallyHidden>{t('activity.sources.unreadHidden')}</VisuallyHidden>
            </Group>
          ) : (
            t(`activity.sources.${value}`)
          ),
      }))}
      style={{ alignSelf: 'flex-start' }}
    />
  );
}

function isFiltered(filter: ActivityFilter): boolean {
  return filter.kinds.length > 0 || filter.bindingId !== null || filter.text.trim() !== '';
}

function ActivityBody({
  filtered,
  onClearFilters,
}: {
  readonly filtered: boolean;
  readonly onClearFilters: () => void;
}) {
  const { t } = useTranslation();
  const list = useActivityStore((s) => s.list);
  const bindings = useActivityStore((s) => s.bindings);

  if (list.status === 'loading') {
    return <LoadingState />;
  }
  if (list.status === 'failed') {
    return (
      <Alert color="red" title={t('errors.title')} role="alert">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('activity.loadFailed')}</Text>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconRefresh size={14} />}
            onClick={() => void useActivityStore.getState().load()}
          >
            {t('activity.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (list.entries.length > 0) return <ActivityList entries={list.entries} />;
  if (filtered) {
    return (
      <Empty icon={<IconFilterOff size={32} aria-hidden />} title={t('activity.empty.noMatch')}>
        <Button variant="default" onClick={onClearFilters}>
          {t('activity.actions.clearFilters')}
        </Button>
      </Empty>
    );
  }
  if (bindings !== null && bindings.length === 0) {
    return (
      <Empty icon={<IconLink size={32} aria-hidden />} title={t('activity.empty.noBindingsTitle')}>
        <Text ta="center" maw={620}>
          {t('activity.empty.noBindingsBody')}
        </Text>
      </Empty>
    );
  }
  return (
    <Empty icon={<IconActivity size={32} aria-hidden />} title={t('activity.empty.nothingYetTitle')}>
      <Text ta="center" maw={620}>
        {t('activity.empty.nothingYetBody')}
      </Text>
      <SyncNowButton />
    </Empty>
  );
}

function SyncNowButton() {
  const { t } = useTranslation();
  const status = useActivityStore((s) => s.status);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      leftSection={<IconRefresh size={16} />}
      loading={busy}
      disabled={status !== null && status.bindings === 0}
      onClick={() => {
        setBusy(true);
        useActivityStore
          .getState()
          .syncNow()
          .catch(notifyError)
          .finally(() => setBusy(false));
      }}
    >
      {t('activity.actions.syncNow')}
    </Button>
  );
}

function Empty({
  icon,
  title,
  children,
}: {
  readonly icon: ReactNode;
  readonly title: string;
  readonly children: ReactNode;
}) {
  return (
    <Card withBorder py="xl">
      <Stack align="center" gap="xs">
        {icon}
        <Title order={3} size="h4" ta="center">
          {title}
        </Title>
        {children}
      </Stack>
    </Card>
  );
}
