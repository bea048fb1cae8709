import { ActionIcon, Button, Group, Menu, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import {
  IconChevronDown,
  IconCloudDownload,
  IconDeviceDesktop,
  IconPlugConnected,
  IconTrash,
} from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer, OfferFile, OfferFileStatus } from '../../../../shared/platform';
import { type DataColumn, DataTable, type DataTableQuery } from '../../components/data-table';
import { formatSize } from '../../../../shared/format/format-size';
import { i18n } from '../../i18n/i18n';
import { invoke } from '../../ipc-client';
import { notifyError } from '../../notify-error';
import { useConnectors } from '../../queries/use-connectors';
import { FilterSelect } from '../organisation/filter-select';
import { formatDateTime } from '../organisation/format';
import { apiPaging, usePagedList } from '../organisation/use-paged-list';
import { EntryPicker, LOCAL_DISK, type PickerSource } from './entry-picker';
import { useOrgConnectors } from './offer-form-dialog';
import { OFFERS_KEY } from './offer-query-keys';
import { StateBadge } from '../../components/state-badge';
import { OfferUploadsList } from './offer-uploads-list';
import { useOfferUploads } from './use-offer-uploads';

const SORTS = ['addedAt', 'path', 'seq'] as const;
const STATUSES: readonly OfferFileStatus[] = ['available', 'pending', 'removed'];

type Picking = { readonly purpose: 'upload' | 'import'; readonly source: PickerSource };

/** The offer's files: a table with status filter and remove; upload from this computer or a my connector; import. */
export function OfferFilesTab({
  orgId,
  offer,
  canManage,
}: {
  readonly orgId: string;
  readonly offer: Offer;
  readonly canManage: boolean;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [status, setStatus] = useState<OfferFileStatus | null>(null);
  const [picking, setPicking] = useState<Picking | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: OFFERS_KEY });
  const uploads = useOfferUploads(offer.id, refresh);
  const mine = useConnectors();
  const org = useOrgConnectors(orgId);
  const list = usePagedList([...OFFERS_KEY, orgId, offer.id, 'files', status], (query: DataTableQuery) =>
    invoke('offers.files', {
      params: { offerId: offer.id },
      query: {
        ...apiPaging(query, SORTS, 'addedAt'),
        ...(query.filter.trim() ? { q: query.filter.trim() } : {}),
        ...(status ? { status } : {}),
      },
    }),
  );
  const open = offer.status !== 'archived';

  const remove = (file: OfferFile) =>
    invoke('offers.removeFile', { params: { offerId: offer.id, fileId: file.id } }).then(refresh, notifyError);

  const choose = async (picked: Picking, paths: readonly string[]) => {
    setPicking(null);
    try {
      if (picked.purpose === 'upload') {
        await invoke('offerUploads.start', {
          offerId: offer.id,
          connectorId: picked.source.connectorId,
          paths: [...paths],
        });
      } else {
        await invoke('imports.create', {
          params: { offerId: offer.id },
          body: { connectorId: picked.source.connectorId, paths: [...paths] },
        });
        notifications.show({ color: 'blue', message: t('offers.files.importQueued') });
        refresh();
      }
    } catch (error) {
      notifyError(error);
    }
  };

  const columns = useMemo<DataColumn<OfferFile>[]>(
    () => [
      { id: 'path', header: t('offers.files.path'), hideable: false, cell: (f) => f.path },
      {
        id: 'status',
        header: t('offers.files.status'),
        sortable: false,
        cell: (f) => (
          <StateBadge color={f.status === 'available' ? 'green' : f.status === 'pending' ? 'blue' : 'gray'}>
            {t(`offers.fileStatuses.${f.status}`)}
          </StateBadge>
        ),
      },
      {
        id: 'size',
        header: t('offers.files.size'),
        sortable: false,
        align: 'right',
        cell: (f) => formatSize(f.size, i18n.language),
      },
      { id: 'origin', header: t('offers.files.origin'), sortable: false, cell: (f) => t(`offers.origins.${f.origin}`) },
      { id: 'addedAt', header: t('offers.files.added'), cell: (f) => formatDateTime(f.addedAt) },
      {
        id: 'sha256',
        header: 'SHA-256',
        sortable: false,
        hiddenByDefault: true,
        cell: (f) => (
          <Text size="xs" ff="monospace" truncate="end" maw={160} title={f.sha256}>
            {f.sha256}
          </Text>
        ),
      },
      {
        id: 'actions',
        header: t('offers.actions'),
        sortable: false,
        hideable: false,
        align: 'right',
        cell: (f) =>
          canManage && f.status !== 'removed' ? (
            <Tooltip label={t('offers.files.remove')}>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={t('offers.files.removeOf', { name: f.path })}
                onClick={() => void remove(f)}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          ) : null,
      },
    ],
    // remove closes over the offer only.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, canManage, offer.id],
  );

  const myConnectors = mine.status === 'ready' ? mine.connectors : [];
  const orgConnectors = org.data ?? [];
  return (
    <Stack gap="md">
      {canManage && open && (
        <Group gap="xs">
          <Button
            leftSection={<IconDeviceDesktop size={16} />}
            onClick={() => setPicking({ purpose: 'upload', source: { kind: 'mine', connectorId: LOCAL_DISK } })}
          >
            {t('offers.files.uploadComputer')}
          </Button>
          <Menu position="bottom-start">
            <Menu.Target>
              <Button
                variant="default"
                leftSection={<IconPlugConnected size={16} />}
                rightSection={<IconChevronDown size={14} />}
              >
                {t('offers.files.uploadConnector')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {myConnectors.length === 0 && <Menu.Label>{t('offers.files.noMyConnector')}</Menu.Label>}
              {myConnectors.map((c) => (
                <Menu.Item
                  key={c.id}
                  onClick={() => setPicking({ purpose: 'upload', source: { kind: 'mine', connectorId: c.id } })}
                >
                  {c.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Menu position="bottom-start">
            <Menu.Target>
              <Button
                variant="default"
                leftSection={<IconCloudDownload size={16} />}
                rightSection={<IconChevronDown size={14} />}
              >
                {t('offers.files.importOrg')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              {orgConnectors.length === 0 && <Menu.Label>{t('offers.files.noOrgConnector')}</Menu.Label>}
              {orgConnectors.map((c) => (
                <Menu.Item
                  key={c.id}
                  onClick={() => setPicking({ purpose: 'import', source: { kind: 'org', connectorId: c.id } })}
                >
                  {c.name}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        </Group>
      )}
      <OfferUploadsList uploads={uploads} />
      <DataTable
        tableId="offer-files"
        label={t('offers.files.tableLabel')}
        columns={columns}
        {...list.tableProps}
        getRowId={(row) => row.id}
        defaultSort={{ id: 'addedAt', desc: false }}
        filterLabel={t('offers.files.search')}
        empty={<Text c="dimmed">{canManage ? t('offers.files.emptyManage') : t('offers.files.empty')}</Text>}
        toolbar={
          <FilterSelect
            label={t('offers.files.statusFilter')}
            placeholder={t('offers.files.allStatuses')}
            data={STATUSES.map((s) => ({ value: s, label: t(`offers.fileStatuses.${s}`) }))}
            value={status}
            onChange={setStatus}
            width={170}
          />
        }
      />
      {picking && (
        <EntryPicker
          source={picking.source}
          mode="items"
          title={picking.purpose === 'upload' ? t('offers.files.pickUpload') : t('offers.files.pickImport')}
          chooseLabel={(count) =>
            picking.purpose === 'upload' ? t('offers.files.upload', { count }) : t('offers.files.import', { count })
          }
          onChoose={(paths) => void choose(picking, paths)}
          onClose={() => setPicking(null)}
        />
      )}
    </Stack>
  );
}
