import { Box, Group, Text, UnstyledButton } from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconFile, IconFolder } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type MouseEvent, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { BrowserSortKey } from '../../../../shared/ipc/browser-ipc';
import { BROWSER_PAGE, useBrowserStore } from '../../stores/browser-store';
import { formatSize } from '../../../../shared/format/format-size';
import type { MenuRequest } from './entry-menu';
import { formatDate } from './format';
import type { EntryActions } from './use-entry-actions';

const ROW_HEIGHT = 34;
const COLUMNS = '1fr 110px 190px';

function SortHeader({ by, label }: { readonly by: BrowserSortKey; readonly label: string }) {
  const sort = useBrowserStore((s) => s.sort);
  const setSort = useBrowserStore((s) => s.setSort);
  const { t } = useTranslation();
  const active = sort.by === by;
  return (
    <UnstyledButton
      onClick={() => setSort({ by, direction: active && sort.direction === 'asc' ? 'desc' : 'asc' })}
      aria-label={t(active ? `browser.sortedBy.${sort.direction}` : 'browser.sortBy', { column: label })}
    >
      <Group gap={4} wrap="nowrap">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        {active && (sort.direction === 'asc' ? <IconArrowUp size={14} /> : <IconArrowDown size={14} />)}
      </Group>
    </UnstyledButton>
  );
}

/**
 * The folder's entries as a virtual list: only rows in view (plus a few) are in the DOM, pages load from main as
 * they come into view. Mouse: click selects, Ctrl/Cmd-click toggles, Shift-click extends, double-click opens a
 * folder, right-click opens the context menu. Keyboard: arrows move, Shift+arrows extend, Space toggles, Enter
 * opens, Ctrl+A selects what is loaded, F2 renames, Del deletes, Backspace or Alt+Up goes up, Shift+F10 or the
 * menu key opens the context menu.
 */
export function FileList({
  onOpen,
  actions,
  onMenu,
}: {
  readonly onOpen: (path: string) => void;
  readonly actions: EntryActions;
  readonly onMenu: (request: MenuRequest) => void;
}) {
  const { t, i18n } = useTranslation();
  const matched = useBrowserStore((s) => s.matched);
  const complete = useBrowserStore((s) => s.complete);
  const pages = useBrowserStore((s) => s.pages);
  const selected = useBrowserStore((s) => s.selected);
  const focus = useBrowserStore((s) => s.focus);
  const generation = useBrowserStore((s) => s.generation);
  const store = useBrowserStore.getState;
  const parent = useRef<HTMLDivElement>(null);
  // While the folder is still being read, leave a page of room below so scrolling asks for more.
  const count = complete ? matched : matched + (matched > 0 ? BROWSER_PAGE : 0);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is meant to re-render its rows
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => parent.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (count > 0) store().ensureRange(first, last);
  }, [first, last, count, pages, store]);
  useEffect(() => {
    parent.current?.scrollTo({ top: 0 });
  }, [generation]);

  // The menu opens on what is selected; a right-click outside the selection selects that row first.
  const openMenu = (event: MouseEvent, index: number | undefined) => {
    event.preventDefault();
    event.stopPropagation();
    const s = store();
    const entry = index === undefined ? undefined : s.entryAt(index);
    if (index !== undefined && entry !== undefined && !s.selected.has(entry.path)) s.select(index, 'only');
    onMenu({ x: event.clientX, y: event.clientY, entries: entry === undefined ? [] : actions.targets() });
  };
  const menuAtFocus = () => {
    const s = store();
    const row = parent.current?.querySelector<HTMLElement>(`[data-row="${s.focus}"]`);
    const box = row?.getBoundingClientRect() ?? parent.current?.getBoundingClientRect();
    const entry = s.entryAt(s.focus);
    if (entry !== undefined && s.selected.size === 0) s.select(s.focus, 'only');
    onMenu({
      x: (box?.left ?? 0) + 24,
      y: (box?.bottom ?? 0) - 4,
      entries: entry === undefined ? [] : actions.targets(),
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const s = store();
    // Cmd+Backspace deletes on macOS, where the key labelled Delete is Backspace.
    if (event.key === 'Backspace' && event.metaKey) {
      event.preventDefault();
      actions.remove(actions.targets());
      return;
    }
    if ((event.key === 'ArrowUp' && event.altKey) || event.key === 'Backspace') {
      event.preventDefault();
      actions.goUp();
      return;
    }
    const move = (to: number) => {
      const index = Math.max(0, Math.min(count - 1, to));
      if (event.shiftKey) s.select(index, 'range');
      else s.setFocus(index);
      virtualizer.scrollToIndex(index);
    };
    switch (event.key) {
      case 'ArrowDown':
        move(s.focus + 1);
        break;
      case 'ArrowUp':
        move(s.focus - 1);
        break;
      case 'PageDown':
        move(s.focus + 15);
        break;
      case 'PageUp':
        move(s.focus - 15);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(count - 1);
        break;
      case ' ':
        s.select(s.focus, 'toggle');
        break;
      case 'Enter': {
        const entry = s.entryAt(s.focus);
        if (entry?.type === 'directory') onOpen(entry.path);
        else if (entry !== undefined) s.select(s.focus, 'only');
        break;
      }
      case 'a':
        if (!(event.ctrlKey || event.metaKey)) return;
        s.selectAllLoaded();
        break;
      case 'Escape':
        s.clearSelection();
        break;
      case 'F2': {
        const [only, ...others] = actions.targets();
        if (only !== undefined && others.length === 0) actions.rename(only);
        break;
      }
      case 'Delete':
        actions.remove(actions.targets());
        break;
      case 'ContextMenu':
        menuAtFocus();
        break;
      case 'F10':
        if (!event.shiftKey) return;
        menuAtFocus();
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const focusedEntry = useBrowserStore.getState().entryAt(focus);
  return (
    <Box style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      <Box
        px="sm"
        py={6}
        style={{
          display: 'grid',
          gridTemplateColumns: COLUMNS,
          gap: 12,
          borderBottom: '1px solid var(--mantine-color-default-border)',
        }}
      >
        <SortHeader by="name" label={t('browser.columns.name')} />
        <SortHeader by="size" label={t('browser.columns.size')} />
        <SortHeader by="mtime" label={t('browser.columns.modified')} />
      </Box>
      <div
        ref={parent}
        role="listbox"
        aria-multiselectable="true"
        aria-label={t('browser.listLabel')}
        aria-activedescendant={focusedEntry === undefined ? undefined : `row-${focus}`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onContextMenu={(e) => openMenu(e, undefined)}
        data-testid="file-list"
        style={{ overflow: 'auto', flex: 1, minHeight: 200, position: 'relative', outlineOffset: -2 }}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const entry = store().entryAt(item.index);
            const isSelected = entry !== undefined && selected.has(entry.path);
            return (
              <div
                key={item.key}
                id={`row-${item.index}`}
                role="option"
                aria-selected={isSelected}
                data-row={item.index}
                data-name={entry?.name}
                onClick={(e) =>
                  store().select(item.index, e.shiftKey ? 'range' : e.ctrlKey || e.metaKey ? 'toggle' : 'only')
                }
                onDoubleClick={() => entry?.type === 'directory' && onOpen(entry.path)}
                onContextMenu={(e) => openMenu(e, item.index)}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ROW_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                  display: 'grid',
                  gridTemplateColumns: COLUMNS,
                  gap: 12,
                  alignItems: 'center',
                  padding: '0 var(--mantine-spacing-sm)',
                  cursor: 'default',
                  userSelect: 'none',
                  background: isSelected ? 'var(--mantine-primary-color-light)' : undefined,
                  outline: item.index === focus ? '1px dashed var(--mantine-primary-color-filled)' : undefined,
                }}
              >
                {entry === undefined ? (
                  <Text size="sm" c="dimmed">
                    {t('browser.loadingRow')}
                  </Text>
                ) : (
                  <>
                    <Group gap={6} wrap="nowrap" style={{ overflow: 'hidden' }}>
                      {entry.type === 'directory' ? (
                        <IconFolder size={16} aria-hidden />
                      ) : (
                        <IconFile size={16} aria-hidden />
                      )}
                      <Text size="sm" truncate title={entry.name}>
                        {entry.name}
                      </Text>
                    </Group>
                    <Text size="sm" c="dimmed" ta="right">
                      {entry.type === 'file' ? formatSize(entry.size, i18n.language) : ''}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {formatDate(entry.mtimeMs, i18n.language)}
                    </Text>
                  </>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </Box>
  );
}
