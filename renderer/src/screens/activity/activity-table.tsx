import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The Activity screen's table frame, shared by the agent's entries and the platform's notifications: when, what, details. */
export function ActivityTable({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table aria-label={label} verticalSpacing="sm" layout="fixed" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={120}>{t('activity.columns.when')}</Table.Th>
            <Table.Th w={150}>{t('activity.columns.kind')}</Table.Th>
            <Table.Th>{t('activity.columns.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
