import { describe, expect, it } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { desktopLocations } from '../../../main/services/locations/desktop-locations';
import { LocationRegistry } from '../../../main/services/locations/location-registry';

const fake = (name: string): Driver => ({ name }) as unknown as Driver;

describe('LocationRegistry', () => {
  it('opens each id with the kind that owns its prefix, my connectors last', async () => {
    const opened: string[] = [];
    const registry = new LocationRegistry('linux')
      .register('local-disk', async (id) => (opened.push(`disk ${id}`), fake('disk')))
      .register('offer', async (id) => (opened.push(`offer ${id}`), fake('offer')))
      .register('', async (id) => (opened.push(`mine ${id}`), fake('mine')));
    await registry.open('local-disk');
    await registry.open('local-disk:C');
    await registry.open('offer:42');
    await registry.open('offers-abc');
    await registry.open('3f6c');
    expect(opened).toEqual(['disk local-disk', 'disk local-disk:C', 'offer offer:42', 'mine offers-abc', 'mine 3f6c']);
    expect(() => registry.register('offer', async () => fake('x'))).toThrow(/already/);
  });

  it('refuses an id no kind owns with NotFound', async () => {
    const registry = new LocationRegistry('linux').register('local-disk', async () => fake('disk'));
    await expect(registry.open('3f6c')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('gives the desktop the local disk and my connectors', async () => {
    const asked: string[] = [];
    const locations = desktopLocations({ open: async (id) => (asked.push(id), fake('mine')) }, 'linux');
    const disk = await locations.open('local-disk');
    await disk.close();
    await locations.open('abc');
    expect(asked).toEqual(['abc']);
    expect(locations.localLocation('/home/a')).toEqual({ connectorId: 'local-disk', path: 'home/a' });
  });
});
