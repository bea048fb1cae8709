import { SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Acquisition, DEFAULT_NAMING_PATTERN } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';
import { errorMessage } from '../../notify-error';
import { useConnectors } from '../../queries/use-connectors';
import { ACQUISITIONS_KEY } from '../catalog/trade-query-keys';
import { ErrorAlert } from '../organisation/error-alert';
import { FormFooter } from '../organisation/form-footer';
import { OrgDialog } from '../organisation/org-dialog';
import { FolderChoices } from './folder-choices';
import { NamingPreview, type NamingSample } from './naming-preview';

type TargetKind = 'connector' | 'agent';

/** The local disk's ID among the agent's places (main/services/connectors/driver-provider.ts). */
const LOCAL_DISK = 'local-disk';

/** A binding ID for an acquisition delivered into a my-connector folder (stable for the same place). */
function bindingIdOf(acquisitionId: string, connectorId: string): string {
  return `deliver-${acquisitionId}-${connectorId}`.slice(0, 100);
}

/**
 * "Deliver automatically to": an organisation connector's folder (the platform writes each file and its receipt), or
 * a folder of a my connector or this computer through the desktop agent (a deliver binding); with a naming pattern
 * and its live preview.
 */
export function DeliverDialog({
  acquisition,
  orgId,
  sample,
  onClose,
}: {
  readonly acquisition: Acquisition;
  readonly orgId: string;
  readonly sample: NamingSample;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [kind, setKind] = useState<TargetKind>('connector');
  const [connectorId, setConnectorId] = useState<string | null>(null);
  const [myConnectorId, setMyConnectorId] = useState<string | null>(null);
  const [folder, setFolder] = useState('');
  const [pattern, setPattern] = useState(DEFAULT_NAMING_PATTERN);
  const [problem, setProblem] = useState<string | null>(null);
  const orgConnectors = useQuery({
    queryKey: ['orgConnectors', orgId, 'deliver-choices'],
    queryFn: () => invoke('orgConnectors.list', { query: { limit: 100, offset: 0, sort: 'name', order: 'asc' } }),
  });
  const myConnectors = useConnectors();
  const save = useMutation({
    mutationFn: async () => {
      if (kind === 'connector') {
        return invoke('deliveries.createTarget', {
          params: { acquisitionId: acquisition.id },
          body: { type: 'connector', connectorId: connectorId!, folder: folder.trim(), namingPattern: pattern.trim() },
        });
      }
      // The agent finds or makes the acquisition's agent target for this folder when it runs the binding: now.
      const binding = await invoke('sync.saveBinding', {
        kind: 'deliver',
        id: bindingIdOf(acquisition.id, myConnectorId!),
        name: acquisition.offer.title,
        orgId,
        connectorId: myConnectorId!,
        folder: folder.trim(),
        acquisitionId: acquisition.id,
        namingPattern: pattern.trim(),
      });
      await invoke('sync.now', {});
      return binding;
    },
    onSuccess: () => {
      notifications.show({
        color: 'green',
        closeButtonProps: { 'aria-label': t('organisation.closeDialog') },
        message: t('acquisitions.deliver.saved', { title: acquisition.offer.title }),
      });
      void client.invalidateQueries({ queryKey: ACQUISITIONS_KEY });
      onClose();
    },
  });
  const submit = () => {
    if (kind === 'connector' && !connectorId) return setProblem(t('acquisitions.deliver.pickConnector'));
    if (kind === 'agent' && !myConnectorId) return setProblem(t('acquisitions.deliver.pickMyConnector'));
    if (pattern.trim() === '') return setProblem(t('acquisitions.deliver.patternRequired'));
    setProblem(null);
    save.mutate();
  };
  const myChoices = [
    { value: LOCAL_DISK, label: t('acquisitions.deliver.thisComputer') },
    ...(myConnectors.status === 'ready' ? myConnectors.connectors.map((c) => ({ value: c.id, label: c.name })) : []),
  ];
  const orgChoices = (orgConnectors.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }));
  return (
    <OrgDialog title={t('acquisitions.deliver.title', { title: acquisition.offer.title })} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack gap="sm">
          <SegmentedControl
            aria-label={t('acquisitions.deliver.where')}
            value={kind}
            onChange={(value) => setKind(value as TargetKind)}
            data={[
              { value: 'connector', label: t('acquisitions.deliver.orgConnector') },
              { value: 'agent', label: t('acquisitions.deliver.agent') },
            ]}
          />
          <Text size="sm" c="dimmed">
            {kind === 'connector' ? t('acquisitions.deliver.orgConnectorHelp') : t('acquisitions.deliver.agentHelp')}
          </Text>
          {kind === 'connector' ? (
            <Select
              label={t('acquisitions.deliver.connector')}
              placeholder={orgChoices.length === 0 ? t('acquisitions.deliver.noOrgConnector') : undefined}
              data={orgChoices}
              value={connectorId}
              onChange={setConnectorId}
              error={orgConnectors.error ? errorMessage(orgConnectors.error) : undefined}
              searchable
              data-autofocus
            />
          ) : (
            <Select
              label={t('acquisitions.deliver.myConnector')}
              data={myChoices}
              value={myConnectorId}
              onChange={setMyConnectorId}
              searchable
            />
          )}
          <TextInput
            label={t('acquisitions.deliver.folder')}
            description={
              kind === 'agent' && myConnectorId === LOCAL_DISK
                ? t('acquisitions.deliver.localFolderHelp')
                : t('acquisitions.deliver.folderHelp')
            }
            value={folder}
            onChange={(event) => setFolder(event.currentTarget.value)}
            maxLength={4096}
          />
          {kind === 'connector' && connectorId && (
            <FolderChoices connectorId={connectorId} folder={folder} onPick={setFolder} />
          )}
          <TextInput
            label={t('acquisitions.deliver.pattern')}
            description={t('acquisitions.deliver.patternHelp')}
            value={pattern}
            onChange={(event) => setPattern(event.currentTarget.value)}
            maxLength={500}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <NamingPreview pattern={pattern} folder={folder.trim()} sample={sample} />
          <ErrorAlert error={problem ?? (save.error ? errorMessage(save.error) : null)} />
          <FormFooter submitLabel={t('acquisitions.deliver.save')} busy={save.isPending} onCancel={onClose} />
        </Stack>
      </form>
    </OrgDialog>
  );
}
