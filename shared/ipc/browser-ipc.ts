import { z } from 'zod';
import { defineMethods } from './contract';

/** A connector id (one of my connectors, or the local disk's) and a normalised connector path. */
const Where = {
  connectorId: z.string().min(1).max(200),
  path: z.string().max(4096),
};

/** A file or folder as the browser shows it. */
export const BrowserEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'directory']),
  size: z.number().optional(),
  mtimeMs: z.number().optional(),
});
/** A file or folder as the browser shows it. */
export type BrowserEntry = z.infer<typeof BrowserEntrySchema>;

/** Columns the browser sorts by. */
export const BROWSER_SORT_KEYS = ['name', 'size', 'mtime', 'type'] as const;
/** A column the browser sorts by. */
export type BrowserSortKey = (typeof BROWSER_SORT_KEYS)[number];

/** How a listing is sorted. Name ascending streams page by page; any other order reads the whole folder first. */
export const BrowserSortSchema = z
  .object({ by: z.enum(BROWSER_SORT_KEYS), direction: z.enum(['asc', 'desc']) })
  .strict();
/** How a listing is sorted. */
export type BrowserSort = z.infer<typeof BrowserSortSchema>;

/** Largest window of entries one call returns. */
export const BROWSER_MAX_WINDOW = 1000;

/** What a preview shows: text, CSV rows, or nothing for binary or empty files. */
export const BrowserPreviewSchema = z.object({
  kind: z.enum(['text', 'csv', 'binary', 'empty']),
  /** Bytes read (the first ones of the file). */
  bytes: z.number(),
  /** The file is longer than what was read. */
  truncated: z.boolean(),
  text: z.string().optional(),
  rows: z.array(z.array(z.string())).optional(),
});
/** What a preview shows. */
export type BrowserPreview = z.infer<typeof BrowserPreviewSchema>;

/** Why a typed file or folder name is refused (the renderer translates `browser.nameProblem.<problem>`). */
export const BROWSER_NAME_PROBLEMS = ['empty', 'dots', 'slash', 'control', 'absolute', 'tooLong'] as const;
/** Why a typed name is refused. */
export type BrowserNameProblem = (typeof BROWSER_NAME_PROBLEMS)[number];

/** Longest name, in UTF-8 bytes (the common file-system limit). */
const MAX_NAME_BYTES = 255;

// C0 controls, DEL and C1 controls: invisible, and NUL truncates paths in C APIs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

// UTF-8 length without TextEncoder, which shared/ (no DOM, no Node types) cannot name.
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Why a name typed for a new folder or a rename is refused, or undefined when it is one safe segment. */
export function browserNameProblem(name: string): BrowserNameProblem | undefined {
  if (name.trim() === '') return 'empty';
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(name)) return 'absolute';
  if (name === '.' || name === '..' || name.startsWith('../') || name.startsWith('..\\')) return 'dots';
  if (name.includes('/') || name.includes('\\')) return 'slash';
  if (CONTROL.test(name)) return 'control';
  if (utf8Length(name) > MAX_NAME_BYTES) return 'tooLong';
  return undefined;
}

/** What the browser may do on a connector, and why not when it may not (a stable reason the renderer translates). */
export const BrowserAbilitiesSchema = z.object({
  mkdir: z.object({ allowed: z.boolean(), reason: z.enum(['prefixes']).optional() }),
  rename: z.object({ allowed: z.boolean(), reason: z.enum(['noRename']).optional() }),
  /** Renaming folders needs real folders (a prefix store would have to copy every object). */
  renameFolders: z.object({ allowed: z.boolean(), reason: z.enum(['noRename', 'prefixes']).optional() }),
  remove: z.object({ allowed: z.boolean() }),
});
/** What the browser may do on a connector. */
export type BrowserAbilities = z.infer<typeof BrowserAbilitiesSchema>;

/** A typed name: one segment, never a path (checked again in main). */
const NameSchema = z.string().min(1).max(1024);

/** Methods of the file browser (listing, details, preview, folder management) over my connectors and the local disk. */
export const browserMethods = defineMethods({
  'browser.list': {
    summary: 'A window of a folder, sorted and filtered by name; reads pages from the driver only as far as needed.',
    input: z
      .object({
        ...Where,
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(BROWSER_MAX_WINDOW),
        sort: BrowserSortSchema,
        filter: z.string().max(200),
        /** Forget what was read and list again. */
        refresh: z.boolean().optional(),
        /** Show dot-files; without it the remembered preference (`browser.show-hidden`) decides. */
        showHidden: z.boolean().optional(),
      })
      .strict(),
    output: z.object({
      entries: z.array(BrowserEntrySchema),
      offset: z.number(),
      /** Entries matching the filter read so far (the total once `complete`). */
      matched: z.number(),
      /** The whole folder has been read. */
      complete: z.boolean(),
      /** Names the server returned that are unsafe (never followed), with the reason. */
      rejected: z.array(z.object({ rawName: z.string(), reason: z.string() })),
    }),
  },
  'browser.details': {
    summary: 'The current facts about one file or folder (size, modification time, hashes the storage knows).',
    input: z.object(Where).strict(),
    output: BrowserEntrySchema.extend({ hashes: z.record(z.string(), z.string()).optional() }),
  },
  'browser.preview': {
    summary: 'The first bytes of a file as text, or as CSV rows.',
    input: z.object(Where).strict(),
    output: BrowserPreviewSchema,
  },
  'browser.places': {
    summary: "Where the local disk starts: the user's home folder as a local-disk location.",
    input: z.object({}).strict(),
    output: z.object({ home: z.object(Where) }),
  },
  'browser.abilities': {
    summary: "What the browser may do on a connector (new folder, rename, delete), from its driver's capabilities.",
    input: z.object({ connectorId: Where.connectorId }).strict(),
    output: BrowserAbilitiesSchema,
  },
  'browser.mkdir': {
    summary: 'Creates a folder named `name` in the folder at `path`; Conflict when something of that name exists.',
    input: z.object({ ...Where, name: NameSchema }).strict(),
    output: z.object({ path: z.string() }),
  },
  'browser.rename': {
    summary: 'Renames the file or folder at `path` to `name` in the same folder; never replaces an existing entry.',
    input: z.object({ ...Where, name: NameSchema }).strict(),
    output: z.object({ path: z.string() }),
  },
  'browser.remove': {
    summary: 'Deletes files and folders (folders with everything in them) of one connector.',
    input: z.object({ connectorId: Where.connectorId, paths: z.array(Where.path).min(1).max(1000) }).strict(),
    output: z.object({ removed: z.number().int().nonnegative() }),
  },
  'browser.localLocations': {
    summary: 'The local-disk locations of absolute paths of this computer (a typed path, files dropped from the OS).',
    input: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(1000) }).strict(),
    output: z.object({ locations: z.array(z.object(Where)) }),
  },
  'browser.chooseLocal': {
    summary: "The OS's own open dialog for files or a folder; `native: false` where there is none (the harness).",
    input: z.object({ mode: z.enum(['folder', 'items']) }).strict(),
    output: z.object({ native: z.boolean(), locations: z.array(z.object(Where)) }),
  },
});
