import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** In-memory storage: the reference driver for tests; its content is lost when the process ends. */
export const memoryDescriptor = defineDescriptor({
  kind: 'memory',
  label: 'Memory (testing)',
  description: 'Files kept in this process only; the reference implementation of the driver contract.',
  internal: true,
  options: {
    maxObjectSize: {
      type: 'integer',
      label: 'Largest file',
      help: 'Largest file the memory storage accepts, in bytes.',
      required: false,
      advanced: true,
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      default: 1024 * 1024 * 1024,
    },
  },
});

/** Validated options of a memory connector. */
export type MemoryOptions = OptionsOf<typeof memoryDescriptor.options>;
