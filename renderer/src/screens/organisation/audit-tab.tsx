import { Button, Group, Select, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBan, IconCheck, IconFileExport, IconFilterOff } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilters } from '../../../../shared/ipc/organisation-ipc';
import { AUDIT_OUTCOMES, type AuditEvent, type AuditOutcome } from '../../../../shared/platform';
import type { DataColumn, DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { queryKeys } from '../../queries/query-keys';
import { auditActionKey, auditActionsByDomain } from './audit-actions';
import { type AuditNames, auditSentence, UNKNOWN_TARGET_ID } from './audit-sentence';
import { FilterSelect } from './filter-select';
import { formatDateTime } from './format';
import { IdCell } from './id-cell';
import { dateOrder, parseLocalDate } from './local-date';
import { LocalDateInput } from './local-date-input';
import { MonoText } from './mono-text';
import { NamedId } from './named-id';
import { OrgTable } from './org-table';
import { useAuditNames } from './use-org-names';
import { apiPaging, usePagedList } from './use-paged-list';

const SORTS = ['at', 'action'] as const;

/** A day (YYYY-MM-DD, local time) as the ISO timestamp of its start, or of the next day's start for `to`. */
function dayBound(day: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (end) date.setDate(date.getDate() + 1);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** An event as its sentence, each name showing its ID in a tooltip. */
function EventSentence({ event, names }: { readonly event: AuditEvent; readonly names: AuditNames }) {
  const { t } = useTranslation();
  const segments = auditSentence(event, names, (key, values) => t(key, values ?? {}));
  return (
    <Text size="sm" data-testid="audit-sentence">
      {segments.map((segment, index) =>
        typeof segment === 'string' ? segment : <NamedId key={index} name={segment.text} id={segment.id} />,
      )}
    </Text>
  );
}

/**
 * The audit log (admins): each event as a sentence in the reader's language with names (IDs in tooltips); filters by
 * action (grouped by domain), actor (a member or an API key), outcome, target ID and dates typed in the UI's
 * language; clearing them; the CSV export through main.
 */
export function AuditTab() {
  const { t, i18n } = useTranslation();
  const [outcome, setOutcome] = useState<AuditOutcome | null>(null);
  const [actor, setActor] = useState<string | null>(null);
  const [action, setAction] = useState<string | null>(null);
  const [targetId, setTargetId] = useState('');
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [exporting, setExporting] = useState(false);
  // Clearing remounts the table, which empties its own filter box (the target ID).
  const [generation, setGeneration] = useState(0);
  const known = useAuditNames();

  const order = useMemo(() => dateOrder(i18n.language), [i18n.language]);
  const from = parseLocalDate(fromText, order) ?? '';
  const to = parseLocalDate(toText, order) ?? '';

  const filters = useMemo<AuditFilters>(() => {
    const start = dayBound(from, false);
    const end = dayBound(to, true);
    return {
      ...(action ? { action } : {}),
      ...(outcome ? { outcome } : {}),
      ...(actor ? { principalId: actor } : {}),
      ...(targetId ? { targetId } : {}),
      ...(start ? { from: start } : {}),
      ...(end ? { to: end } : {}),
    };
  }, [action, outcome, actor, targetId, from, to]);

  const list = usePagedList([...queryKeys.audit, filters], (query: DataTableQuery) =>
    invoke('audit.list', {
      query: {
        ...apiPaging(query, SORTS, 'at'),
        ...(query.sort ? {} : { order: 'desc' as const }),
        ...filters,
      },
    }),
  );
  const { onQueryChange: listQueryChange } = list.tableProps;
  // The table's own filter box is the target ID filter (the platform matches whole IDs).
  const onQueryChange = useCallback(
    (query: DataTableQuery) => {
      setTargetId(query.filter);
      listQueryChange(query);
    },
    [listQueryChange],
  );

  const rows = list.tableProps.rows;
  const names = useMemo<AuditNames>(() => {
    // A member who left is still named: by the name stored with an event about them, else their events' e-mail.
    const labels = new Map<string, string>();
    for (const event of rows) {
      if (event.principalType === 'user' && event.principalId && event.principalLabel) {
        labels.set(event.principalId, event.principalLabel);
      }
    }
    for (const event of rows) {
      if (event.targetType === 'member' && event.targetId && event.targetLabel) {
        labels.set(event.targetId, event.targetLabel);
      }
    }
    return { ...known.names, member: (id) => known.names.member(id) ?? labels.get(id) };
  }, [known.names, rows]);

  const filtered =
    action !== null || actor !== null || outcome !== null || fromText !== '' || toText !== '' || targetId !== '';
  const clear = () => {
    setAction(null);
    setActor(null);
    setOutcome(null);
    setFromText('');
    setToText('');
    setTargetId('');
    setGeneration((g) => g + 1);
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

  const actionOptions = useMemo(
    () =>
      [...auditActionsByDomain()]
        .map(([domain, actions]) => ({
          group: t(`organisation.audit.domains.${domain}`),
          // The domain's own entry first (a prefix filter on the platform), then its actions.
          items: [
            {
              value: `${domain}.*`,
              label: t('organisation.audit.wholeDomain', { domain: t(`organisation.audit.domains.${domain}`) }),
            },
            ...actions
              .map((a) => ({ value: a, label: t(`organisation.audit.labels.${auditActionKey(a)}`) }))
              .sort((x, y) => x.label.localeCompare(y.label, i18n.language)),
          ],
        }))
        .sort((x, y) => x.group.localeCompare(y.group, i18n.language)),
    [t, i18n.language],
  );
  const actorOptions = useMemo(
    () => [
      {
        group: t('organisation.audit.membersGroup'),
        items: known.members.map((m) => ({ value: m.id, label: `${m.name} (${m.email})` })),
      },
      {
        group: t('organisation.audit.apiKeysGroup'),
        items: known.apiKeys.map((k) => ({ value: k.id, label: k.name })),
      },
    ],
    [t, known.members, known.apiKeys],
  );

  const columns = useMemo<DataColumn<AuditEvent>[]>(
    () => [
      { id: 'at', header: t('organisation.audit.at'), cell: (e) => formatDateTime(e.at), hideable: false },
      {
        id: 'event',
        header: t('organisation.audit.event'),
        cell: (e) => <EventSentence event={e} names={names} />,
        sortable: false,
        hideable: false,
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
      {
        id: 'reason',
        header: t('organisation.audit.reason'),
        // A refusal's reason is the platform's error code: said in words when the app knows it.
        cell: (e) =>
          e.reason === null
            ? '—'
            : i18n.exists(`platform.errors.api.${e.reason}`)
              ? t(`platform.errors.api.${e.reason}`)
              : e.reason,
        sortable: false,
      },
      {
        id: 'action',
        header: t('organisation.audit.actionCode'),
        cell: (e) => <MonoText value={e.action} size="xs" />,
        hiddenByDefault: true,
      },
      {
        id: 'principalType',
        header: t('organisation.audit.principalType'),
        cell: (e) => t(`organisation.audit.principalTypes.${e.principalType}`),
        sortable: false,
        hiddenByDefault: true,
      },
      {
        id: 'principalId',
        header: t('organisation.audit.principalId'),
        cell: (e) => (e.principalId ? <IdCell id={e.principalId} name={t('organisation.audit.principalId')} /> : '—'),
        sortable: false,
        hiddenByDefault: true,
      },
      {
        id: 'targetId',
        header: t('organisation.audit.targetId'),
        cell: (e) =>
          e.targetId && e.targetId !== UNKNOWN_TARGET_ID ? (
            <IdCell id={e.targetId} name={t('organisation.audit.targetId')} />
          ) : (
            '—'
          ),
        sortable: false,
        hiddenByDefault: true,
      },
      {
        id: 'ip',
        header: t('organisation.audit.ip'),
        cell: (e) => e.ip ?? '—',
        sortable: false,
        hiddenByDefault: true,
      },
    ],
    [t, i18n, names],
  );

  return (
    <OrgTable
      key={generation}
      tab="audit"
      tableId="audit"
      columns={columns}
      list={list}
      defaultSort={{ id: 'at', desc: true }}
      onQueryChange={onQueryChange}
      toolbar={
        <>
          <Select
            aria-label={t('organisation.audit.actionPicker')}
            placeholder={t('organisation.audit.allActions')}
            data={actionOptions}
            value={action}
            onChange={setAction}
            searchable
            clearable
            w={230}
          />
          <Select
            aria-label={t('organisation.audit.actorPicker')}
            placeholder={t('organisation.audit.everyone')}
            data={actorOptions}
            value={actor}
            onChange={setActor}
            searchable
            clearable
            w={200}
          />
          <FilterSelect
            label={t('organisation.audit.outcome')}
            placeholder={t('organisation.audit.allOutcomes')}
            data={AUDIT_OUTCOMES.map((o) => ({ value: o, label: t(`organisation.audit.outcomes.${o}`) }))}
            value={outcome}
            onChange={setOutcome}
            width={150}
          />
          <LocalDateInput label={t('organisation.audit.from')} value={fromText} onChange={setFromText} width={170} />
          <LocalDateInput label={t('organisation.audit.to')} value={toText} onChange={setToText} width={170} />
          <Button leftSection={<IconFilterOff size={16} />} variant="default" onClick={clear} disabled={!filtered}>
            {t('organisation.audit.clearFilters')}
          </Button>
          <Button leftSection={<IconFileExport size={16} />} onClick={exportCsv} loading={exporting} variant="light">
            {t('organisation.audit.export')}
          </Button>
        </>
      }
    />
  );
}
