import {
  ActionIcon,
  Alert,
  Breadcrumbs,
  Button,
  Card,
  Group,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowUp, IconDownload, IconFolderPlus, IconRefresh, IconUpload } from '@tabler/icons-react';
import { type DragEvent, type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke, subscribe } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { describeError as errorMessage } from '../connectors/connector-error-message';
import { IdentityRefusalNotice, mayBeIdentityRefusal } from '../connectors/identity-refusal-notice';
import { useBrowserStore } from '../../stores/browser-store';
import { useConnectors } from '../../queries/use-connectors';
import { useNavigationStore } from '../../stores/navigation-store';
import { DetailsFold } from './details-fold';
import { DetailsPanel } from './details-panel';
import { FileList } from './file-list';
import { CrumbLink } from './crumb-link';
import { carriesFiles, droppedPaths } from './dropped-paths';
import { EntryMenu, type MenuRequest } from './entry-menu';
import { LOCAL_DISK, nameOf } from './entry-paths';
import { crumbsOf } from './format';
import { LocationPicker, type PickedLocation } from './location-picker';
import { SelectionSummary } from './selection-summary';
import { useEntryActions } from './use-entry-actions';

/** The UI preference showing dot-files (main reads it for every listing). */
const SHOW_HIDDEN = 'browser.show-hidden';

/** Queues copies through the transfer queue (`transfers.enqueue`) and says so. */
async function enqueueTransfers(sources: readonly PickedLocation[], destination: PickedLocation): Promise<number> {
  const { transfers } = await invoke('transfers.enqueue', { sources: [...sources], destination });
  return transfers.length;
}

/** The name filter: typed text reaches the listing after a short pause (one request per pause, not per key). */
function FilterInput({ initial }: { readonly initial: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState(initial);
  useEffect(() => {
    if (text === useBrowserStore.getState().filter) return;
    const timer = setTimeout(() => useBrowserStore.getState().setFilter(text), 200);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <TextInput
      aria-label={t('browser.filter')}
      placeholder={t('browser.filter')}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      w={220}
    />
  );
}

/** Whether dot-files are shown: the remembered preference, changed by the toggle (the listing is read again). */
function useShowHidden(): [boolean, (show: boolean) => void] {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    invoke('ui.getPreference', { key: SHOW_HIDDEN }).then(
      ({ value }) => setShown(value === true),
      () => undefined,
    );
  }, []);
  const change = (show: boolean) => {
    setShown(show);
    invoke('ui.setPreference', { key: SHOW_HIDDEN, value: show }).then(
      () => useBrowserStore.getState().refresh(),
      notifyError,
    );
  };
  return [shown, change];
}

/**
 * Reads the shown folder again when a transfer into it has finished, and when the window gets the focus back (files
 * may have changed meanwhile, e.g. in another app).
 */
function useAutoRefresh(connectorId: string | null, path: string): void {
  useEffect(() => {
    if (connectorId === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Several transfers of a batch often end together: one listing for them.
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => useBrowserStore.getState().refresh(), 250);
    };
    const off = subscribe('transfers.updated', (transfer) => {
      const into = transfer.destination;
      if (transfer.state === 'done' && into.connectorId === connectorId && into.path === path) soon();
    });
    window.addEventListener('focus', soon);
    return () => {
      off();
      window.removeEventListener('focus', soon);
      clearTimeout(timer);
    };
  }, [connectorId, path]);
}

/** A toolbar button that stays focusable and says why when the action is not possible here. */
function WhyButton({
  why,
  icon,
  onClick,
  children,
}: {
  readonly why: string | undefined;
  readonly icon: ReactNode;
  readonly onClick: () => void;
  readonly children: ReactNode;
}) {
  const { t } = useTranslation();
  if (why === undefined) {
    return (
      <Button variant="default" leftSection={icon} onClick={onClick}>
        {children}
      </Button>
    );
  }
  return (
    <Tooltip label={t(why)} multiline w={260}>
      <Button variant="default" leftSection={icon} data-disabled aria-disabled onClick={(e) => e.preventDefault()}>
        {children}
      </Button>
    </Tooltip>
  );
}

/**
 * The file browser: a connector, breadcrumbs, a virtual list, details and preview, download and upload, and file
 * management (new folder, rename, delete, copy path) from the toolbar, the keyboard and a context menu. The screen
 * has one pane: files dropped from the OS are uploaded into the shown folder.
 */
export function BrowserScreen() {
  const { t, i18n } = useTranslation();
  const connectors = useConnectors();
  const connectorId = useBrowserStore((s) => s.connectorId);
  const path = useBrowserStore((s) => s.path);
  const filter = useBrowserStore((s) => s.filter);
  const error = useBrowserStore((s) => s.error);
  const matched = useBrowserStore((s) => s.matched);
  const complete = useBrowserStore((s) => s.complete);
  const selected = useBrowserStore((s) => s.selected);
  const focus = useBrowserStore((s) => s.focus);
  const pages = useBrowserStore((s) => s.pages);
  const go = useNavigationStore((s) => s.go);
  const [picker, setPicker] = useState<'download' | 'upload' | undefined>();
  const [menu, setMenu] = useState<MenuRequest | undefined>();
  const [dropping, setDropping] = useState(false);
  const [showHidden, setShowHidden] = useShowHidden();
  void pages; // re-render when pages arrive (the focused entry may be among them)
  const focused = useBrowserStore.getState().entryAt(focus);

  const open = (id: string, to: string) => useBrowserStore.getState().open(id, to);
  const choose = (id: string | null) => {
    if (id === null) return;
    if (id !== LOCAL_DISK) return open(id, '');
    invoke('browser.places', {}).then(({ home }) => open(home.connectorId, home.path), notifyError);
  };
  const mine = connectors.status === 'ready' ? connectors.connectors : [];
  const options = [
    ...mine.map((c) => ({ value: c.id, label: c.name })),
    { value: LOCAL_DISK, label: t('browser.computer') },
  ];
  const current = connectorId?.startsWith(LOCAL_DISK) === true ? LOCAL_DISK : connectorId;
  const currentName = mine.find((c) => c.id === connectorId)?.name ?? t('browser.computer');
  const actions = useEntryActions(connectorId ?? '', path, currentName);
  useAutoRefresh(connectorId, path);

  const transfer = (sources: readonly PickedLocation[], destination: PickedLocation) => {
    setPicker(undefined);
    enqueueTransfers(sources, destination).then(
      (count) =>
        notifications.show({
          color: 'blue',
          title: t('browser.queued.title'),
          message: t('browser.queued.text', { count }),
        }),
      notifyError,
    );
  };

  // The OS's own dialog in Electron; the in-app picker where there is none (the harness).
  const pickLocal = (mode: 'download' | 'upload') => {
    if (connectorId === null) return;
    invoke('browser.chooseLocal', { mode: mode === 'download' ? 'folder' : 'items' }).then(({ native, locations }) => {
      if (!native) return setPicker(mode);
      if (locations.length === 0) return;
      if (mode === 'upload') transfer(locations, { connectorId, path });
      else
        transfer(
          [...selected].map((p) => ({ connectorId, path: p })),
          locations[0]!,
        );
    }, notifyError);
  };

  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDropping(true);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    if (connectorId === null || !carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    setDropping(false);
    const paths = droppedPaths(event.dataTransfer);
    if (paths.length === 0) {
      notifications.show({ color: 'orange', message: t('browser.manage.drop.noPath') });
      return;
    }
    invoke('browser.localLocations', { paths }).then(
      ({ locations }) => transfer(locations, { connectorId, path }),
      notifyError,
    );
  };

  return (
    <Stack gap="md" h="calc(100vh - 52px - 2 * var(--mantine-spacing-lg))">
      <Group justify="space-between" wrap="nowrap">
        <Title order={2}>{t('browser.title')}</Title>
        <Group gap="xs">
          <Select
            aria-label={t('browser.connector')}
            placeholder={t('browser.chooseConnector')}
            data={options}
            value={current}
            onChange={choose}
            allowDeselect={false}
            w={260}
          />
          <Button
            variant="default"
            leftSection={<IconRefresh size={16} />}
            disabled={connectorId === null}
            onClick={() => useBrowserStore.getState().refresh()}
          >
            {t('browser.refresh')}
          </Button>
          {connectorId !== null && (
            <>
              <Switch
                label={t('browser.manage.showHidden')}
                checked={showHidden}
                onChange={(e) => setShowHidden(e.currentTarget.checked)}
              />
              <WhyButton why={actions.canCreate.why} icon={<IconFolderPlus size={16} />} onClick={actions.newFolder}>
                {t('browser.manage.newFolder')}
              </WhyButton>
            </>
          )}
        </Group>
      </Group>
      {connectorId === null ? (
        <Card withBorder p="xl">
          <Stack align="center" gap="sm">
            <Text fw={600}>{t('browser.empty.title')}</Text>
            <Text c="dimmed" ta="center" maw={480}>
              {mine.length === 0 ? t('browser.empty.noConnectors') : t('browser.empty.choose')}
            </Text>
            {mine.length === 0 && (
              <Button color="blue.8" onClick={() => go('connectors')}>
                {t('browser.empty.add')}
              </Button>
            )}
          </Stack>
        </Card>
      ) : (
        <>
          <Group justify="space-between" wrap="nowrap">
            <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
              <Tooltip label={t('browser.manage.up')}>
                <ActionIcon
                  variant="default"
                  size="lg"
                  aria-label={t('browser.manage.up')}
                  disabled={path === ''}
                  onClick={actions.goUp}
                >
                  <IconArrowUp size={16} aria-hidden />
                </ActionIcon>
              </Tooltip>
              <Breadcrumbs separator="/" aria-label={t('browser.breadcrumbs')}>
                <CrumbLink onClick={() => open(connectorId, '')}>{currentName}</CrumbLink>
                {crumbsOf(path).map((c) => (
                  <CrumbLink key={c.path} onClick={() => open(connectorId, c.path)}>
                    {c.name}
                  </CrumbLink>
                ))}
              </Breadcrumbs>
            </Group>
            <Group gap="xs" wrap="nowrap">
              <FilterInput key={`${connectorId}\n${path}`} initial={filter} />
              <Button
                color="blue.8"
                leftSection={<IconDownload size={16} />}
                disabled={selected.size === 0}
                onClick={() => pickLocal('download')}
              >
                {t('browser.download', { count: selected.size })}
              </Button>
              <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => pickLocal('upload')}>
                {t('browser.upload')}
              </Button>
            </Group>
          </Group>
          {error !== undefined && (
            <Alert color="red" role="alert" title={t('browser.failed')}>
              {errorMessage(
                error,
                mine.find((c) => c.id === connectorId),
              )}
              {connectorId !== null && mayBeIdentityRefusal(error) && (
                <IdentityRefusalNotice connectorIds={[connectorId]} />
              )}
            </Alert>
          )}
          <Group gap="md">
            <Text size="xs" c="dimmed" aria-live="polite" data-testid="listing-status">
              {t(complete ? 'browser.count' : 'browser.countSoFar', {
                count: matched,
                formatted: matched.toLocaleString(i18n.language),
              })}
            </Text>
            <SelectionSummary />
          </Group>
          <Group align="stretch" gap="md" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
            <Card
              withBorder
              p={0}
              style={{
                flex: 1,
                display: 'flex',
                minHeight: 0,
                position: 'relative',
                outline: dropping ? '2px dashed var(--mantine-primary-color-filled)' : undefined,
              }}
              onDragOver={onDragOver}
              onDragLeave={() => setDropping(false)}
              onDrop={onDrop}
              onContextMenu={(e) => {
                e.preventDefault();
                setMenu({ x: e.clientX, y: e.clientY, entries: [] });
              }}
              data-testid="drop-zone"
            >
              {dropping && (
                <Text
                  size="sm"
                  fw={600}
                  c="blue.8"
                  bg="var(--mantine-color-body)"
                  p="xs"
                  style={{ position: 'absolute', bottom: 8, left: 8, zIndex: 2, pointerEvents: 'none' }}
                >
                  {t('browser.manage.drop.hint', { folder: path === '' ? currentName : nameOf(path) })}
                </Text>
              )}
              {complete && matched === 0 ? (
                <Text p="md" c="dimmed">
                  {filter === '' ? t('browser.emptyFolder') : t('browser.noMatch')}
                </Text>
              ) : (
                <FileList onOpen={(to) => open(connectorId, to)} actions={actions} onMenu={setMenu} />
              )}
            </Card>
            <DetailsFold>
              <DetailsPanel connectorId={connectorId} entry={focused} selectedCount={selected.size} />
            </DetailsFold>
          </Group>
        </>
      )}
      {connectorId !== null && (
        <EntryMenu
          request={menu}
          actions={actions}
          onOpen={(to) => open(connectorId, to)}
          onClose={() => setMenu(undefined)}
        />
      )}
      {actions.dialogs}
      {picker === 'download' && connectorId !== null && (
        <LocationPicker
          mode="folder"
          onClose={() => setPicker(undefined)}
          onChoose={([folder]) =>
            folder !== undefined &&
            transfer(
              [...selected].map((p) => ({ connectorId, path: p })),
              folder,
            )
          }
        />
      )}
      {picker === 'upload' && connectorId !== null && (
        <LocationPicker
          mode="items"
          onClose={() => setPicker(undefined)}
          onChoose={(items) => transfer(items, { connectorId, path })}
        />
      )}
    </Stack>
  );
}
