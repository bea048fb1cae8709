import type { CSSProperties } from 'react';

/** Alert titles in the normal text colour: Mantine's tinted titles miss WCAG AA on their tinted background. */
export const READABLE_ALERT_STYLES = { title: { color: 'var(--mantine-color-text)' } } as const;

/** Error text one shade further from the background in each theme (Mantine's default misses AA in dark mode). */
export function readableErrorColor(scheme: 'light' | 'dark'): CSSProperties {
  return {
    ['--mantine-color-error' as string]:
      scheme === 'dark' ? 'var(--mantine-color-red-4)' : 'var(--mantine-color-red-9)',
  };
}
