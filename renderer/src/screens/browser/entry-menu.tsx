import { Menu, Text, Tooltip } from '@mantine/core';
import { IconClipboard, IconEdit, IconFolderOpen, IconFolderPlus, IconTrash } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrowserEntry } from '../../../../shared/ipc/browser-ipc';
import type { Ability, EntryActions } from './use-entry-actions';

/** Where the context menu opens (viewport coordinates) and on what (none: the folder's empty space). */
export interface MenuRequest {
  readonly x: number;
  readonly y: number;
  readonly entries: readonly BrowserEntry[];
}

// A disabled item says why, in its text (read with it) and in a tooltip (a wrapper receives the pointer).
function Item({
  ability = { allowed: true },
  icon,
  shortcut,
  onClick,
  children,
  color,
}: {
  readonly ability?: Ability;
  readonly icon: ReactNode;
  readonly shortcut?: string;
  readonly onClick: () => void;
  readonly children: ReactNode;
  readonly color?: string;
}) {
  const { t } = useTranslation();
  const item = (
    <Menu.Item leftSection={icon} rightSection={shortcut} disabled={!ability.allowed} onClick={onClick} color={color}>
      {children}
      {ability.why !== undefined && (
        <Text size="xs" c="dimmed" maw={240}>
          {t(ability.why)}
        </Text>
      )}
    </Menu.Item>
  );
  if (ability.why === undefined) return item;
  return (
    <Tooltip label={t(ability.why)} position="right" multiline w={260}>
      <div>{item}</div>
    </Tooltip>
  );
}

/** The browser's context menu: open, rename (F2), copy path, delete (Del) on entries; new folder anywhere. */
export function EntryMenu({
  request,
  actions,
  onOpen,
  onClose,
}: {
  readonly request: MenuRequest | undefined;
  readonly actions: EntryActions;
  readonly onOpen: (path: string) => void;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const entries = request?.entries ?? [];
  const single = entries.length === 1 ? entries[0] : undefined;
  return (
    <Menu
      opened={request !== undefined}
      onChange={(opened) => !opened && onClose()}
      position="bottom-start"
      offset={0}
      withinPortal
      trapFocus
      returnFocus
    >
      <Menu.Target>
        <div
          aria-hidden
          style={{ position: 'fixed', left: request?.x ?? 0, top: request?.y ?? 0, width: 1, height: 1 }}
        />
      </Menu.Target>
      <Menu.Dropdown aria-label={t('browser.manage.actions')} data-testid="entry-menu">
        {single?.type === 'directory' && (
          <Item icon={<IconFolderOpen size={16} />} shortcut="↵" onClick={() => onOpen(single.path)}>
            {t('browser.manage.open')}
          </Item>
        )}
        {single !== undefined && (
          <Item
            icon={<IconEdit size={16} />}
            shortcut="F2"
            ability={actions.canRename(single)}
            onClick={() => actions.rename(single)}
          >
            {t('browser.manage.rename')}
          </Item>
        )}
        {single !== undefined && (
          <Item icon={<IconClipboard size={16} />} onClick={() => actions.copyPath(single)}>
            {t('browser.manage.copyPath')}
          </Item>
        )}
        {entries.length > 0 && (
          <Item icon={<IconTrash size={16} />} shortcut="Del" color="red.8" onClick={() => actions.remove(entries)}>
            {t('browser.manage.delete')}
          </Item>
        )}
        <Item icon={<IconFolderPlus size={16} />} ability={actions.canCreate} onClick={actions.newFolder}>
          {t('browser.manage.newFolder')}
        </Item>
      </Menu.Dropdown>
    </Menu>
  );
}
