import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { type FocusEvent, type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { nameFailureMessage, typedNameProblem } from './name-problem-message';

/**
 * Asks for a name (a new folder's, or an entry's new name): refused names are explained as typed, and main's refusal
 * (a name already there) is shown under the field. Enter submits; the dialog closes once `onSubmit` resolved.
 */
export function NameDialog({
  title,
  initial,
  submitLabel,
  onSubmit,
  onClose,
}: {
  readonly title: string;
  readonly initial: string;
  readonly submitLabel: string;
  readonly onSubmit: (name: string) => Promise<void>;
  readonly onClose: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial);
  const [touched, setTouched] = useState(false);
  const [failure, setFailure] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const problem = typedNameProblem(name);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem !== undefined || busy) return;
    setBusy(true);
    onSubmit(name).then(onClose, (error: unknown) => {
      setFailure(nameFailureMessage(error, name));
      setBusy(false);
    });
  };
  // On first focus, the name without its extension is selected, as file managers do: typing replaces only the name.
  const stemSelected = useRef(false);
  const selectStem = (event: FocusEvent<HTMLInputElement>) => {
    if (stemSelected.current) return;
    stemSelected.current = true;
    const dot = initial.lastIndexOf('.');
    event.currentTarget.setSelectionRange(0, dot > 0 ? dot : initial.length);
  };
  return (
    <Modal
      opened
      onClose={onClose}
      title={title}
      returnFocus
      closeButtonProps={{ 'aria-label': t('browser.manage.close') }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            onFocus={selectStem}
            data-autofocus
            label={t('browser.manage.nameDialog.label')}
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              setTouched(true);
              setFailure(undefined);
            }}
            error={(touched ? problem : undefined) ?? failure}
            spellCheck={false}
            autoComplete="off"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('browser.manage.nameDialog.cancel')}
            </Button>
            <Button type="submit" color="blue.8" loading={busy}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
