import { Alert, Button, Card, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { StateBadge } from '../../components/state-badge';
import type { DeliveryTarget } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { ACQUISITIONS_KEY } from '../catalog/trade-query-keys';
import { formatDateTime } from '../organisation/format';

/** Where a target delivers, in words: the organisation connector's name and folder, or the desktop agent. */
function placeOf(target: DeliveryTarget, names: ReadonlyMap<string, string>, t: (key: string) => string): string {
  const folder = target.folder === '' ? '/' : target.folder;
  if (target.type === 'agent') return `${t('acquisitions.targets.agent')} · ${folder}`;
  const name = target.connectorId ? (names.get(target.connectorId) ?? target.connectorId) : '—';
  return `${name} · ${folder}`;
}

/** A folder as the agent compares it: no leading or trailing slash. */
function folderKey(folder: string): string {
  return folder.replace(/^\/+|\/+$/g, '');
}

/** This computer's deliver bindings feeding an agent target: stopped with it, so the agent does not warn on. */
async function removeAgentBindings(acquisitionId: string, target: DeliveryTarget): Promise<void> {
  const { bindings } = await invoke('sync.bindings', {});
  const feeding = bindings.filter(
    (b) =>
      b.kind === 'deliver' &&
      b.acquisitionId === acquisitionId &&
      (b.targetId === target.id ||
        (folderKey(b.folder) === folderKey(target.folder) && b.namingPattern === target.namingPattern)),
  );
  for (const binding of feeding) await invoke('sync.removeBinding', { id: binding.id });
}

/**
 * An acquisition's delivery targets: where each delivers, its naming pattern, its state (a paused one with its reason
 * and Resume), and stopping it; files already delivered stay where they are.
 */
export function TargetsSection({
  orgId,
  acquisitionId,
  targets,
  canEdit,
}: {
  readonly orgId: string;
  readonly acquisitionId: string;
  readonly targets: readonly DeliveryTarget[];
  readonly canEdit: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const connectors = useQuery({
    queryKey: ['orgConnectors', orgId, 'deliver-choices'],
    queryFn: () => invoke('orgConnectors.list', { query: { limit: 100, offset: 0, sort: 'name', order: 'asc' } }),
  });
  const names = new Map((connectors.data?.items ?? []).map((c) => [c.id, c.name] as const));
  const reload = () => void client.invalidateQueries({ queryKey: ACQUISITIONS_KEY });
  const resume = useMutation({
    mutationFn: (targetId: string) => invoke('deliveries.resumeTarget', { params: { acquisitionId, targetId } }),
    onSuccess: () => {
      notifications.show({
        color: 'green',
        closeButtonProps: { 'aria-label': t('organisation.closeDialog') },
        message: t('acquisitions.targets.resumed'),
      });
      reload();
    },
    onError: notifyError,
  });
  const remove = useMutation({
    mutationFn: async (targetId: string) => {
      await invoke('deliveries.deleteTarget', { params: { acquisitionId, targetId } });
      const target = targets.find((t) => t.id === targetId);
      if (target?.type === 'agent') await removeAgentBindings(acquisitionId, target);
    },
    onSuccess: reload,
    onError: notifyError,
  });
  if (targets.length === 0) return <Text c="dimmed">{t('acquisitions.targets.none')}</Text>;
  return (
    <Stack gap="xs">
      {targets.map((target) => (
        <Card key={target.id} withBorder padding="sm">
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap={2} style={{ minWidth: 0 }}>
              <Text fw={500} style={{ wordBreak: 'break-all' }}>
                {placeOf(target, names, t)}
              </Text>
              <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
                {t('acquisitions.targets.pattern', { pattern: target.namingPattern })}
              </Text>
            </Stack>
            <Group gap="xs" wrap="nowrap">
              <StateBadge color={target.status === 'paused' ? 'orange' : 'green'}>
                {t(`acquisitions.targets.${target.status}`)}
              </StateBadge>
              {canEdit && (
                <Button
                  size="xs"
                  variant="subtle"
                  color="red"
                  leftSection={<IconTrash size={14} />}
                  loading={remove.isPending && remove.variables === target.id}
                  onClick={() => remove.mutate(target.id)}
                >
                  {t('acquisitions.targets.stop')}
                </Button>
              )}
            </Group>
          </Group>
          {target.status === 'paused' && (
            <Alert color="orange" mt="xs" title={t('acquisitions.targets.pausedTitle')}>
              <Stack gap="xs">
                <Text size="sm">
                  {t('acquisitions.targets.pausedReason', {
                    reason: target.pausedReason ?? t('acquisitions.targets.noReason'),
                    when: formatDateTime(target.pausedAt),
                  })}
                </Text>
                {canEdit && (
                  <Group>
                    <Button
                      size="xs"
                      leftSection={<IconPlayerPlay size={14} />}
                      loading={resume.isPending && resume.variables === target.id}
                      onClick={() => resume.mutate(target.id)}
                    >
                      {t('acquisitions.targets.resume')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Alert>
          )}
        </Card>
      ))}
    </Stack>
  );
}
