import { Button, Code, Group, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A trusted fingerprint with "Forget", confirmed first: shared by my connectors' and organisation connectors'
 * identity cards, which say in their own words what is forgotten and do the forgetting.
 */
export function ForgetFingerprint({
  fingerprint,
  texts,
  busy,
  error,
  onForget,
}: {
  readonly fingerprint: string;
  /** The button, the question asked before, and the confirming button, already translated. */
  readonly texts: { readonly button: string; readonly question: string; readonly confirm: string };
  readonly busy: boolean;
  /** Why the last attempt failed (translated), or null. */
  readonly error: string | null;
  /** Forgets; resolves true once done (the confirmation then closes). */
  readonly onForget: () => Promise<boolean>;
}) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <Code block data-testid="trusted-fingerprint">
        {fingerprint}
      </Code>
      {confirming ? (
        <Stack gap="xs">
          <Text size="sm">{texts.question}</Text>
          <Group>
            <Button
              color="red.8"
              size="compact-sm"
              loading={busy}
              onClick={() => void onForget().then((done) => done && setConfirming(false))}
            >
              {texts.confirm}
            </Button>
            <Button variant="default" size="compact-sm" onClick={() => setConfirming(false)}>
              {t('connectors.cancel')}
            </Button>
          </Group>
        </Stack>
      ) : (
        <Group>
          <Button variant="default" size="compact-sm" onClick={() => setConfirming(true)}>
            {texts.button}
          </Button>
        </Group>
      )}
      {error !== null && (
        <Text size="sm" c="var(--mantine-color-error)" role="alert">
          {error}
        </Text>
      )}
    </>
  );
}
