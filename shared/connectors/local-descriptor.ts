import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** The local disk: a folder on this machine. */
export const localDescriptor = defineDescriptor({
  kind: 'local',
  label: 'Local folder',
  description: 'A folder on this computer or a mounted network drive.',
  options: {
    root: {
      type: 'string',
      label: 'Folder',
      help: 'Absolute path of the folder this connector reads and writes; nothing outside it is ever touched.',
      required: true,
      examples: ['/srv/data', 'C:\\Data\\Exchange'],
    },
  },
});

/** Validated options of a local connector. */
export type LocalOptions = OptionsOf<typeof localDescriptor.options>;
