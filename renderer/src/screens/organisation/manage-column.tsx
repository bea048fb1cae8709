import { Button } from '@mantine/core';
import type { DataColumn } from '../../components/data-table';

/** The last column of an organisation list: a button opening the row's dialog, named after the row for screen readers. */
export function manageColumn<T>(
  header: string,
  action: string,
  nameOf: (row: T) => string,
  onOpen: (row: T) => void,
): DataColumn<T> {
  return {
    id: 'actions',
    header,
    sortable: false,
    hideable: false,
    align: 'right',
    cell: (row) => (
      <Button
        size="xs"
        variant="default"
        onClick={(event) => {
          event.stopPropagation();
          onOpen(row);
        }}
        aria-label={`${action}: ${nameOf(row)}`}
      >
        {action}
      </Button>
    ),
  };
}
