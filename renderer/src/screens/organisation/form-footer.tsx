import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

/** A creation form's footer: cancel, and the submit button showing progress. */
export function FormFooter({
  submitLabel,
  busy,
  onCancel,
}: {
  readonly submitLabel: string;
  readonly busy: boolean;
  readonly onCancel: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel}>
        {t('organisation.cancel')}
      </Button>
      <Button type="submit" loading={busy}>
        {submitLabel}
      </Button>
    </Group>
  );
}
