import path from 'node:path';
import { ConnectorError } from '../connector-error';

/** A Snowflake string literal: single quotes, with backslash and quote escaped (Snowflake reads `\` escapes). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * An identifier as the user wrote it in an option: a plain name (letters, digits, _ and $) is upper-cased as
 * Snowflake resolves unquoted names; anything else is kept exactly. Always double-quoted, inner quotes doubled.
 */
export function quoteIdentifier(name: string): string {
  const resolved = /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) ? name.toUpperCase() : name;
  return `"${resolved.replace(/"/g, '""')}"`;
}

/** A `file://` location of a local path, with forward slashes on Windows too (C:/Users/...), as PUT and GET take it. */
function fileLocation(localPath: string): string {
  return `file://${localPath.split(path.sep).join('/')}`;
}

/** A regular expression matching `text` literally (Snowflake's PATTERN is a POSIX-style regex). */
function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** Where a stage is and how to name it in PUT, GET, LIST and REMOVE. */
export interface StageName {
  readonly database?: string;
  readonly schema?: string;
  /** The stage's name, or `%TABLE` for a table's stage. */
  readonly stage: string;
}

/**
 * The SQL text of the stage commands Ferry runs, every location quoted: identifiers double-quoted, the stage
 * path inside a string literal, and every file selected by an anchored PATTERN, because Snowflake matches stage
 * paths as prefixes (`REMOVE @s/a` would also remove `a2/b`).
 */
export class StageSql {
  /** `"DB"."SCHEMA"."STAGE"` or `"DB"."SCHEMA".%"TABLE"`. */
  readonly qualifiedName: string;
  readonly table: boolean;

  constructor(name: StageName) {
    this.table = name.stage.startsWith('%');
    const bare = this.table ? name.stage.slice(1) : name.stage;
    if (bare.trim() === '') throw new ConnectorError('InvalidInput', 'The stage name is empty.');
    const parts = [name.database, name.schema].filter((p): p is string => p !== undefined && p !== '');
    if (name.schema === undefined || name.schema === '') {
      // A database without a schema cannot qualify a stage: the schema would be taken for the database.
      parts.length = 0;
    }
    const last = `${this.table ? '%' : ''}${quoteIdentifier(bare)}`;
    this.qualifiedName = [...parts.map(quoteIdentifier), last].join('.');
  }

  /** `'@"DB"."S"."STAGE"/path'`: the stage location as a string literal. */
  location(path: string): string {
    return sqlString(`@${this.qualifiedName}/${path}`);
  }

  /** PATTERN matching exactly the file `name` (LIST shows named stages' files as `<stage>/<path>`). */
  private exact(name: string): string {
    return sqlString(`${this.table ? '' : '[^/]+/'}${escapeRegex(name)}`);
  }

  /** Every file whose stored name starts with `prefix`. */
  listPrefix(prefix: string): string {
    return `LIST ${this.location(prefix)}`;
  }

  /** The one file named `name` (LIST's prefix match narrowed by the anchored pattern). */
  listExact(name: string): string {
    return `LIST ${this.location(name)} PATTERN = ${this.exact(name)}`;
  }

  /** Downloads exactly `name` into the local folder `dir`. */
  get(name: string, dir: string): string {
    return `GET ${this.location(name)} ${sqlString(`${fileLocation(dir)}/`)} PATTERN = ${this.exact(name)}`;
  }

  /**
   * Uploads the local file into the stage folder `folder` ('' or 'a/b/'), replacing. AUTO_COMPRESS=FALSE keeps the
   * bytes as they are (Snowflake gzips by default); SOURCE_COMPRESSION stays auto-detect, which only labels files.
   */
  put(localFile: string, folder: string): string {
    return `PUT ${sqlString(fileLocation(localFile))} ${this.location(folder)} AUTO_COMPRESS = FALSE OVERWRITE = TRUE`;
  }

  /** Removes exactly `name`. */
  remove(name: string): string {
    return `REMOVE ${this.location(name)} PATTERN = ${this.exact(name)}`;
  }
}
