import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';

// The light variant's tinted text misses AA contrast (green, blue): the text keeps the body colour, the tint says it.
const LABEL = { label: { color: 'var(--mantine-color-text)', textTransform: 'none' as const } };

/** A state in a tinted badge whose words stay readable (offers, acquisitions, deliveries); focusable for a tooltip. */
export function StateBadge({
  color,
  children,
  tabIndex,
}: {
  readonly color: string;
  readonly children: ReactNode;
  readonly tabIndex?: number;
}) {
  return (
    <Badge variant="light" color={color} styles={LABEL} {...(tabIndex !== undefined ? { tabIndex } : {})}>
      {children}
    </Badge>
  );
}
