import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  Tooltip,
  VisuallyHidden,
} from '@mantine/core';
import { IconBell, IconBellOff, IconChecks, IconCircleCheck, IconExternalLink, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Notification } from '../../../../shared/platform';
import { AVAILABLE_SCREENS } from '../../../../shared/screens';
import { IpcError } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { platformErrorMessage } from '../../platform-error-message';
import { useActivityStore } from '../../stores/activity-store';
import { useNavigationStore } from '../../stores/navigation-store';
import { formatExact, formatRelative } from './activity-format';
import { notificationSentence } from './notification-sentence';
import { useFormattingLocale } from './use-formatting-locale';
import { useNow } from './use-now';
import { useNotificationActions, usePlatformNotifications } from './use-platform-notifications';
import { ActivityTable } from './activity-table';

const NUMBERS = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;
const WRAP = { overflowWrap: 'anywhere' } as const;

/**
 * The platform's notifications for the signed-in member: what happened in words, unread first-class (badge, mark
 * read, all read, unread only), a link to the screen where it is dealt with; read again every 30 s and on focus.
 * Signed out, no account or an unreachable platform say what to do instead of showing an empty list.
 */
export function PlatformNotifications() {
  const { t } = useTranslation();
  const unreadOnly = useActivityStore((s) => s.unreadOnly);
  const setUnreadOnly = useActivityStore((s) => s.setUnreadOnly);
  const { scope, query, notifications, unread } = usePlatformNotifications(unreadOnly, true);
  const { readAll, refresh } = useNotificationActions();

  const header = (
    <Group justify="space-between" wrap="wrap" gap="sm">
      <Group gap="xs">
        <Title order={3} size="h4">
          {t('activity.platform.title')}
        </Title>
        {unread !== null && unread > 0 && (
          <Badge
            color="red"
            variant="filled"
            data-testid="platform-unread"
            styles={{ label: { textTransform: 'none' } }}
          >
            {t('activity.platform.unread', { count: unread })}
          </Badge>
        )}
      </Group>
      {scope.status === 'ready' && (
        <Group gap="sm">
          <Switch
            label={t('activity.platform.unreadOnly')}
            checked={unreadOnly}
            onChange={(event) => setUnreadOnly(event.currentTarget.checked)}
          />
          <Tooltip label={t('activity.platform.refresh')}>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('activity.platform.refresh')}
              loading={query.isFetching && !query.isFetchingNextPage}
              onClick={() => void refresh().catch(notifyError)}
            >
              <IconRefresh size={16} aria-hidden />
            </ActionIcon>
          </Tooltip>
          <Button
            variant="light"
            leftSection={<IconChecks size={16} aria-hidden />}
            disabled={unread === null || unread === 0}
            loading={readAll.isPending}
            onClick={() => void readAll.mutateAsync().catch(notifyError)}
          >
            {t('activity.platform.markAllRead')}
          </Button>
        </Group>
      )}
    </Group>
  );

  return (
    <Stack gap="sm" component="section" aria-label={t('activity.platform.title')}>
      {header}
      <NotificationsBody
        scope={scope}
        query={query}
        notifications={notifications}
        unreadOnly={unreadOnly}
        onShowAll={() => setUnreadOnly(false)}
      />
    </Stack>
  );
}

type Loaded = ReturnType<typeof usePlatformNotifications>;

function NotificationsBody({
  scope,
  query,
  notifications,
  unreadOnly,
  onShowAll,
}: {
  readonly scope: Loaded['scope'];
  readonly query: Loaded['query'];
  readonly notifications: readonly Notification[];
  readonly unreadOnly: boolean;
  readonly onShowAll: () => void;
}) {
  const { t } = useTranslation();
  const go = useNavigationStore((s) => s.go);

  if (scope.status === 'no-account') {
    return (
      <Alert
        color="blue"
        variant="light"
        icon={<IconBellOff size={18} aria-hidden />}
        title={t('activity.platform.noAccount.title')}
      >
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('activity.platform.noAccount.body')}</Text>
          <Button size="xs" variant="default" onClick={() => go('organisation')}>
            {t('activity.platform.noAccount.action')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (scope.status === 'signed-out' || (query.error instanceof IpcError && query.error.code === 'NotSignedIn')) {
    const email = scope.status === 'signed-out' || scope.status === 'ready' ? scope.account.email : '';
    return (
      <Alert color="yellow" variant="light" title={t('activity.platform.signedOut.title', { email })}>
        <Text size="sm">{t('activity.platform.signedOut.body')}</Text>
      </Alert>
    );
  }
  if (query.isError && query.data === undefined) {
    const unreachable = query.error instanceof IpcError && query.error.code === 'PlatformUnreachable';
    return (
      <Alert
        color="red"
        variant="light"
        role="alert"
        title={t(unreachable ? 'activity.platform.unreachable.title' : 'activity.platform.failed.title')}
      >
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            {unreachable
              ? t('activity.platform.unreachable.body')
              : (platformErrorMessage(query.error) ?? t('activity.loadFailed'))}
          </Text>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconRefresh size={14} aria-hidden />}
            loading={query.isFetching}
            onClick={() => void query.refetch()}
          >
            {t('activity.platform.retry')}
          </Button>
        </Stack>
      </Alert>
    );
  }
  if (scope.status === 'loading' || query.isPending) {
    return (
      <Center py="md" aria-busy="true">
        <Loader size="sm" aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (notifications.length === 0) {
    return (
      <Card withBorder py="md">
        <Stack align="center" gap={4}>
          {unreadOnly ? <IconCircleCheck size={28} aria-hidden /> : <IconBell size={28} aria-hidden />}
          <Text fw={500} ta="center">
            {unreadOnly ? t('activity.platform.emptyUnread') : t('activity.platform.empty.title')}
          </Text>
          {unreadOnly ? (
            <Button size="xs" variant="default" onClick={onShowAll}>
              {t('activity.platform.showAll')}
            </Button>
          ) : (
            <Text size="sm" c="dimmed" ta="center" maw={620}>
              {t('activity.platform.empty.body')}
            </Text>
          )}
        </Stack>
      </Card>
    );
  }
  return <NotificationTable notifications={notifications} query={query} />;
}

function NotificationTable({
  notifications,
  query,
}: {
  readonly notifications: readonly Notification[];
  readonly query: Loaded['query'];
}) {
  const { t } = useTranslation();
  const now = useNow();
  const locale = useFormattingLocale();
  return (
    <Stack gap="xs">
      <ActivityTable label={t('activity.platform.tableLabel')}>
        {notifications.map((n) => (
          <NotificationRow key={n.id} notification={n} now={now} locale={locale} />
        ))}
      </ActivityTable>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" aria-live="polite">
          {t('activity.platform.shown', { count: notifications.length })}{' '}
          {query.hasNextPage ? '' : t('activity.allShown')}
        </Text>
        {query.hasNextPage && (
          <Button
            variant="default"
            loading={query.isFetchingNextPage}
            onClick={() => void query.fetchNextPage().catch(notifyError)}
          >
            {t('activity.platform.loadOlder')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function NotificationRow({
  notification,
  now,
  locale,
}: {
  readonly notification: Notification;
  readonly now: number;
  readonly locale: string;
}) {
  const { t } = useTranslation();
  const go = useNavigationStore((s) => s.go);
  const { read } = useNotificationActions();
  const dateOf = (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long' }).format(new Date(iso));
  const sentence = notificationSentence(notification, dateOf);
  const words = t(`activity.platform.notices.${sentence.key}`, sentence.values);
  const exact = formatExact(notification.createdAt, locale);
  const unread = notification.readAt === null;
  const screen = sentence.screen !== null && AVAILABLE_SCREENS.has(sentence.screen) ? sentence.screen : null;

  return (
    <Table.Tr data-notification-id={notification.id} data-unread={unread || undefined} data-source="platform">
      <Table.Td>
        <Tooltip label={exact} openDelay={300}>
          <Text size="sm" component="time" dateTime={notification.createdAt} style={NUMBERS}>
            {formatRelative(notification.createdAt, now, locale)}
          </Text>
        </Tooltip>
        <VisuallyHidden>{exact}</VisuallyHidden>
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <Badge
            color="indigo"
            variant="light"
            leftSection={<IconBell size={14} aria-hidden />}
            styles={{ label: { color: 'var(--mantine-color-text)', textTransform: 'none' } }}
          >
            {t('activity.platform.kind')}
          </Badge>
          {unread && (
            <Badge color="red" variant="filled" size="sm" styles={{ label: { textTransform: 'none' } }}>
              {t('activity.platform.new')}
            </Badge>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm" fw={unread ? 600 : 400} style={WRAP} {...(sentence.key === 'fallback' ? { lang: 'en' } : {})}>
          {words}
        </Text>
        {sentence.detail !== null && (
          <Text size="xs" c="dimmed" mt={2} style={WRAP} lang="en">
            {sentence.detail}
          </Text>
        )}
        {(screen !== null || unread) && (
          <Group gap="xs" mt={6}>
            {screen !== null && (
              <Button
                size="compact-xs"
                variant="subtle"
                rightSection={<IconExternalLink size={12} aria-hidden />}
                onClick={() => go(screen, sentence.tab)}
              >
                {sentence.tab === undefined
                  ? t('activity.platform.open', { screen: t(`nav.${screen}`) })
                  : t('activity.platform.openTab', {
                      screen: t(`nav.${screen}`),
                      tab: t(`organisation.tabs.${sentence.tab}`),
                    })}
              </Button>
            )}
            {unread && (
              <Button
                size="compact-xs"
                variant="default"
                aria-label={t('activity.platform.markReadLabel', { sentence: words })}
                loading={read.isPending}
                onClick={() => void read.mutateAsync(notification.id).catch(notifyError)}
              >
                {t('activity.platform.markRead')}
              </Button>
            )}
          </Group>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
