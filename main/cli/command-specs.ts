/** One option: its kind, short letter, value placeholder and one line of help. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly value?: string;
  readonly help: string;
}

/** Every option `ferry` knows, by its long name. */
export const OPTIONS = {
  config: { type: 'string', value: '<file>', help: 'Config file to read connectors from' },
  json: { type: 'boolean', help: 'Machine-readable output, one JSON object per line' },
  'no-tofu': {
    type: 'boolean',
    help: 'Refuse SSH host keys never seen before instead of trusting them on first use (the fingerprint is printed, to pin); FERRY_NO_TOFU=1 does the same',
  },
  verbose: { type: 'boolean', short: 'v', help: 'Say what happens to every file' },
  'log-file': { type: 'string', value: '<file>', help: 'Also append every message, time-stamped, to this file' },
  help: { type: 'boolean', short: 'h', help: 'Show help (ferry <command> --help: that command)' },
  verify: {
    type: 'string',
    value: '<mode>',
    help: 'hash (default): size and hash; strict: fail unless the server or the storage checked the copy (not only this computer); size: sizes only',
  },
  'no-verify': { type: 'boolean', help: 'Check sizes only after copying, not hashes (--verify size)' },
  bwlimit: {
    type: 'string',
    value: '<rate>',
    help: 'Bandwidth limit in bytes/s, e.g. 500k, 10M (decimal), 10Mi (binary)',
  },
  concurrency: { type: 'string', value: '<n>', help: 'Files copied at once (default 4)' },
  retries: { type: 'string', value: '<n>', help: 'Attempts per file on temporary failures (default 6)' },
  overwrite: { type: 'boolean', help: 'Replace different files already at the destination' },
  'keep-both': { type: 'boolean', help: 'Copy beside a different file already there, as "name (2).ext"' },
  include: {
    type: 'string',
    multiple: true,
    value: '<glob>',
    help: 'Only files whose path matches (repeatable; a glob without / matches a file name in any folder)',
  },
  exclude: { type: 'string', multiple: true, value: '<glob>', help: 'Leave out files whose path matches (repeatable)' },
  'dry-run': { type: 'boolean', help: 'Show what would be done, do nothing' },
  checksum: { type: 'boolean', help: 'Unchanged means same size and hash (the default)' },
  'size-only': { type: 'boolean', help: 'Unchanged means same size' },
  mtime: { type: 'boolean', help: 'Unchanged means same size and modification time (hashes where a time is unknown)' },
  'delete-extraneous': { type: 'boolean', help: 'Also delete destination files the source does not have' },
  'one-way': { type: 'boolean', help: 'Only look for source files missing or different at the destination' },
  recursive: { type: 'boolean', short: 'r', help: 'Remove a folder and everything in it' },
  progress: { type: 'boolean', help: 'Show the progress line even when stderr is not a terminal' },
  stats: { type: 'string', value: '<seconds>', help: 'Print a statistics line every so many seconds' },
  write: { type: 'boolean', help: 'Also write, read back and remove a probe file' },
  once: { type: 'boolean', help: 'Run every binding once, then exit (0 ok, 1 a file failed, 3 a warning)' },
  settle: {
    type: 'string',
    value: '<seconds>',
    help: 'How long a new file must stay unchanged before it is published (default 10)',
  },
} as const satisfies Record<string, OptionSpec>;

/** A long option name of `ferry`. */
export type OptionName = keyof typeof OPTIONS;

/** Options every command takes. */
export const GLOBAL_OPTIONS: readonly OptionName[] = ['config', 'no-tofu', 'verbose', 'log-file', 'help'];

const COPY_OPTIONS: readonly OptionName[] = [
  'verify', 'no-verify', 'bwlimit', 'concurrency', 'retries', 'include', 'exclude', 'dry-run', 'progress', 'stats',
]; // prettier-ignore
const COMPARE_OPTIONS: readonly OptionName[] = ['checksum', 'size-only', 'mtime'];

/** One command: how it is called, what it does, and the options it takes besides the global ones. */
export interface CommandSpec {
  readonly name: string;
  readonly args: string;
  /** Fewest and most positional arguments. */
  readonly arity: readonly [number, number];
  readonly summary: string;
  /** More about it, shown by `ferry <command> --help`. */
  readonly details?: string;
  readonly options: readonly OptionName[];
}

/** The commands of `ferry`, in the order the help lists them. */
export const COMMANDS = [
  { name: 'ls', args: '<location>', arity: [1, 1], summary: 'List a folder (or show a file)', options: ['json'] },
  {
    name: 'cp',
    args: '<source> <destination>',
    arity: [2, 2],
    summary: "Copy a file, or a folder's contents; verified by size and hash",
    details:
      'A file already at the destination with the same size and hash is left alone (--size-only or --mtime judge ' +
      'it faster); a different one is never replaced: cp refuses it (exit 4) unless --overwrite or --keep-both.',
    options: [...COPY_OPTIONS, ...COMPARE_OPTIONS, 'overwrite', 'keep-both'],
  },
  {
    name: 'sync',
    args: '<source-folder> <destination-folder>',
    arity: [2, 2],
    summary: 'Make a folder like another, one way: copy new and changed files',
    details:
      'Changed files (see --checksum, --size-only, --mtime) are replaced. Nothing is deleted unless ' +
      '--delete-extraneous, and then only after every copy succeeded. A source with no files is refused, since a ' +
      'wrong path would otherwise look like "delete everything".',
    options: [...COPY_OPTIONS, ...COMPARE_OPTIONS, 'delete-extraneous', 'json'],
  },
  {
    name: 'check',
    args: '<connector> | <source> <destination>',
    arity: [1, 2],
    summary: 'Diagnose a connector step by step, or compare two folders (size and hash)',
    details:
      'With one connector: its step-by-step diagnostics (--write also tests writing). With two locations: every ' +
      'file compared by size and hash; exit 0 when they match, 1 with each difference listed otherwise.',
    options: ['write', 'json', 'one-way', 'include', 'exclude', ...COMPARE_OPTIONS],
  },
  {
    name: 'mv',
    args: '<source> <destination>',
    arity: [2, 2],
    summary: 'Move a file or a folder: renamed in place, or copied, verified, then removed from the source',
    options: ['verify', 'no-verify', 'bwlimit', 'retries', 'concurrency', 'overwrite', 'dry-run', 'progress'],
  },
  {
    name: 'rm',
    args: '<location>',
    arity: [1, 1],
    summary: 'Remove a file, or an empty folder (-r: a folder and everything in it)',
    options: ['recursive', 'dry-run'],
  },
  { name: 'mkdir', args: '<location>', arity: [1, 1], summary: 'Create a folder (and its parents)', options: [] },
  {
    name: 'connectors',
    args: '',
    arity: [0, 0],
    summary: 'Show configured connectors and the connector types',
    options: ['json'],
  },
  {
    name: 'agent',
    args: '',
    arity: [0, 0],
    summary: 'Run the sync agent headless',
    details:
      'The bindings come from the config file\'s "agent" section, the platform from FERRY_PLATFORM_URL and ' +
      'FERRY_API_KEY.',
    options: ['once', 'dry-run', 'settle', 'bwlimit', 'json'],
  },
] as const satisfies readonly CommandSpec[];

/** A command name of `ferry`. */
export type CommandName = (typeof COMMANDS)[number]['name'];

/** The spec of a command, or undefined for an unknown name. */
export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((command) => command.name === name);
}

// Breaks a paragraph into lines of at most `width` characters, at spaces.
function wrap(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return line === '' ? lines : [...lines, line];
}

function optionLines(names: readonly OptionName[]): string[] {
  const label = (name: OptionName): string => {
    const option: OptionSpec = OPTIONS[name];
    return `${option.short === undefined ? '    ' : `-${option.short}, `}--${name}${option.value === undefined ? '' : ` ${option.value}`}`;
  };
  const width = Math.max(...names.map((n) => label(n).length)) + 2;
  return names.flatMap((name) =>
    wrap(OPTIONS[name].help, 98 - width).map((line, i) => `  ${(i === 0 ? label(name) : '').padEnd(width)}${line}`),
  );
}

const LOCATIONS = `A location is <connector>:<path> or a local path. Connectors come from the config file
(--config, default ferry.json in the user's config folder) and from environment variables
FERRY_CONNECTOR_<NAME>_TYPE=<type> and FERRY_CONNECTOR_<NAME>_<OPTION>=<value>.`;

const EXIT_CODES = `Exit codes: 0 done (identical files left alone count as done), 1 failed (check: the folders
differ), 2 usage error, 3 agent --once warning, 4 a different file exists at the destination and
neither --overwrite nor --keep-both was given (nothing was written over it; other files were copied)`;

/** The help of `ferry`: every command and the global options. */
export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: ferry <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    LOCATIONS,
    '',
    'Options of every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'ferry <command> --help shows the options of a command.',
    '',
    EXIT_CODES,
    '',
  ].join('\n');
}

/** The help of one command: how to call it, what it does, its options and the global ones. */
export function commandUsage(spec: CommandSpec): string {
  return [
    `Usage: ferry ${spec.name}${spec.args === '' ? '' : ` ${spec.args}`} [options]`,
    '',
    spec.summary + '.',
    ...(spec.details === undefined ? [] : ['', ...wrap(spec.details)]),
    ...(spec.options.length === 0 ? [] : ['', 'Options:', ...optionLines(spec.options)]),
    '',
    'Options of every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    LOCATIONS,
    '',
  ].join('\n');
}
