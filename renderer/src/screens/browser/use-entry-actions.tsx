import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrowserAbilities, BrowserEntry } from '../../../../shared/ipc/browser-ipc';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { useBrowserStore } from '../../stores/browser-store';
import { DeleteDialog } from './delete-dialog';
import { displayPath, nameOf, parentOf } from './entry-paths';
import { NameDialog } from './name-dialog';

/** Whether an action is possible, and the translation key of why not. */
export interface Ability {
  readonly allowed: boolean;
  readonly why?: string;
}

/** What the browser can do with its entries: each action, whether it is possible here, and its dialogs. */
export interface EntryActions {
  readonly canCreate: Ability;
  canRename(entry: BrowserEntry | undefined): Ability;
  /** The selected entries that are loaded, or the focused one when nothing is selected. */
  targets(): BrowserEntry[];
  newFolder(): void;
  rename(entry: BrowserEntry): void;
  remove(entries: readonly BrowserEntry[]): void;
  copyPath(entry: BrowserEntry): void;
  goUp(): void;
  /** The open dialog, if any. */
  readonly dialogs: ReactNode;
}

type Dialog =
  | { readonly kind: 'newFolder' }
  | { readonly kind: 'rename'; readonly entry: BrowserEntry }
  | { readonly kind: 'delete'; readonly entries: readonly BrowserEntry[] };

// Every loaded entry whose path is selected, in list order.
function selectedEntries(): BrowserEntry[] {
  const { pages, selected } = useBrowserStore.getState();
  if (selected.size === 0) return [];
  return Object.keys(pages)
    .map(Number)
    .sort((a, b) => a - b)
    .flatMap((page) => pages[page] ?? [])
    .filter((e) => selected.has(e.path));
}

const denied = (why: string): Ability => ({ allowed: false, why });

/** New folder, rename, delete, copy path and go up on the shown folder, disabled where the connector cannot. */
export function useEntryActions(connectorId: string, path: string, placeName: string): EntryActions {
  const { t } = useTranslation();
  const [dialog, setDialog] = useState<Dialog | undefined>();
  const abilities = useQuery({
    queryKey: ['browser.abilities', connectorId],
    queryFn: () => invoke('browser.abilities', { connectorId }),
    staleTime: 60_000,
    enabled: connectorId !== '',
  }).data as BrowserAbilities | undefined;
  const store = useBrowserStore.getState;
  const reload = () => {
    store().clearSelection();
    store().refresh();
  };

  const canCreate: Ability =
    abilities === undefined || abilities.mkdir.allowed ? { allowed: true } : denied('browser.manage.why.prefixes');
  const canRename = (entry: BrowserEntry | undefined): Ability => {
    if (abilities === undefined) return { allowed: true };
    if (!abilities.rename.allowed) return denied('browser.manage.why.noRename');
    if (entry?.type === 'directory' && !abilities.renameFolders.allowed) {
      return denied('browser.manage.why.folderPrefixes');
    }
    return { allowed: true };
  };

  const targets = (): BrowserEntry[] => {
    const chosen = selectedEntries();
    if (chosen.length > 0) return chosen;
    const s = store();
    const focused = s.entryAt(s.focus);
    return focused === undefined ? [] : [focused];
  };

  const dialogs = (() => {
    if (dialog === undefined) return null;
    const close = () => setDialog(undefined);
    switch (dialog.kind) {
      case 'newFolder':
        return (
          <NameDialog
            title={t('browser.manage.nameDialog.newFolderTitle', { folder: path === '' ? placeName : nameOf(path) })}
            initial=""
            submitLabel={t('browser.manage.nameDialog.create')}
            onClose={close}
            onSubmit={async (name) => {
              await invoke('browser.mkdir', { connectorId, path, name });
              notifications.show({ color: 'green', message: t('browser.manage.done.created', { name }) });
              reload();
            }}
          />
        );
      case 'rename':
        return (
          <NameDialog
            title={t('browser.manage.nameDialog.renameTitle', { name: dialog.entry.name })}
            initial={dialog.entry.name}
            submitLabel={t('browser.manage.nameDialog.rename')}
            onClose={close}
            onSubmit={async (name) => {
              await invoke('browser.rename', { connectorId, path: dialog.entry.path, name });
              notifications.show({ color: 'green', message: t('browser.manage.done.renamed', { name }) });
              reload();
            }}
          />
        );
      case 'delete':
        return (
          <DeleteDialog
            entries={dialog.entries}
            place={path === '' ? placeName : displayPath(connectorId, path)}
            onClose={close}
            onConfirm={async () => {
              try {
                await invoke('browser.remove', { connectorId, paths: dialog.entries.map((e) => e.path) });
                notifications.show({
                  color: 'green',
                  message: t('browser.manage.done.deleted', { count: dialog.entries.length }),
                });
              } catch (error) {
                notifyError(error);
                throw error;
              } finally {
                reload();
              }
            }}
          />
        );
    }
  })();

  return {
    canCreate,
    canRename,
    targets,
    newFolder: () => canCreate.allowed && setDialog({ kind: 'newFolder' }),
    rename: (entry) => canRename(entry).allowed && setDialog({ kind: 'rename', entry }),
    remove: (entries) => entries.length > 0 && setDialog({ kind: 'delete', entries }),
    copyPath: (entry) =>
      void navigator.clipboard.writeText(displayPath(connectorId, entry.path)).then(
        () => notifications.show({ color: 'blue', message: t('browser.manage.pathCopied') }),
        () => notifications.show({ color: 'red', message: t('browser.manage.copyFailed') }),
      ),
    goUp: () => path !== '' && store().open(connectorId, parentOf(path)),
    dialogs,
  };
}
