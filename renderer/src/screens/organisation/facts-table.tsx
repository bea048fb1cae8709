import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** One labelled fact of a record: its label (already translated) and its value. */
export type Fact = readonly [label: string, value: ReactNode];

/** A record's facts as a two-column table, labels on the left. */
export function FactsTable({
  facts,
  labelWidth = 200,
}: {
  readonly facts: readonly Fact[];
  readonly labelWidth?: number;
}) {
  return (
    <Table variant="vertical" withTableBorder={false}>
      <Table.Tbody>
        {facts.map(([label, value], index) => (
          <Table.Tr key={label}>
            <Table.Th w={index === 0 ? labelWidth : undefined}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
