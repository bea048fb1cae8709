import { Badge, Button, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorDetail, ConnectorListItem, Role } from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { invoke } from '../../ipc-client';
import { kindLabel } from '../connectors/connector-text';
import { FilterSelect } from '../organisation/filter-select';
import { formatDateTime } from '../organisation/format';
import { manageColumn } from '../organisation/manage-column';
import { apiPaging, usePagedList } from '../organisation/use-paged-list';
import { expiryState } from './credential-expiry';
import { OrgConnectorDialog } from './org-connector-dialog';
import { OrgConnectorForm } from './org-connector-form';
import { ORG_CONNECTORS_KEY, useConnectorKinds } from './org-connector-query';
import { ConnectorStateBadges } from './org-connector-status';
import { OrgConnectorTestDialog } from './org-connector-test-dialog';

const SORTS = ['name', 'kind', 'createdAt'] as const;

/** Which dialog is open: the form (new or edit), a connector's details, or its test. */
type Dialog =
  | { readonly kind: 'none' }
  | { readonly kind: 'new' }
  | { readonly kind: 'edit'; readonly connector: ConnectorDetail }
  | { readonly kind: 'detail'; readonly connectorId: string }
  | { readonly kind: 'test'; readonly connector: ConnectorDetail };

/**
 * Organisation > Connectors: the organisation's shared connectors, their secrets in the platform's vault and their
 * transfers run by the platform. Admins add, test (the server identity confirmed first), edit, resume and delete
 * them; editors see their state, details and users; viewers see names and kinds.
 */
export function OrgConnectorsTab({ role }: { readonly role: Role }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const admin = role === 'admin';
  const viewer = role === 'viewer';
  const kinds = useConnectorKinds();
  const [kindFilter, setKindFilter] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>({ kind: 'none' });
  // The cache is this organisation's and this role's: leaving the tab (or the organisation) drops it.
  useEffect(() => () => client.removeQueries({ queryKey: ORG_CONNECTORS_KEY }), [client]);
  const list = usePagedList([...ORG_CONNECTORS_KEY, kindFilter], (query: DataTableQuery) =>
    invoke('orgConnectors.list', {
      query: {
        ...apiPaging(query, SORTS, 'name'),
        ...(query.filter ? { q: query.filter } : {}),
        ...(kindFilter ? { kind: kindFilter } : {}),
      },
    }),
  );
  const columns = useMemo<DataColumn<ConnectorListItem>[]>(() => {
    const name: DataColumn<ConnectorListItem> = {
      id: 'name',
      header: t('orgConnectors.columns.name'),
      cell: (c) => <Text fw={600}>{c.name}</Text>,
      hideable: false,
    };
    const kind: DataColumn<ConnectorListItem> = {
      id: 'kind',
      header: t('orgConnectors.columns.kind'),
      cell: (c) => kindLabel(t, c.kind),
    };
    if (viewer) return [name, kind];
    return [
      name,
      kind,
      {
        id: 'state',
        header: t('orgConnectors.columns.state'),
        sortable: false,
        cell: (c) =>
          c.view === 'full' ? <ConnectorStateBadges connector={c} expiry={expiryState(c.credentialExpiresAt)} /> : null,
      },
      {
        id: 'usedBy',
        header: t('orgConnectors.columns.usedBy'),
        sortable: false,
        cell: (c) => {
          if (c.view !== 'full') return null;
          const usages = c.usages;
          return usages.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('orgConnectors.facts.unused')}
            </Text>
          ) : (
            <Badge variant="default" data-testid="used-by">
              {t('orgConnectors.usedByCount', { count: usages.length })}
            </Badge>
          );
        },
      },
      {
        id: 'lastCheckAt',
        header: t('orgConnectors.columns.lastTest'),
        sortable: false,
        cell: (c) => (c.view === 'full' ? formatDateTime(c.lastCheckAt) : '—'),
      },
      {
        id: 'createdAt',
        header: t('orgConnectors.columns.created'),
        hiddenByDefault: true,
        cell: (c) => (c.view === 'full' ? formatDateTime(c.createdAt) : '—'),
      },
      manageColumn<ConnectorListItem>(
        t('orgConnectors.columns.actions'),
        admin ? t('orgConnectors.manage') : t('orgConnectors.view'),
        (c) => c.name,
        (c) => setDialog({ kind: 'detail', connectorId: c.id }),
      ),
    ];
  }, [t, viewer, admin]);
  const backToDetail = (connectorId: string) => setDialog({ kind: 'detail', connectorId });
  return (
    <>
      <Text size="sm" c="dimmed" mb="sm">
        {t(`orgConnectors.intro.${role}`)}
      </Text>
      <DataTable
        tableId={viewer ? 'org-connectors-brief' : 'org-connectors'}
        label={t('orgConnectors.tab')}
        columns={columns}
        {...list.tableProps}
        getRowId={(row) => row.id}
        defaultSort={{ id: 'name', desc: false }}
        filterLabel={t('orgConnectors.filter')}
        empty={<Text c="dimmed">{t(admin ? 'orgConnectors.empty.admin' : 'orgConnectors.empty.other')}</Text>}
        toolbar={
          <>
            <FilterSelect
              label={t('orgConnectors.kindFilter')}
              placeholder={t('orgConnectors.allKinds')}
              data={kinds.map((k) => ({ value: k, label: kindLabel(t, k) }))}
              value={kindFilter}
              onChange={setKindFilter}
              width={190}
            />
            {admin && (
              <Button leftSection={<IconPlus size={16} />} onClick={() => setDialog({ kind: 'new' })}>
                {t('orgConnectors.add')}
              </Button>
            )}
          </>
        }
      />
      {dialog.kind === 'new' && kinds.length > 0 && (
        <OrgConnectorForm
          kinds={kinds}
          onCancel={() => setDialog({ kind: 'none' })}
          onSaved={(connector) => setDialog({ kind: 'test', connector })}
        />
      )}
      {dialog.kind === 'edit' && (
        <OrgConnectorForm
          saved={dialog.connector}
          kinds={kinds}
          onCancel={() => backToDetail(dialog.connector.id)}
          onSaved={(connector) => backToDetail(connector.id)}
        />
      )}
      {dialog.kind === 'detail' && (
        <OrgConnectorDialog
          connectorId={dialog.connectorId}
          admin={admin}
          onTest={(connector) => setDialog({ kind: 'test', connector })}
          onEdit={(connector) => setDialog({ kind: 'edit', connector })}
          onClose={() => setDialog({ kind: 'none' })}
        />
      )}
      {dialog.kind === 'test' && (
        <OrgConnectorTestDialog connector={dialog.connector} onClose={() => backToDetail(dialog.connector.id)} />
      )}
    </>
  );
}
