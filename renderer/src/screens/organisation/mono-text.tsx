import { Text } from '@mantine/core';

/** An identifier, prefix or action name in a monospace font so its characters are told apart. */
export function MonoText({ value, size = 'sm' }: { readonly value: string; readonly size?: 'xs' | 'sm' }) {
  return (
    <Text size={size} ff="monospace">
      {value}
    </Text>
  );
}
