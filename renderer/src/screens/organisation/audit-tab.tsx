import { Button, Group, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconCheck, IconFileExport } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilters } from '../../../../shared/ipc/organisation-ipc';
import { AUDIT_OUTCOMES, type AuditEvent, type AuditOutcome } from '../../../../shared/platform';
import type { DataColumn, DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { queryKeys } from '../../queries/query-keys';
import { FilterSelect } from './filter-select';
import { formatDateTime } from './format';
import { MonoText } from './mono-text';
import { OrgTable } from './org-table';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['at', 'action'] as const;

/** A day (YYYY-MM-DD, local time) as the ISO timestamp of its start, or of the next day's start for `to`. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The audit log (admins): filters (action, outcome, principal, target, dates), and the CSV export through main. */
export function AuditTab() {
  const { t } = useTranslation();
  const [outcome, setOutcome] = useState<AuditOutcome | null>(null);
  const [principalId, setPrincipalId] = useState('');
  const [targetId, setTargetId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [action, setAction] = useState('');
  const [exporting, setExporting] = useState(false);

  const filters = useMemo<AuditFilters>(() => {
    const start = dayBound(from, false);
    const end = dayBound(to, true);
    return {
      ...(action ? { action } : {}),
      ...(outcome ? { outcome } : {}),
      ...(principalId.trim() ? { principalId: principalId.trim() } : {}),
      ...(targetId.trim() ? { targetId: targetId.trim() } : {}),
      ...(start ? { from: start } : {}),
      ...(end ? { to: end } : {}),
    };
  }, [action, outcome, principalId, targetId, from, to]);

  const list = usePagedList(
    [...queryKeys.audit, { outcome, principalId, targetId, from, to }],
    (query: DataTableQuery) => {
      const { action: _ignored, ...rest } = filters;
      return invoke('audit.list', {
        query: {
          ...apiPaging(query, SORTS, 'at'),
          ...(query.sort ? {} : { order: 'desc' as const }),
          ...rest,
          ...(query.filter ? { action: query.filter } : {}),
        },
      });
    },
  );
  // The action filter comes from the table's own filter box; the export uses it too.
  const onQueryChange = (query: DataTableQuery) => {
    setAction(query.filter);
    list.tableProps.onQueryChange(query);
  };

  const exportCsv = () => {
    setExporting(true);
    invoke('audit.export', { filters })
      .then((result) => {
        if (result.saved) {
          notifications.show({ color: 'green', message: t('organisation.audit.exported', { path: result.path }) });
        }
      })
      .catch(notifyError)
      .finally(() => setExporting(false));
  };

  const textFilters = [
    { label: 'principalId', type: 'text', value: principalId, set: setPrincipalId },
    { label: 'targetId', type: 'text', value: targetId, set: setTargetId },
    { label: 'from', type: 'date', value: from, set: setFrom },
    { label: 'to', type: 'date', value: to, set: setTo },
  ] as const;

  const columns = useMemo<DataColumn<AuditEvent>[]>(
    () => [
      { id: 'at', header: t('organisation.audit.at'), cell: (e) => formatDateTime(e.at), hideable: false },
      {
        id: 'principal',
        header: t('organisation.audit.principal'),
        // The platform's own entries carry an English label; the type says it in the reader's language.
        cell: (e) =>
          e.principalType === 'platform' || e.principalLabel === null
            ? t(`organisation.audit.principalTypes.${e.principalType}`)
            : e.principalLabel,
        sortable: false,
      },
      {
        id: 'principalType',
        header: t('organisation.audit.principalType'),
        cell: (e) => t(`organisation.audit.principalTypes.${e.principalType}`),
        sortable: false,
        hiddenByDefault: true,
      },
      {
        id: 'action',
        header: t('organisation.audit.action'),
        cell: (e) => <MonoText value={e.action} />,
      },
      {
        id: 'target',
        header: t('organisation.audit.target'),
        cell: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'),
        sortable: false,
      },
      {
        id: 'outcome',
        header: t('organisation.audit.outcome'),
        cell: (e) => (
          <Group gap={4} wrap="nowrap">
            {e.outcome === 'success' ? (
              <IconCheck size={14} color="var(--mantine-color-green-8)" aria-hidden />
            ) : (
              <IconBan size={14} color="var(--mantine-color-red-8)" aria-hidden />
            )}
            <Text size="sm">{t(`organisation.audit.outcomes.${e.outcome}`)}</Text>
          </Group>
        ),
        sortable: false,
      },
      { id: 'reason', header: t('organisation.audit.reason'), cell: (e) => e.reason ?? '—', sortable: false },
      {
        id: 'ip',
        header: t('organisation.audit.ip'),
        cell: (e) => e.ip ?? '—',
        sortable: false,
        hiddenByDefault: true,
      },
    ],
    [t],
  );

  return (
    <OrgTable
      tab="audit"
      tableId="audit"
      columns={columns}
      list={list}
      defaultSort={{ id: 'at', desc: true }}
      onQueryChange={onQueryChange}
      toolbar={
        <>
          <FilterSelect
            label={t('organisation.audit.outcome')}
            placeholder={t('organisation.audit.allOutcomes')}
            data={AUDIT_OUTCOMES.map((o) => ({ value: o, label: t(`organisation.audit.outcomes.${o}`) }))}
            value={outcome}
            onChange={setOutcome}
            width={160}
          />
          {textFilters.map((filter) => (
            <TextInput
              key={filter.label}
              type={filter.type}
              aria-label={t(`organisation.audit.${filter.label}`)}
              placeholder={filter.type === 'text' ? t(`organisation.audit.${filter.label}`) : undefined}
              value={filter.value}
              onChange={(e) => filter.set(e.currentTarget.value)}
              w={filter.type === 'text' ? 170 : 150}
            />
          ))}
          <Button leftSection={<IconFileExport size={16} />} onClick={exportCsv} loading={exporting} variant="light">
            {t('organisation.audit.export')}
          </Button>
        </>
      }
    />
  );
}
