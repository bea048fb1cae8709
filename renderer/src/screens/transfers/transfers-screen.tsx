import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Progress,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import {
  IconFileAlert,
  IconPlayerPause,
  IconPlayerPlay,
  IconRefresh,
  IconTrash,
  IconTransfer,
  IconX,
} from '@tabler/icons-react';
import { type ReactNode, useEffect, useState } from 'react';
import { assertNever } from '../../../../shared/assert-never';
import { useTranslation } from 'react-i18next';
import {
  FINISHED_TRANSFER_STATES,
  type Transfer,
  type TransferLocation,
  type TransferState,
} from '../../../../shared/ipc/transfers-ipc';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { IdentityRefusalNotice, mayBeIdentityRefusal } from '../connectors/identity-refusal-notice';
import { useTransfersStore } from '../../stores/transfers-store';
import { ConflictDialog, type ConflictQuestion } from './conflict-dialog';
import { formatSize, formatSpeed } from '../../../../shared/format/format-size';
import { formatDuration } from './transfer-format';
import { TransferLimitsCard } from './transfer-limits-card';
import { verificationLabel } from './verification-label';
import { LoadingState } from '../../components/loading-state';

const LOCAL_DISK = 'local-disk';
// Mantine's red on small text misses WCAG AA contrast: one shade darker in light, lighter in dark.
const ERROR_TEXT = 'light-dark(var(--mantine-color-red-9), var(--mantine-color-red-4))';

// Digits of equal width and no wrapping: the row keeps its size while the numbers change.
const NUMBERS = { fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' } as const;

const STATE_COLORS: { readonly [S in TransferState]: string } = {
  queued: 'gray',
  running: 'blue',
  waiting: 'yellow',
  paused: 'orange',
  done: 'green',
  failed: 'red',
  cancelled: 'gray',
};

type Names = ReadonlyMap<string, string>;

/** "Connector: path" as people read it (this computer's paths absolute, a connector's root as '/'). */
function placeName(location: TransferLocation, names: Names, localDisk: string): string {
  const connector =
    location.connectorId === LOCAL_DISK ? localDisk : (names.get(location.connectorId) ?? location.connectorId);
  const path = location.connectorId === LOCAL_DISK ? `/${location.path}` : location.path || '/';
  return `${connector}: ${path}`;
}
/** Opens the conflict dialog of a waiting transfer. */
type Answer = (id: string) => void;

/** The transfer queue: progress, speed and ETA of each transfer, its actions, and the global limits. */
export function TransfersScreen() {
  const { t } = useTranslation();
  const state = useTransfersStore((s) => s.state);
  const clearFinished = useTransfersStore((s) => s.clearFinished);
  const [names, setNames] = useState<Names>(new Map());
  const [answering, setAnswering] = useState<string | undefined>();
  const waiting = state.status === 'ready' ? state.transfers.filter((tr) => tr.state === 'waiting') : [];
  // No question left: the dialog is closed for good (a later conflict does not open it by itself).
  const [hadWaiting, setHadWaiting] = useState(waiting.length > 0);
  if (waiting.length > 0 !== hadWaiting) {
    setHadWaiting(waiting.length > 0);
    if (waiting.length === 0) setAnswering(undefined);
  }
  // Once a transfer is answered, the dialog moves on to the next question, and closes when none is left.
  const current = waiting.find((tr) => tr.id === answering) ?? (answering === undefined ? undefined : waiting[0]);
  // The question last shown stays in the dialog while it closes, so Mantine gives focus back to the opener.
  const [shown, setShown] = useState<ConflictQuestion | undefined>();
  if (current?.state === 'waiting' && (shown?.transferId !== current.id || shown.conflict !== current.conflict)) {
    const parent = current.conflict.path.slice(0, Math.max(0, current.conflict.path.lastIndexOf('/')));
    const folder = placeName(
      { connectorId: current.destination.connectorId, path: parent },
      names,
      t('transfers.localDisk'),
    );
    setShown({ transferId: current.id, conflict: current.conflict, folder });
  }

  useEffect(() => {
    void useTransfersStore.getState().load();
  }, []);
  // Connector names for the "from → to" lines, read again when a transfer names a connector not seen yet.
  const ids =
    state.status === 'ready'
      ? state.transfers.flatMap((tr) => [tr.source.connectorId, tr.destination.connectorId])
      : [];
  const unknown = [...new Set(ids)].filter((id) => id !== LOCAL_DISK && !names.has(id)).join(',');
  useEffect(() => {
    if (unknown === '') return;
    let live = true;
    invoke('connectors.list', {})
      .then(({ connectors }) => live && setNames(new Map(connectors.map((c) => [c.id, c.name]))))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [unknown]);

  if (state.status === 'loading') {
    return <LoadingState />;
  }
  if (state.status === 'failed') {
    return (
      <Alert color="red" title={t('errors.title')} role="alert">
        {t('transfers.loadFailed')}
      </Alert>
    );
  }
  const finished = state.transfers.filter((tr) => FINISHED_TRANSFER_STATES.has(tr.state)).length;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="center">
        <Title order={2}>{t('transfers.title')}</Title>
        <Button
          variant="default"
          leftSection={<IconTrash size={16} />}
          disabled={finished === 0}
          onClick={() => void clearFinished().catch(notifyError)}
        >
          {t('transfers.clearFinished')}
        </Button>
      </Group>
      <TransferLimitsCard limits={state.limits} />
      {waiting.length > 0 && (
        <Alert color="yellow" icon={<IconFileAlert size={18} />} title={t('transfers.conflict.pendingTitle')}>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">{t('transfers.conflict.pending', { count: waiting.length })}</Text>
            <Button size="xs" onClick={() => setAnswering(waiting[0]!.id)}>
              {t('transfers.conflict.answer')}
            </Button>
          </Group>
        </Alert>
      )}
      {state.transfers.length === 0 ? (
        <Card withBorder py="xl">
          <Stack align="center" gap="xs">
            <IconTransfer size={32} aria-hidden />
            <Title order={3} size="h4">
              {t('transfers.empty.title')}
            </Title>
            <Text ta="center" maw={560}>
              {t('transfers.empty.body')}
            </Text>
          </Stack>
        </Card>
      ) : (
        <TransferTable transfers={state.transfers} names={names} answer={setAnswering} />
      )}
      <ConflictDialog opened={current !== undefined} question={shown} onClose={() => setAnswering(undefined)} />
    </Stack>
  );
}

function TransferTable({
  transfers,
  names,
  answer,
}: {
  readonly transfers: readonly Transfer[];
  readonly names: Names;
  readonly answer: Answer;
}) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={760}>
      {/* Fixed columns: numbers change four times a second and must not move the buttons. */}
      <Table aria-label={t('transfers.tableLabel')} verticalSpacing="sm" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('transfers.columns.name')}</Table.Th>
            <Table.Th w={130}>{t('transfers.columns.status')}</Table.Th>
            <Table.Th w={240}>{t('transfers.columns.progress')}</Table.Th>
            <Table.Th w={110} ta="right">
              {t('transfers.columns.speed')}
            </Table.Th>
            <Table.Th w={120} ta="right">
              {t('transfers.columns.eta')}
            </Table.Th>
            <Table.Th w={100} ta="right">
              {t('transfers.columns.actions')}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {transfers.map((transfer) => (
            <TransferRow key={transfer.id} transfer={transfer} names={names} answer={answer} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function TransferRow({
  transfer,
  names,
  answer,
}: {
  readonly transfer: Transfer;
  readonly names: Names;
  readonly answer: Answer;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const running = transfer.state === 'running';
  const where = (location: TransferLocation): string => placeName(location, names, t('transfers.localDisk'));
  return (
    <Table.Tr data-transfer-state={transfer.state} aria-label={transfer.name}>
      <Table.Td>
        <Text fw={500} truncate="end" title={transfer.name}>
          {transfer.name}
        </Text>
        <Text size="xs" c="dimmed" truncate="end">
          {t('transfers.route', { source: where(transfer.source), destination: where(transfer.destination) })}
        </Text>
        {transfer.error && (
          <Text size="xs" c={ERROR_TEXT} mt={2}>
            {t(`transfers.errors.${transfer.error.code}`)}{' '}
            <Text span size="xs" c="dimmed">
              {transfer.error.message}
            </Text>
          </Text>
        )}
        {transfer.error && mayBeIdentityRefusal(transfer.error) && (
          <IdentityRefusalNotice connectorIds={[transfer.source.connectorId, transfer.destination.connectorId]} />
        )}
        {transfer.state === 'waiting' && (
          <Text size="xs" mt={2} truncate="end">
            {t('transfers.conflict.exists', {
              path: where({ connectorId: transfer.destination.connectorId, path: transfer.conflict.path }),
            })}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Badge color={STATE_COLORS[transfer.state]} variant="dot">
          {t(`transfers.states.${transfer.state}`)}
        </Badge>
        {transfer.state === 'done' && <DoneNote transfer={transfer} />}
      </Table.Td>
      <Table.Td>
        <TransferProgress transfer={transfer} />
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm" style={NUMBERS}>
          {running ? formatSpeed(transfer.bytesPerSecond, lang) : '—'}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm" style={NUMBERS}>
          {running && transfer.etaSeconds !== null ? formatDuration(transfer.etaSeconds) : '—'}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        <TransferActions transfer={transfer} answer={answer} />
      </Table.Td>
    </Table.Tr>
  );
}

function TransferProgress({ transfer }: { readonly transfer: Transfer }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const total = transfer.total;
  const percent = total === null ? null : total === 0 ? 100 : Math.min(100, (transfer.bytes / total) * 100);
  const bytes = formatSize(transfer.bytes, lang);
  const files = transfer.kind === 'folder' ? t('transfers.files', { count: transfer.files.done }) : null;
  return (
    <Stack gap={4}>
      {percent !== null && (
        <Progress.Root size="md">
          <Progress.Section
            value={percent}
            color={transfer.state === 'failed' ? 'red' : transfer.state === 'done' ? 'green' : 'blue'}
            aria-label={t('transfers.progressOf', { name: transfer.name })}
            animated={transfer.state === 'running'}
            striped={transfer.state === 'running'}
          />
        </Progress.Root>
      )}
      <Text size="xs" c="dimmed" truncate="end" style={NUMBERS}>
        {total === null ? bytes : t('transfers.bytesOf', { done: bytes, total: formatSize(total, lang) })}
        {percent !== null && transfer.state !== 'done' ? ` · ${Math.floor(percent)} %` : ''}
        {files ? ` · ${files}` : ''}
        {transfer.files.failed > 0 ? ` · ${t('transfers.filesFailed', { count: transfer.files.failed })}` : ''}
        {transfer.kind === 'folder' && transfer.files.skipped > 0
          ? ` · ${t('transfers.filesSkipped', { count: transfer.files.skipped })}`
          : ''}
      </Text>
    </Stack>
  );
}

/** How a done transfer ended: what it did at the destination (a file), and how it was verified. */
function DoneNote({ transfer }: { readonly transfer: Transfer }) {
  const { t } = useTranslation();
  const outcome = transfer.outcome;
  const what =
    outcome === null || outcome.kind === 'copied'
      ? null
      : outcome.kind === 'keptBoth'
        ? t('transfers.outcomes.keptBoth', { name: outcome.name })
        : t(`transfers.outcomes.${outcome.kind}`);
  return (
    <>
      {what && (
        <Text size="xs" mt={2} data-outcome={outcome?.kind}>
          {what}
        </Text>
      )}
      {transfer.verification && (
        <Text size="xs" c="dimmed" mt={2} data-verification={transfer.verification}>
          {verificationLabel(t, transfer.verification)}
        </Text>
      )}
    </>
  );
}

function TransferActions({ transfer, answer }: { readonly transfer: Transfer; readonly answer: Answer }) {
  const { t } = useTranslation();
  const store = useTransfersStore();
  const act = (action: (id: string) => Promise<void>) => () => void action(transfer.id).catch(notifyError);
  const button = (label: string, icon: ReactNode, onClick: () => void, color?: string) => (
    <Tooltip label={label} key={label}>
      <ActionIcon variant="subtle" color={color} aria-label={label} onClick={onClick}>
        {icon}
      </ActionIcon>
    </Tooltip>
  );
  const name = transfer.name;
  const buttons: ReactNode[] = [];
  switch (transfer.state) {
    case 'queued':
    case 'running':
      buttons.push(button(t('transfers.actions.pause', { name }), <IconPlayerPause size={18} />, act(store.pause)));
      buttons.push(button(t('transfers.actions.cancel', { name }), <IconX size={18} />, act(store.cancel), 'red'));
      break;
    case 'waiting':
      buttons.push(
        button(t('transfers.actions.answer', { name }), <IconFileAlert size={18} />, () => answer(transfer.id)),
      );
      buttons.push(button(t('transfers.actions.cancel', { name }), <IconX size={18} />, act(store.cancel), 'red'));
      break;
    case 'paused':
      buttons.push(button(t('transfers.actions.resume', { name }), <IconPlayerPlay size={18} />, act(store.resume)));
      buttons.push(button(t('transfers.actions.cancel', { name }), <IconX size={18} />, act(store.cancel), 'red'));
      break;
    case 'failed':
    case 'cancelled':
      buttons.push(button(t('transfers.actions.retry', { name }), <IconRefresh size={18} />, act(store.retry)));
      break;
    case 'done':
      break;
    default:
      assertNever(transfer);
  }
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      {buttons}
    </Group>
  );
}
