import { Button, Text } from '@mantine/core';
import { IconFileUpload } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FileTextError, readFileText } from './read-file-text';

/**
 * "Load from file…" for an option that takes the text of a file (a private key, a CA certificate, a JSON key): the
 * chosen file's text replaces the field's value, read in the renderer; the path stays on this side.
 */
export function LoadFileButton({
  label,
  onLoaded,
}: {
  /** The field's label, for the button's accessible name. */
  readonly label: string;
  readonly onLoaded: (text: string) => void;
}) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<string | undefined>();
  const chosen = (file: File | undefined) => {
    setProblem(undefined);
    if (file === undefined) return;
    readFileText(file).then(onLoaded, (error: unknown) =>
      setProblem(t(`connectors.loadFile.${error instanceof FileTextError ? error.problem : 'unreadable'}`)),
    );
  };
  return (
    <>
      <input
        ref={input}
        type="file"
        hidden
        data-load-file={label}
        onChange={(e) => {
          chosen(e.currentTarget.files?.[0]);
          // The same file can be chosen again after editing the field.
          e.currentTarget.value = '';
        }}
      />
      <Button
        variant="default"
        size="compact-sm"
        leftSection={<IconFileUpload size={14} />}
        aria-label={t('connectors.loadFile.buttonLabel', { label })}
        onClick={() => input.current?.click()}
      >
        {t('connectors.loadFile.button')}
      </Button>
      {problem !== undefined && (
        <Text size="xs" c="var(--mantine-color-error)" role="alert">
          {problem}
        </Text>
      )}
    </>
  );
}
