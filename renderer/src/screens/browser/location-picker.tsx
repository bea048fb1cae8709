import {
  ActionIcon,
  Alert,
  Breadcrumbs,
  Button,
  Checkbox,
  Group,
  Loader,
  Modal,
  ScrollArea,
  Stack,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowRight, IconFile, IconFolder, IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrowserEntry } from '../../../../shared/ipc/browser-ipc';
import { BROWSER_MAX_WINDOW } from '../../../../shared/ipc/browser-ipc';
import { invoke } from '../../ipc-client';
import { describeError as errorMessage } from '../connectors/connector-error-message';
import { CrumbLink } from './crumb-link';
import { displayPath, isAbsoluteLocalPath } from './entry-paths';
import { crumbsOf } from './format';

/** A place on a connector (or the local disk). */
export interface PickedLocation {
  readonly connectorId: string;
  readonly path: string;
}

type Listing =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly entries: readonly BrowserEntry[]; readonly more: boolean }
  | { readonly status: 'failed'; readonly message: string };

/** The UI preference remembering the folder the picker showed last. */
const LAST_FOLDER = 'browser.picker-last-folder';

/** The remembered folder, when it is one of this computer's (a local-disk location). */
async function lastFolder(): Promise<PickedLocation | undefined> {
  const { value } = await invoke('ui.getPreference', { key: LAST_FOLDER });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { connectorId, path } = value as Record<string, unknown>;
  if (typeof connectorId !== 'string' || !connectorId.startsWith('local-disk') || typeof path !== 'string') {
    return undefined;
  }
  return { connectorId, path };
}

/**
 * Chooses a folder (download destination) or files and folders (to upload) on the local disk, inside the app: the
 * harness's picker (Electron shows the OS's dialog instead). Starts in the folder shown last (else the user's home
 * folder), takes a typed absolute path, and lists again on refresh.
 */
export function LocationPicker({
  mode,
  onChoose,
  onClose,
}: {
  readonly mode: 'folder' | 'items';
  readonly onChoose: (picked: readonly PickedLocation[]) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const [where, setWhere] = useState<PickedLocation | undefined>();
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [filter, setFilter] = useState('');
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [typed, setTyped] = useState('');
  const [typedError, setTypedError] = useState<string | undefined>();
  // Bumped by Refresh: the same folder is listed again, read afresh from the disk.
  const [reload, setReload] = useState(0);
  // Every move shows the folder's path in the typed-path field and is remembered for the next time.
  const moveTo = (location: PickedLocation) => {
    setWhere(location);
    setTyped(displayPath(location.connectorId, location.path));
    void invoke('ui.setPreference', { key: LAST_FOLDER, value: { ...location } }).catch(() => undefined);
  };

  useEffect(() => {
    const home = () =>
      invoke('browser.places', {}).then(
        (places) => moveTo(places.home),
        (error: unknown) => setListing({ status: 'failed', message: errorMessage(error) }),
      );
    lastFolder().then((last) => (last === undefined ? home() : moveTo(last)), home);
  }, []);
  useEffect(() => {
    if (where === undefined) return;
    let current = true;
    invoke('browser.list', {
      ...where,
      offset: 0,
      limit: BROWSER_MAX_WINDOW,
      sort: { by: 'type', direction: 'asc' },
      filter,
      ...(reload > 0 ? { refresh: true } : {}),
    }).then(
      (w) => current && setListing({ status: 'ready', entries: w.entries, more: w.matched > w.entries.length }),
      (error: unknown) => current && setListing({ status: 'failed', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [where, filter, reload]);

  const go = (path: string) => {
    if (where === undefined) return;
    setListing({ status: 'loading' });
    moveTo({ connectorId: where.connectorId, path });
    setFilter('');
    setPicked(new Set());
  };
  // A typed absolute path of this computer: main turns it into a location (and refuses what it cannot reach).
  const goTyped = () => {
    const text = typed.trim();
    if (!isAbsoluteLocalPath(text)) return setTypedError(t('browser.picker.notAbsolute'));
    setTypedError(undefined);
    invoke('browser.localLocations', { paths: [text] }).then(
      ({ locations: [location] }) => {
        if (location === undefined) return;
        setListing({ status: 'loading' });
        moveTo(location);
        setFilter('');
        setPicked(new Set());
      },
      (error: unknown) => setTypedError(errorMessage(error)),
    );
  };
  const toggle = (path: string) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });

  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={mode === 'folder' ? t('browser.picker.folderTitle') : t('browser.picker.itemsTitle')}
    >
      <Stack gap="sm">
        {where !== undefined && (
          <Breadcrumbs separator="/" aria-label={t('browser.breadcrumbs')}>
            <CrumbLink onClick={() => go('')}>{t('browser.computer')}</CrumbLink>
            {crumbsOf(where.path).map((c) => (
              <CrumbLink key={c.path} onClick={() => go(c.path)}>
                {c.name}
              </CrumbLink>
            ))}
          </Breadcrumbs>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            goTyped();
          }}
        >
          <Group gap="xs" align="flex-start" wrap="nowrap">
            <TextInput
              style={{ flex: 1 }}
              label={t('browser.picker.typedPath')}
              placeholder={t('browser.picker.typedPathHint')}
              value={typed}
              error={typedError}
              onChange={(e) => {
                setTyped(e.currentTarget.value);
                setTypedError(undefined);
              }}
              spellCheck={false}
              autoComplete="off"
              data-testid="picker-path"
            />
            <Button type="submit" variant="default" mt={25} rightSection={<IconArrowRight size={14} aria-hidden />}>
              {t('browser.picker.go')}
            </Button>
            <Tooltip label={t('browser.picker.refresh')}>
              <ActionIcon
                variant="default"
                size={36}
                mt={25}
                aria-label={t('browser.picker.refresh')}
                disabled={where === undefined}
                onClick={() => {
                  setListing({ status: 'loading' });
                  setReload((n) => n + 1);
                }}
              >
                <IconRefresh size={16} aria-hidden />
              </ActionIcon>
            </Tooltip>
          </Group>
        </form>
        <TextInput
          aria-label={t('browser.filter')}
          placeholder={t('browser.filter')}
          value={filter}
          onChange={(e) => {
            setListing({ status: 'loading' });
            setFilter(e.currentTarget.value);
          }}
        />
        <ScrollArea h={320} type="auto">
          {listing.status === 'loading' && <Loader size="sm" aria-label={t('app.loading')} />}
          {listing.status === 'failed' && <Alert color="red">{listing.message}</Alert>}
          {listing.status === 'ready' && (
            <Stack gap={2} role="list">
              {listing.entries.length === 0 && (
                <Text size="sm" c="dimmed">
                  {t('browser.emptyFolder')}
                </Text>
              )}
              {listing.entries.map((e) => (
                <Group key={e.path} gap="xs" wrap="nowrap" role="listitem">
                  {mode === 'items' && (
                    <Checkbox
                      aria-label={t('browser.picker.pick', { name: e.name })}
                      checked={picked.has(e.path)}
                      onChange={() => toggle(e.path)}
                    />
                  )}
                  {e.type === 'directory' ? <IconFolder size={16} aria-hidden /> : <IconFile size={16} aria-hidden />}
                  {e.type === 'directory' ? (
                    <UnstyledButton onClick={() => go(e.path)}>
                      <Text size="sm">{e.name}</Text>
                    </UnstyledButton>
                  ) : (
                    <Text size="sm">{e.name}</Text>
                  )}
                </Group>
              ))}
              {listing.more && (
                <Text size="xs" c="dimmed">
                  {t('browser.picker.more')}
                </Text>
              )}
            </Stack>
          )}
        </ScrollArea>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('connectors.cancel')}
          </Button>
          {mode === 'folder' ? (
            <Button
              color="blue.8"
              disabled={where === undefined}
              onClick={() => where !== undefined && onChoose([where])}
            >
              {t('browser.picker.chooseFolder')}
            </Button>
          ) : (
            <Button
              color="blue.8"
              disabled={where === undefined || picked.size === 0}
              onClick={() =>
                where !== undefined && onChoose([...picked].map((path) => ({ connectorId: where.connectorId, path })))
              }
            >
              {t('browser.picker.upload', { count: picked.size })}
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
