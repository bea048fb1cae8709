import { Anchor, useComputedColorScheme } from '@mantine/core';
import type { ReactNode } from 'react';

/** A breadcrumb link; one shade darker in the light theme so small link text keeps WCAG AA contrast. */
export function CrumbLink({ onClick, children }: { readonly onClick: () => void; readonly children: ReactNode }) {
  const scheme = useComputedColorScheme('light');
  return (
    <Anchor component="button" type="button" onClick={onClick} {...(scheme === 'light' ? { c: 'blue.8' } : {})}>
      {children}
    </Anchor>
  );
}
