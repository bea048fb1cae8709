import { Alert, type MantineSpacing } from '@mantine/core';

/** A failed action's message (already translated) as a red alert read out by screen readers; nothing when null. */
export function ErrorAlert({ error, mt }: { readonly error: string | null; readonly mt?: MantineSpacing }) {
  if (!error) return null;
  return (
    <Alert color="red" role="alert" mt={mt}>
      {error}
    </Alert>
  );
}
