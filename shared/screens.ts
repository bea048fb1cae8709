/** Every screen of the app frame, in navigation order. */
export const SCREENS = [
  'organisation',
  'connectors',
  'browser',
  'offers',
  'catalog',
  'acquisitions',
  'transfers',
  'activity',
  'settings',
] as const;
/** A screen of the app frame. */
export type Screen = (typeof SCREENS)[number];

/** Screens that are built; the others show in the navigation as disabled ("coming"). */
export const AVAILABLE_SCREENS: ReadonlySet<Screen> = new Set<Screen>([
  'organisation',
  'connectors',
  'browser',
  'settings',
  'transfers',
  'activity',
  'catalog',
  'acquisitions',
  'offers',
]);

/** Whether a string names a screen. */
export function isScreen(value: string): value is Screen {
  return (SCREENS as readonly string[]).includes(value);
}
