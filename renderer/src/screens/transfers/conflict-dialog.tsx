import { Button, Card, Checkbox, Group, Modal, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConflictChoice, ConflictFile, TransferConflict } from '../../../../shared/ipc/transfers-ipc';
import { notifyError } from '../../notify-error';
import { useTransfersStore } from '../../stores/transfers-store';
import { formatSize } from '../../../../shared/format/format-size';

// The safe answer first: keeping both never loses a byte.
const PREFERRED: readonly ConflictChoice[] = ['keepBoth', 'skip', 'resume', 'overwrite'];

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `report (2).csv` for `report.csv`: the kind of name "keep both" gives, as an example. */
function keptExample(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? `${name} (2)` : `${name.slice(0, dot)} (2)${name.slice(dot)}`;
}

/** The question a waiting transfer asks, as the dialog shows it. */
export interface ConflictQuestion {
  readonly transferId: string;
  readonly conflict: TransferConflict;
  /** The destination folder as people read it ("This computer: /home/ada/Downloads"). */
  readonly folder: string;
}

/**
 * Asks what to do with a file that already exists at a transfer's destination: both files side by side (size,
 * modified), the answers that make sense for it, and "apply to all in this batch". Closing it answers nothing: the
 * transfer keeps waiting and nothing is written. Always mounted (Mantine records the opener when `opened` turns
 * true and gives focus back to it on close); the last question stays shown while it closes.
 */
export function ConflictDialog({
  opened,
  question,
  onClose,
}: {
  readonly opened: boolean;
  readonly question: ConflictQuestion | undefined;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={opened && question !== undefined}
      onClose={onClose}
      size="lg"
      title={t('transfers.conflict.title')}
      closeButtonProps={{ 'aria-label': t('transfers.conflict.close') }}
    >
      {question && <ConflictForm {...question} onClose={onClose} />}
    </Modal>
  );
}

function ConflictForm({ transferId, conflict, folder, onClose }: ConflictQuestion & { readonly onClose: () => void }) {
  const { t } = useTranslation();
  const resolveConflict = useTransfersStore((s) => s.resolveConflict);
  const fallback = PREFERRED.find((c) => conflict.choices.includes(c)) ?? conflict.choices[0]!;
  const [picked, setPicked] = useState<{ question: string; choice: ConflictChoice } | undefined>();
  const [applyToAll, setApplyToAll] = useState(false);
  const [busy, setBusy] = useState(false);
  // A new question (the next file of a folder) starts from the safe answer again.
  const question = `${transferId}:${conflict.sourcePath}`;
  const choice = picked?.question === question && conflict.choices.includes(picked.choice) ? picked.choice : fallback;
  const name = lastSegment(conflict.path);

  const answer = async (): Promise<void> => {
    setBusy(true);
    try {
      await resolveConflict(transferId, choice, applyToAll);
      setApplyToAll(false);
    } catch (error) {
      notifyError(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Stack>
        <Text size="sm">
          {t(conflict.existing.kind === 'folder' ? 'transfers.conflict.folderText' : 'transfers.conflict.text', {
            name,
            folder,
          })}
        </Text>
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <FileFacts
            label={t('transfers.conflict.existing')}
            file={conflict.existing}
            folder={conflict.existing.kind === 'folder'}
          />
          <FileFacts label={t('transfers.conflict.incoming')} file={conflict.incoming} folder={false} />
        </SimpleGrid>
        <Radio.Group
          value={choice}
          onChange={(value) => setPicked({ question, choice: value as ConflictChoice })}
          label={t('transfers.conflict.question')}
        >
          <Stack gap="sm" mt="xs">
            {conflict.choices.map((c) => (
              <Radio
                key={c}
                value={c}
                label={t(`transfers.conflict.choices.${c}`)}
                description={t(`transfers.conflict.help.${c}`, { example: keptExample(name) })}
                data-autofocus={c === choice ? true : undefined}
              />
            ))}
          </Stack>
        </Radio.Group>
        <Checkbox
          checked={applyToAll}
          onChange={(event) => setApplyToAll(event.currentTarget.checked)}
          label={t('transfers.conflict.applyToAll')}
          description={
            conflict.more > 0
              ? t('transfers.conflict.more', { count: conflict.more })
              : t('transfers.conflict.applyToAllHelp')
          }
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('transfers.conflict.later')}
          </Button>
          <Button onClick={() => void answer()} loading={busy}>
            {t('transfers.conflict.confirm')}
          </Button>
        </Group>
      </Stack>
    </>
  );
}

function FileFacts({
  label,
  file,
  folder,
}: {
  readonly label: string;
  readonly file: ConflictFile;
  readonly folder: boolean;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const unknown = t('transfers.conflict.unknown');
  const modified =
    file.modifiedAt === null
      ? unknown
      : new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(file.modifiedAt);
  return (
    <Card withBorder padding="sm" component="section" aria-label={label}>
      <Text fw={600} size="sm" mb={4}>
        {label}
      </Text>
      {folder ? (
        <Text size="sm">{t('transfers.conflict.aFolder')}</Text>
      ) : (
        <Text size="sm">
          {t('transfers.conflict.size', { size: file.size === null ? unknown : formatSize(file.size, lang) })}
        </Text>
      )}
      <Text size="sm">{t('transfers.conflict.modified', { date: modified })}</Text>
    </Card>
  );
}
