import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import type { usePagedList } from './use-paged-list';

/** The organisation tabs that show a server-paged list. */
export type OrgListTab = 'members' | 'invitations' | 'apiKeys' | 'audit';

/** An organisation tab's list: a server-mode DataTable fed by usePagedList, labelled from the tab's i18n keys. */
export function OrgTable<T extends { readonly id: string }>({
  tab,
  tableId,
  columns,
  list,
  defaultSort,
  toolbar,
  onQueryChange,
}: {
  readonly tab: OrgListTab;
  readonly tableId: string;
  readonly columns: readonly DataColumn<T>[];
  readonly list: ReturnType<typeof usePagedList<T>>;
  readonly defaultSort: DataTableQuery['sort'];
  readonly toolbar: ReactNode;
  readonly onQueryChange?: (query: DataTableQuery) => void;
}) {
  const { t } = useTranslation();
  return (
    <DataTable
      tableId={tableId}
      label={t(`organisation.tabs.${tab}`)}
      columns={columns}
      {...list.tableProps}
      onQueryChange={onQueryChange ?? list.tableProps.onQueryChange}
      getRowId={(row) => row.id}
      defaultSort={defaultSort}
      filterLabel={tab === 'audit' ? t('organisation.audit.filterTarget') : t(`organisation.${tab}.filter`)}
      empty={<Text c="dimmed">{t(`organisation.${tab}.empty`)}</Text>}
      toolbar={toolbar}
    />
  );
}
