import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/**
 * A detail dialog's footer with a two-step deletion: "delete" and "close" first, then "cancel" and the red
 * confirmation, so nothing is deleted by one click.
 */
export function DeleteFooter({
  label,
  confirming,
  onConfirming,
  onDelete,
  onClose,
  ready,
  busy,
  blocked,
}: {
  readonly label: string;
  readonly confirming: boolean;
  readonly onConfirming: (confirming: boolean) => void;
  readonly onDelete: () => void;
  readonly onClose: () => void;
  readonly ready: boolean;
  readonly busy: boolean;
  readonly blocked?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between">
      {confirming ? (
        <>
          <Button variant="default" onClick={() => onConfirming(false)}>
            {t('organisation.cancel')}
          </Button>
          <Button color="red" loading={busy} onClick={onDelete} disabled={blocked}>
            {label}
          </Button>
        </>
      ) : (
        <>
          <Button color="red" variant="light" onClick={() => onConfirming(true)} disabled={!ready}>
            {label}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('organisation.close')}
          </Button>
        </>
      )}
    </Group>
  );
}
