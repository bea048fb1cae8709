import { z } from 'zod';
import type { KeyValueStore } from './key-value-store';

const KEY = 'window';

/** A window's position and size, and whether it was maximised. */
export const WindowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(480).max(20000),
  height: z.number().int().min(360).max(20000),
  maximized: z.boolean(),
});
/** A window's position and size. */
export type WindowState = z.infer<typeof WindowStateSchema>;

/** A display's usable area. */
export interface Area {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The main window's size on first run. */
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };

/** Remembers the main window's bounds; restores them only where they are still visible on a display. */
export class WindowStateService {
  constructor(private readonly store: KeyValueStore) {}

  /** The saved state, dropped position if no display shows at least 100x50 px of the window's top. */
  restore(displays: readonly Area[]): WindowState {
    const parsed = WindowStateSchema.safeParse(this.store.get(KEY));
    if (!parsed.success) return DEFAULT_WINDOW_STATE;
    const state = parsed.data;
    if (state.x === undefined || state.y === undefined) return state;
    const { x, y, width } = state;
    const visible = displays.some(
      (d) =>
        Math.min(x + width, d.x + d.width) - Math.max(x, d.x) >= 100 &&
        Math.min(y + 50, d.y + d.height) - Math.max(y, d.y) >= 50,
    );
    return visible ? state : { width: state.width, height: state.height, maximized: state.maximized };
  }

  save(state: WindowState): void {
    const parsed = WindowStateSchema.safeParse(state);
    if (parsed.success) this.store.set(KEY, parsed.data);
  }
}
