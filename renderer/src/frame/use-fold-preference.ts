import { useMediaQuery } from '@mantine/hooks';
import { useCallback, useEffect, useState } from 'react';
import { invoke } from '../ipc-client';

/** Window widths below this fold the navigation and the details panel unless the user chose otherwise. */
export const NARROW_WIDTH = 1100;

/**
 * Whether a panel is folded: the user's remembered choice (ui.setPreference `layout.<name>`), else folded when the
 * window is narrower than NARROW_WIDTH. Returns the state and a toggle that remembers the new choice.
 */
export function useFoldPreference(name: string): readonly [folded: boolean, toggle: () => void] {
  const key = `layout.${name}`;
  const narrow = useMediaQuery(`(max-width: ${NARROW_WIDTH - 0.02}px)`, false, { getInitialValueInEffect: false });
  // null until the user toggles: the width decides.
  const [choice, setChoice] = useState<boolean | null>(null);
  useEffect(() => {
    let current = true;
    invoke('ui.getPreference', { key })
      .then(({ value }) => current && typeof value === 'boolean' && setChoice(value))
      // An unreadable preference leaves the automatic choice: nothing for the user to act on.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [key]);
  const folded = choice ?? narrow;
  const toggle = useCallback(() => {
    setChoice(!folded);
    void invoke('ui.setPreference', { key, value: !folded }).catch(() => undefined);
  }, [folded, key]);
  return [folded, toggle] as const;
}
