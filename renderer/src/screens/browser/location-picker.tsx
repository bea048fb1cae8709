import { ActionIcon, TextInput, Tooltip } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BROWSER_MAX_WINDOW } from '../../../../shared/ipc/browser-ipc';
import { invoke } from '../../ipc-client';
import { describeError as errorMessage } from '../connectors/connector-error-message';
import { displayPath, isAbsoluteLocalPath } from './entry-paths';
import { type PickerListing, PickerDialog } from './picker-dialog';
/** A place on a connector (or the local disk). */
export interface PickedLocation {
  readonly connectorId: string;
  readonly path: string;
}

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
  const [listing, setListing] = useState<PickerListing>({ status: 'loading' });
  const [filter, setFilter] = useState('');
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
      },
      (error: unknown) => setTypedError(errorMessage(error)),
    );
  };

  return (
    <PickerDialog
      mode={mode}
      labels={{
        title: mode === 'folder' ? t('browser.picker.folderTitle') : t('browser.picker.itemsTitle'),
        root: t('browser.computer'),
        breadcrumbs: t('browser.breadcrumbs'),
        typedPath: t('browser.picker.typedPath'),
        typedPathHint: t('browser.picker.typedPathHint'),
        go: t('browser.picker.go'),
        empty: t('browser.emptyFolder'),
        more: t('browser.picker.more'),
        cancel: t('connectors.cancel'),
        pick: (name) => t('browser.picker.pick', { name }),
        choose: (count) =>
          mode === 'folder' ? t('browser.picker.chooseFolder') : t('browser.picker.upload', { count }),
      }}
      where={where?.path}
      listing={listing}
      onGo={go}
      typed={typed}
      onTypedChange={(value) => {
        setTyped(value);
        setTypedError(undefined);
      }}
      onTypedSubmit={goTyped}
      typedError={typedError}
      tools={
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
      }
      filter={
        <TextInput
          aria-label={t('browser.filter')}
          placeholder={t('browser.filter')}
          value={filter}
          onChange={(e) => {
            setListing({ status: 'loading' });
            setFilter(e.currentTarget.value);
          }}
        />
      }
      onChoose={(paths) =>
        where !== undefined && onChoose(paths.map((path) => ({ connectorId: where.connectorId, path })))
      }
      onClose={onClose}
    />
  );
}
