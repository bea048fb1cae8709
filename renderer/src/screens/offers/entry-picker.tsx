import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BROWSER_MAX_WINDOW } from '../../../../shared/ipc/browser-ipc';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { type PickerEntry, type PickerListing, PickerDialog } from '../browser/picker-dialog';

/** Where the picker browses: the local disk or one of my connectors (through main), or an organisation connector. */
export type PickerSource =
  { readonly kind: 'mine'; readonly connectorId: string } | { readonly kind: 'org'; readonly connectorId: string };

/** The local disk's connector id (main resolves it; see DriverProvider). */
export const LOCAL_DISK = 'local-disk';

async function listOf(source: PickerSource, path: string): Promise<{ entries: PickerEntry[]; more: boolean }> {
  if (source.kind === 'mine') {
    const w = await invoke('browser.list', {
      connectorId: source.connectorId,
      path,
      offset: 0,
      limit: BROWSER_MAX_WINDOW,
      sort: { by: 'type', direction: 'asc' },
      filter: '',
    });
    return { entries: w.entries, more: w.matched > w.entries.length };
  }
  const page = await invoke('orgConnectors.entries', {
    params: { connectorId: source.connectorId },
    query: { path, limit: 1000 },
  });
  const entries = [...page.entries].sort((a, b) =>
    a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1,
  );
  return { entries, more: page.cursor !== null };
}

/**
 * Chooses files and folders (to upload or import) or one folder (a subscription's source) on the local disk, one of
 * my connectors or an organisation connector, inside the app: the same code runs in Electron and the test harness.
 * The local disk starts in the home folder; a path can be typed.
 */
export function EntryPicker({
  source,
  mode,
  title,
  chooseLabel,
  onChoose,
  onClose,
}: {
  readonly source: PickerSource;
  readonly mode: 'items' | 'folder';
  readonly title: string;
  /** The confirm button's label; `count` is the number of picked entries. */
  readonly chooseLabel: (count: number) => string;
  /** The picked paths (items) or the folder (folder mode, one path). */
  readonly onChoose: (paths: readonly string[]) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const { kind, connectorId } = source;
  const localDisk = kind === 'mine' && connectorId === LOCAL_DISK;
  const [where, setWhere] = useState<string | undefined>(localDisk ? undefined : '');
  const [typed, setTyped] = useState('');
  const [listing, setListing] = useState<PickerListing>({ status: 'loading' });

  useEffect(() => {
    if (where !== undefined) return;
    invoke('browser.places', {}).then(
      ({ home }) => {
        setWhere(home.path);
        setTyped(home.path);
      },
      (error: unknown) => setListing({ status: 'failed', message: errorMessage(error) }),
    );
  }, [where]);
  useEffect(() => {
    if (where === undefined) return;
    let current = true;
    listOf({ kind, connectorId }, where).then(
      (l) => current && setListing({ status: 'ready', ...l }),
      (error: unknown) => current && setListing({ status: 'failed', message: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
    // The source's fields, not its object: a parent may pass a new but equal one on every render.
  }, [kind, connectorId, where]);

  const go = (path: string) => {
    const next = path.replace(/^\/+|\/+$/g, '');
    setListing({ status: 'loading' });
    setWhere(next);
    setTyped(next);
  };

  return (
    <PickerDialog
      mode={mode}
      labels={{
        title,
        root: localDisk ? t('offers.picker.computer') : '/',
        breadcrumbs: t('offers.picker.breadcrumbs'),
        typedPath: t('offers.picker.path'),
        go: t('offers.picker.go'),
        empty: t('offers.picker.empty'),
        more: t('offers.picker.more'),
        cancel: t('offers.cancel'),
        close: t('offers.close'),
        entries: t('offers.picker.entries'),
        pick: (name) => t('offers.picker.pick', { name }),
        open: (name) => t('offers.picker.open', { name }),
        choose: chooseLabel,
      }}
      where={where}
      listing={listing}
      onGo={go}
      typed={typed}
      onTypedChange={setTyped}
      onTypedSubmit={() => go(typed)}
      showSizes
      onChoose={onChoose}
      onClose={onClose}
    />
  );
}
