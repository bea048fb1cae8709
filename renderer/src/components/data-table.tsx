import {
  ActionIcon,
  Alert,
  Box,
  Checkbox,
  Group,
  Loader,
  Menu,
  Pagination,
  Select,
  Table,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconArrowsSort, IconColumns3, IconSearch } from '@tabler/icons-react';
import {
  type ColumnDef,
  type ColumnVisibilityState,
  type PaginationState,
  type RowData,
  type SortingState,
  columnFilteringFeature,
  columnVisibilityFeature,
  createFilteredRowModel,
  createPaginatedRowModel,
  createSortedRowModel,
  filterFn_includesString,
  globalFilteringFeature,
  rowPaginationFeature,
  rowSortingFeature,
  sortFn_alphanumeric,
  tableFeatures,
  useTable,
} from '@tanstack/react-table';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { invoke } from '../ipc-client';

/**
 * One column of a DataTable: an ID (stable: it keys the remembered choices), a header, how to render a row's
 * cell, and for sorting/filtering in client mode the plain value. `sortable` and `hideable` default to true.
 */
export interface DataColumn<T> {
  readonly id: string;
  readonly header: string;
  readonly cell: (row: T) => ReactNode;
  /** The plain value, for client-side sort and filter (server mode ignores it). */
  readonly value?: (row: T) => string | number | null;
  readonly sortable?: boolean;
  /** False for columns that must stay visible (e.g. the name, the actions). */
  readonly hideable?: boolean;
  /** Hidden until the user shows it. */
  readonly hiddenByDefault?: boolean;
  /** Right-align (numbers, actions). */
  readonly align?: 'left' | 'right';
}

/** What the table shows: sort, page and the text filter; in server mode the parent fetches this page. */
export interface DataTableQuery {
  readonly sort: { readonly id: string; readonly desc: boolean } | null;
  readonly pageIndex: number;
  readonly pageSize: number;
  readonly filter: string;
}

/** Client mode: all rows are given and the table sorts, filters and pages them. Server mode: one page is given. */
export type DataTableMode = { readonly kind: 'client' } | { readonly kind: 'server'; readonly total: number };

/** Props of DataTable. */
export interface DataTableProps<T extends RowData> {
  /** Names the table in the remembered preferences (`table.<tableId>`): sort, page size, hidden columns. */
  readonly tableId: string;
  /** Accessible name of the table. */
  readonly label: string;
  readonly columns: readonly DataColumn<T>[];
  readonly rows: readonly T[];
  readonly getRowId: (row: T) => string;
  readonly mode: DataTableMode;
  /** Called with the sort, page and filter at start and on every change (debounced for typing). */
  readonly onQueryChange?: (query: DataTableQuery) => void;
  /**
   * The parent's own filters beside the table's filter box (a role, an action, dates), any JSON value: when they
   * change the table goes back to its first page, as when the filter box changes.
   */
  readonly filters?: unknown;
  /** The sort before the user picks one. */
  readonly defaultSort?: DataTableQuery['sort'];
  readonly filterLabel?: string;
  /** Extra controls beside the filter (role filter, create button...). */
  readonly toolbar?: ReactNode;
  readonly loading?: boolean;
  /** An error to show instead of the rows (already translated; say what to do). */
  readonly error?: ReactNode;
  /** What to show when there is no row at all (say what to do). */
  readonly empty: ReactNode;
  /** Opens a row (details); the row is also reachable with the keyboard. */
  readonly onRowOpen?: (row: T) => void;
}

interface Remembered {
  readonly sort?: DataTableQuery['sort'];
  readonly pageSize?: number;
  readonly hidden?: readonly string[];
}

const PAGE_SIZES = ['10', '25', '50', '100'];
const features = tableFeatures({
  rowSortingFeature,
  columnFilteringFeature,
  globalFilteringFeature,
  rowPaginationFeature,
  columnVisibilityFeature,
  sortedRowModel: createSortedRowModel(),
  filteredRowModel: createFilteredRowModel(),
  paginatedRowModel: createPaginatedRowModel(),
  sortFns: { alphanumeric: sortFn_alphanumeric },
  filterFns: { includesString: filterFn_includesString },
});

function rememberedOf(value: unknown): Remembered {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const v = value as Record<string, unknown>;
  const sort = v['sort'] as Remembered['sort'];
  return {
    ...(sort === null || (sort && typeof sort.id === 'string' && typeof sort.desc === 'boolean') ? { sort } : {}),
    ...(typeof v['pageSize'] === 'number' ? { pageSize: v['pageSize'] } : {}),
    ...(Array.isArray(v['hidden']) ? { hidden: v['hidden'].filter((h): h is string => typeof h === 'string') } : {}),
  };
}

/**
 * A table that sorts, filters, pages and hides or shows columns, remembering the sort, the page size and the
 * hidden columns across restarts (ui.setPreference `table.<tableId>`). Built on @tanstack/react-table 9 with
 * Mantine. In server mode it reports the wanted page through onQueryChange and shows the rows it is given.
 */
export function DataTable<T extends RowData>(props: DataTableProps<T>) {
  const { t } = useTranslation();
  const { columns, mode, onQueryChange } = props;
  const preferenceKey = `table.${props.tableId}`;
  const [ready, setReady] = useState(false);
  const [sorting, setSorting] = useState<SortingState>(props.defaultSort ? [props.defaultSort] : []);
  const [pagination, setPagination] = useState<PaginationState>({ pageIndex: 0, pageSize: 25 });
  const [visibility, setVisibility] = useState<ColumnVisibilityState>(() =>
    Object.fromEntries(columns.filter((c) => c.hiddenByDefault).map((c) => [c.id, false])),
  );
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');

  // Remembered choices first, then the first query (so the first fetch already uses them).
  useEffect(() => {
    let live = true;
    invoke('ui.getPreference', { key: preferenceKey })
      .then(({ value }) => {
        if (!live) return;
        const saved = rememberedOf(value);
        if (saved.sort !== undefined) setSorting(saved.sort ? [saved.sort] : []);
        if (saved.pageSize !== undefined) setPagination({ pageIndex: 0, pageSize: saved.pageSize });
        if (saved.hidden !== undefined) {
          setVisibility(Object.fromEntries(columns.map((c) => [c.id, !saved.hidden?.includes(c.id)])));
        }
      })
      .catch(() => undefined)
      .finally(() => live && setReady(true));
    return () => {
      live = false;
    };
    // The columns' IDs are stable; reading them once is enough.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [preferenceKey]);

  const firstPage = () => setPagination((p) => (p.pageIndex === 0 ? p : { ...p, pageIndex: 0 }));
  // Adjusted while rendering (not in an effect), so the page reported next with the new filters is the first.
  const filtersKey = JSON.stringify(props.filters ?? null);
  const [seenFilters, setSeenFilters] = useState(filtersKey);
  if (seenFilters !== filtersKey) {
    setSeenFilters(filtersKey);
    firstPage();
  }
  useEffect(() => {
    const timer = setTimeout(() => {
      const next = filterText.trim();
      setFilter((previous) => {
        if (previous !== next) firstPage();
        return next;
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [filterText]);

  const remember = useRef<Remembered>({});
  useEffect(() => {
    if (!ready) return;
    const next: Remembered = {
      sort: sorting[0] ? { id: sorting[0].id, desc: sorting[0].desc } : null,
      pageSize: pagination.pageSize,
      hidden: Object.entries(visibility)
        .filter(([, shown]) => shown === false)
        .map(([id]) => id),
    };
    if (JSON.stringify(next) === JSON.stringify(remember.current)) return;
    remember.current = next;
    void invoke('ui.setPreference', { key: preferenceKey, value: next as never }).catch(() => undefined);
  }, [ready, sorting, pagination.pageSize, visibility, preferenceKey]);

  useEffect(() => {
    if (!ready || !onQueryChange) return;
    const sort = sorting[0] ? { id: sorting[0].id, desc: sorting[0].desc } : null;
    onQueryChange({ sort, pageIndex: pagination.pageIndex, pageSize: pagination.pageSize, filter });
  }, [ready, sorting, pagination, filter, onQueryChange]);

  const columnDefs = useMemo<ColumnDef<typeof features, T>[]>(
    () =>
      columns.map((c) => ({
        id: c.id,
        header: c.header,
        accessorFn: (row: T) => c.value?.(row) ?? '',
        cell: ({ row }: { row: { original: T } }) => c.cell(row.original),
        enableSorting: c.sortable ?? true,
        enableHiding: c.hideable ?? true,
        enableGlobalFilter: c.value !== undefined,
        sortFn: 'alphanumeric',
      })) as ColumnDef<typeof features, T>[],
    [columns],
  );
  const server = mode.kind === 'server';
  const data = props.rows as T[];
  const table = useTable({
    features,
    columns: columnDefs,
    data,
    getRowId: (row: T) => props.getRowId(row),
    state: { sorting, pagination, columnVisibility: visibility, globalFilter: filter },
    onSortingChange: (updater: SortingState | ((old: SortingState) => SortingState)) => {
      setSorting(updater);
      firstPage();
    },
    onPaginationChange: setPagination,
    onColumnVisibilityChange: setVisibility,
    onGlobalFilterChange: (updater: unknown) =>
      setFilterText(typeof updater === 'function' ? (updater as (v: string) => string)(filter) : String(updater)),
    globalFilterFn: 'includesString',
    manualSorting: server,
    manualFiltering: server,
    manualPagination: server,
    enableSortingRemoval: true,
    ...(server ? { rowCount: mode.total } : {}),
  });

  const total = server ? mode.total : table.getPrePaginatedRowModel().rows.length;
  const pageCount = Math.max(1, Math.ceil(total / pagination.pageSize));
  // A list that shrank under the current page (rows deleted elsewhere) shows its last page rather than nothing.
  if (!props.loading && pagination.pageIndex >= pageCount) setPagination((p) => ({ ...p, pageIndex: pageCount - 1 }));
  const rows = table.getRowModel().rows;
  const hideable = table.getAllLeafColumns().filter((c) => c.getCanHide());
  const columnById = new Map(columns.map((c) => [c.id, c]));

  return (
    <Box>
      <Group justify="space-between" mb="sm" wrap="wrap" gap="sm">
        <Group gap="sm" wrap="wrap">
          <TextInput
            aria-label={props.filterLabel ?? t('table.filter')}
            placeholder={props.filterLabel ?? t('table.filter')}
            leftSection={<IconSearch size={16} />}
            value={filterText}
            onChange={(event) => setFilterText(event.currentTarget.value)}
            w={260}
          />
          {props.toolbar}
        </Group>
        <Menu closeOnItemClick={false} position="bottom-end">
          <Menu.Target>
            <ActionIcon variant="default" size="lg" aria-label={t('table.columns')} title={t('table.columns')}>
              <IconColumns3 size={18} />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Label>{t('table.showColumns')}</Menu.Label>
            {hideable.map((column) => (
              <Menu.Item key={column.id} component="div">
                <Checkbox
                  label={columnById.get(column.id)?.header ?? column.id}
                  checked={column.getIsVisible()}
                  onChange={(event) => column.toggleVisibility(event.currentTarget.checked)}
                />
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>

      {props.error ? (
        <Alert color="red" role="alert">
          {props.error}
        </Alert>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table
            striped
            highlightOnHover={props.onRowOpen !== undefined}
            aria-label={props.label}
            aria-busy={props.loading}
          >
            <Table.Thead>
              {table.getHeaderGroups().map((group) => (
                <Table.Tr key={group.id}>
                  {group.headers.map((header) => {
                    const spec = columnById.get(header.column.id);
                    const sorted = header.column.getIsSorted();
                    const ariaSort = sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined;
                    return (
                      <Table.Th key={header.id} aria-sort={ariaSort} ta={spec?.align ?? 'left'}>
                        {header.column.getCanSort() ? (
                          <UnstyledButton
                            onClick={header.column.getToggleSortingHandler()}
                            aria-label={t('table.sortBy', { column: spec?.header ?? header.column.id })}
                          >
                            <Group gap={4} wrap="nowrap">
                              <Text fw={600} size="sm">
                                {spec?.header}
                              </Text>
                              {sorted === 'asc' ? (
                                <IconArrowUp size={14} />
                              ) : sorted === 'desc' ? (
                                <IconArrowDown size={14} />
                              ) : (
                                <IconArrowsSort size={14} opacity={0.5} />
                              )}
                            </Group>
                          </UnstyledButton>
                        ) : (
                          <Text fw={600} size="sm">
                            {spec?.header}
                          </Text>
                        )}
                      </Table.Th>
                    );
                  })}
                </Table.Tr>
              ))}
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr
                  key={row.id}
                  onClick={props.onRowOpen ? () => props.onRowOpen?.(row.original) : undefined}
                  style={props.onRowOpen ? { cursor: 'pointer' } : undefined}
                >
                  {row.getVisibleCells().map((cell) => (
                    <Table.Td key={cell.id} ta={columnById.get(cell.column.id)?.align ?? 'left'}>
                      {columnById.get(cell.column.id)?.cell(row.original)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}

      {!props.error && rows.length === 0 && !props.loading && (
        <Box py="xl" ta="center">
          {filter !== '' ? <Text c="dimmed">{t('table.noMatch')}</Text> : props.empty}
        </Box>
      )}
      {props.loading && (
        <Group justify="center" py="md">
          <Loader size="sm" aria-label={t('app.loading')} />
        </Group>
      )}

      <Group justify="space-between" mt="sm">
        <Text size="sm" c="dimmed">
          {t('table.count', { count: total })}
        </Text>
        <Group gap="sm">
          <Select
            aria-label={t('table.pageSize')}
            data={PAGE_SIZES}
            value={String(pagination.pageSize)}
            onChange={(value) => value && setPagination({ pageIndex: 0, pageSize: Number(value) })}
            w={90}
            allowDeselect={false}
          />
          <Pagination
            total={pageCount}
            value={pagination.pageIndex + 1}
            onChange={(page) => setPagination((p) => ({ ...p, pageIndex: page - 1 }))}
            getControlProps={(control) => ({ 'aria-label': t(`table.page.${control}`) })}
            getItemProps={(page) => ({ 'aria-label': t('table.page.number', { page }) })}
            size="sm"
          />
        </Group>
      </Group>
    </Box>
  );
}
