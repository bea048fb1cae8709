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

/** Methods of the file browser (listing, details, preview) over my connectors and the local disk. */
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
});
