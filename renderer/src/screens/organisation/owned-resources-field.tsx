import { Radio, Select, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OwnedResourcesChoice } from '../../../../shared/ipc/organisation-ipc';
import type { Member } from '../../../../shared/platform';
import { invoke } from '../../ipc-client';

/**
 * The ownership-transfer choice of a deletion: what the deleted member or key owns goes to another editor or admin,
 * or is deleted with it. Reports null while the choice is incomplete.
 */
export function OwnedResourcesField({
  count,
  excludeMemberId,
  onChange,
}: {
  readonly count: number;
  readonly excludeMemberId?: string;
  readonly onChange: (choice: OwnedResourcesChoice | null) => void;
}) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<'transfer' | 'delete'>('transfer');
  const [to, setTo] = useState<string | null>(null);
  const [members, setMembers] = useState<readonly Member[]>([]);
  useEffect(() => {
    invoke('members.list', { query: { limit: 200, sort: 'name', order: 'asc' } })
      .then((page) => setMembers(page.items.filter((m) => m.role !== 'viewer' && m.id !== excludeMemberId)))
      .catch(() => setMembers([]));
  }, [excludeMemberId]);
  useEffect(() => {
    onChange(kind === 'delete' ? { kind: 'delete' } : to ? { kind: 'transfer', to } : null);
  }, [kind, to, onChange]);
  return (
    <Stack gap="xs">
      <Text size="sm">{t('organisation.owned.intro', { count })}</Text>
      <Radio.Group
        value={kind}
        onChange={(value) => setKind(value as 'transfer' | 'delete')}
        label={t('organisation.owned.label')}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="transfer" label={t('organisation.owned.transfer')} />
          <Radio value="delete" label={t('organisation.owned.delete')} />
        </Stack>
      </Radio.Group>
      {kind === 'transfer' && (
        <Select
          label={t('organisation.owned.transferTo')}
          description={t('organisation.owned.transferToHelp')}
          placeholder={t('organisation.owned.pick')}
          data={members.map((m) => ({ value: m.id, label: `${m.name} (${m.email})` }))}
          value={to}
          onChange={setTo}
          searchable
          nothingFoundMessage={t('organisation.owned.nobody')}
        />
      )}
    </Stack>
  );
}
