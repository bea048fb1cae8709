import { Group } from '@mantine/core';
import { CopyIdButton } from './copy-id-button';
import { MonoText } from './mono-text';

/** An ID in full (monospace) with its copy button; `name` says whose ID it is to screen readers. */
export function IdCell({
  id,
  name,
  size = 'xs',
}: {
  readonly id: string;
  readonly name: string;
  readonly size?: 'xs' | 'sm';
}) {
  return (
    <Group gap={4} wrap="nowrap">
      <MonoText value={id} size={size} />
      <CopyIdButton id={id} name={name} />
    </Group>
  );
}
