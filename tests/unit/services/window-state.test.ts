import { describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../../../main/services/key-value-store';
import { DEFAULT_WINDOW_STATE, WindowStateService } from '../../../main/services/window-state';

const memory = (): KeyValueStore => {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
};
const display = { x: 0, y: 0, width: 1920, height: 1080 };

describe('WindowStateService', () => {
  it('restores saved bounds on a display that shows them', () => {
    const service = new WindowStateService(memory());
    service.save({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
    expect(service.restore([display])).toEqual({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
  });

  it('drops the position when the display it was on is gone, keeps the size', () => {
    const service = new WindowStateService(memory());
    service.save({ x: 2500, y: 100, width: 1000, height: 700, maximized: false });
    expect(service.restore([display])).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('falls back to defaults on missing or absurd values', () => {
    const store = memory();
    const service = new WindowStateService(store);
    expect(service.restore([display])).toEqual(DEFAULT_WINDOW_STATE);
    store.set('window', { width: 5, height: -1, maximized: 'no' });
    expect(service.restore([display])).toEqual(DEFAULT_WINDOW_STATE);
  });
});
