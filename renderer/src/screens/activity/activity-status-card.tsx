import { Button, Card, Group, Loader, Menu, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconAlertTriangle,
  IconChevronDown,
  IconCircleCheck,
  IconPlayerPause,
  IconPlayerPlay,
  IconRefresh,
} from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SYNC_PAUSE_HOURS, type SyncState, type SyncStatus } from '../../../../shared/ipc/sync-ipc';
import { notifyError } from '../../notify-error';
import { useActivityStore } from '../../stores/activity-store';
import { formatRelative, formatUntil, problemOf } from './activity-format';
import { useFormattingLocale } from './use-formatting-locale';
import { useNow } from './use-now';

const STATE_STYLES: { readonly [S in SyncState]: { readonly color: string; readonly icon: ReactNode } } = {
  idle: { color: 'green', icon: <IconCircleCheck size={20} aria-hidden /> },
  syncing: { color: 'blue', icon: <Loader size={16} color="white" aria-hidden /> },
  paused: { color: 'orange', icon: <IconPlayerPause size={20} aria-hidden /> },
  error: { color: 'red', icon: <IconAlertTriangle size={20} aria-hidden /> },
};

/** The line under the state: when it last ran, what runs now, until when it is paused, or the problem. */
function StatusDetail({ status }: { readonly status: SyncStatus }) {
  const { t } = useTranslation();
  const locale = useFormattingLocale();
  const now = useNow();
  const bindings = t('activity.status.bindings', { count: status.bindings });
  const lastRun = status.lastRunAt
    ? t('activity.status.lastRun', { when: formatRelative(status.lastRunAt, now, locale) })
    : t('activity.status.neverRun');
  const problemText = (text: string): string => {
    const problem = problemOf(text);
    if (problem.kind === 'files')
      return t('activity.status.filesFailed', { binding: problem.binding, count: problem.count });
    if (problem.kind === 'text') return problem.text;
    const reason = t(`activity.reasons.${problem.reason}`);
    return t('activity.status.bindingProblem', { binding: problem.binding, reason });
  };
  switch (status.state) {
    case 'syncing':
      return <>{`${t('activity.status.running', { count: status.running })} ${bindings}.`}</>;
    case 'paused':
      return (
        <>
          {status.pausedUntil
            ? t('activity.status.pausedUntil', { time: formatUntil(status.pausedUntil, now, locale) })
            : t('activity.status.pausedIndefinitely')}
        </>
      );
    case 'error':
      return <>{t('activity.status.problem', { problem: problemText(status.problem ?? '') })}</>;
    case 'idle':
      return <>{`${bindings} · ${lastRun}`}</>;
  }
}

/** The agent's state (idle, syncing, paused until…, a problem) with Sync now, Pause (1 h / 8 h / 24 h) or Resume. */
export function ActivityStatusCard() {
  const { t } = useTranslation();
  const status = useActivityStore((s) => s.status);
  const syncNow = useActivityStore((s) => s.syncNow);
  const pause = useActivityStore((s) => s.pause);
  const resume = useActivityStore((s) => s.resume);
  const [busy, setBusy] = useState<'sync' | 'pause' | 'resume' | null>(null);
  const run = (which: 'sync' | 'pause' | 'resume', action: () => Promise<void>) => {
    setBusy(which);
    action()
      .catch(notifyError)
      .finally(() => setBusy(null));
  };
  const style = status ? STATE_STYLES[status.state] : undefined;

  return (
    <Card withBorder padding="md" component="section" aria-labelledby="activity-status-title">
      <Group justify="space-between" align="center" wrap="wrap" gap="sm">
        <Group gap="sm" wrap="nowrap" align="center" style={{ minWidth: 0, flex: '1 1 320px' }}>
          <ThemeIcon color={style?.color ?? 'gray'} size="lg" radius="xl" aria-hidden>
            {style?.icon ?? <Loader size={16} color="white" />}
          </ThemeIcon>
          <Stack gap={0} style={{ minWidth: 0 }} role="status" aria-live="polite">
            <Text fw={600} id="activity-status-title">
              {t('activity.status.label')}
              {status ? ` · ${t(`activity.status.states.${status.state}`)}` : ''}
            </Text>
            <Text size="sm" c="dimmed" data-testid="sync-status-detail">
              {status ? <StatusDetail status={status} /> : t('activity.status.unknown')}
            </Text>
          </Stack>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button
            leftSection={<IconRefresh size={16} />}
            onClick={() => run('sync', syncNow)}
            loading={busy === 'sync'}
            disabled={status === null || status.bindings === 0}
          >
            {t('activity.actions.syncNow')}
          </Button>
          {status?.state === 'paused' ? (
            <Button
              variant="default"
              leftSection={<IconPlayerPlay size={16} />}
              onClick={() => run('resume', resume)}
              loading={busy === 'resume'}
            >
              {t('activity.actions.resume')}
            </Button>
          ) : (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button
                  variant="default"
                  leftSection={<IconPlayerPause size={16} />}
                  rightSection={<IconChevronDown size={14} />}
                  loading={busy === 'pause'}
                  disabled={status === null}
                  aria-label={t('activity.actions.pauseMenu')}
                >
                  {t('activity.actions.pause')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {SYNC_PAUSE_HOURS.map((hours) => (
                  <Menu.Item key={hours} onClick={() => run('pause', () => pause(hours))}>
                    {t('activity.actions.pauseFor', { count: hours })}
                  </Menu.Item>
                ))}
                <Menu.Item onClick={() => run('pause', () => pause(null))}>
                  {t('activity.actions.pauseUntilResumed')}
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )}
        </Group>
      </Group>
    </Card>
  );
}
