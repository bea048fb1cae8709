import { Alert, Breadcrumbs, Button, Card, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconRefresh, IconUpload } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../../ipc-client';
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
import { crumbsOf } from './format';
import { LocationPicker, type PickedLocation } from './location-picker';

/** The local disk's connector id in the picker (main resolves it; see DriverProvider). */
const LOCAL_DISK = 'local-disk';

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

/** The file browser: a connector, breadcrumbs, a virtual list, details and preview, download and upload. */
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
            <Breadcrumbs separator="/" aria-label={t('browser.breadcrumbs')}>
              <CrumbLink onClick={() => open(connectorId, '')}>{currentName}</CrumbLink>
              {crumbsOf(path).map((c) => (
                <CrumbLink key={c.path} onClick={() => open(connectorId, c.path)}>
                  {c.name}
                </CrumbLink>
              ))}
            </Breadcrumbs>
            <Group gap="xs" wrap="nowrap">
              <FilterInput key={`${connectorId}\n${path}`} initial={filter} />
              <Button
                color="blue.8"
                leftSection={<IconDownload size={16} />}
                disabled={selected.size === 0}
                onClick={() => setPicker('download')}
              >
                {t('browser.download', { count: selected.size })}
              </Button>
              <Button variant="default" leftSection={<IconUpload size={16} />} onClick={() => setPicker('upload')}>
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
          <Text size="xs" c="dimmed" aria-live="polite" data-testid="listing-status">
            {t(complete ? 'browser.count' : 'browser.countSoFar', {
              count: matched,
              formatted: matched.toLocaleString(i18n.language),
            })}
          </Text>
          <Group align="stretch" gap="md" wrap="nowrap" style={{ flex: 1, minHeight: 0 }}>
            <Card withBorder p={0} style={{ flex: 1, display: 'flex', minHeight: 0 }}>
              {complete && matched === 0 ? (
                <Text p="md" c="dimmed">
                  {filter === '' ? t('browser.emptyFolder') : t('browser.noMatch')}
                </Text>
              ) : (
                <FileList onOpen={(to) => open(connectorId, to)} />
              )}
            </Card>
            <DetailsFold>
              <DetailsPanel connectorId={connectorId} entry={focused} selectedCount={selected.size} />
            </DetailsFold>
          </Group>
        </>
      )}
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
