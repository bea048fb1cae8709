import { type DriverFactory } from '../driver-registry';
import { MemoryDriver } from './memory-driver';

/** Creates memory drivers, each with its own empty storage. */
export const memoryFactory: DriverFactory<'memory'> = {
  kind: 'memory',
  create: (options) => new MemoryDriver(options),
};
