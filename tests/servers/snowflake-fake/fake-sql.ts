/** A stage location parsed from `'@db.schema.stage/path'` (identifiers resolved, unquoted ones upper-cased). */
export interface StageRef {
  /** Identifiers as Snowflake resolves them: [database?, schema?, name]. */
  readonly parts: readonly string[];
  /** `@%table`: the table's stage. */
  readonly table: boolean;
  /** Path inside the stage, without leading '/' (may end with '/'). */
  readonly path: string;
}

/** One statement of the subset the fake understands. */
export type FakeStatement =
  | { readonly kind: 'select-context' }
  | { readonly kind: 'list'; readonly stage: StageRef; readonly pattern?: string }
  | { readonly kind: 'get'; readonly stage: StageRef; readonly local: string; readonly pattern?: string }
  | {
      readonly kind: 'put';
      readonly local: string;
      readonly stage: StageRef;
      readonly options: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'remove'; readonly stage: StageRef; readonly pattern?: string }
  | { readonly kind: 'unsupported'; readonly text: string };

/** A cursor over SQL text: string literals with Snowflake's escapes (`\\`, `\'`, `''`), words, `=`. */
class Tokens {
  private at = 0;
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at]!)) this.at++;
  }

  done(): boolean {
    this.skipSpace();
    return this.at >= this.text.length || this.text.slice(this.at).trim() === ';';
  }

  /** A single-quoted literal, or an unquoted run of non-space characters (`@stage/path`, `file:///x`). */
  value(): string {
    this.skipSpace();
    if (this.text[this.at] !== "'") {
      const start = this.at;
      while (this.at < this.text.length && !/[\s=;]/.test(this.text[this.at]!)) this.at++;
      return this.text.slice(start, this.at);
    }
    this.at++;
    let out = '';
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined) throw new Error('unterminated string literal');
      if (c === '\\') {
        const next = this.text[this.at++];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next === '0' ? '\0' : (next ?? '');
      } else if (c === "'") {
        if (this.text[this.at] === "'") {
          out += "'";
          this.at++;
        } else return out;
      } else out += c;
    }
  }

  /** `NAME = value` options until the end. */
  options(): Record<string, string> {
    const options: Record<string, string> = {};
    while (!this.done()) {
      const name = this.value().toUpperCase();
      this.skipSpace();
      if (this.text[this.at] !== '=') throw new Error(`expected = after ${name}`);
      this.at++;
      options[name] = this.value();
    }
    return options;
  }
}

/** Resolves `"Quoted"` (kept, `""` -> `"`) and bare (upper-cased) identifiers of `db.schema.%name`. */
export function parseStageRef(location: string): StageRef {
  if (!location.startsWith('@')) throw new Error(`not a stage location: ${location}`);
  const parts: string[] = [];
  let table = false;
  let at = 1;
  for (;;) {
    if (location[at] === '%') {
      table = true;
      at++;
    }
    if (location[at] === '"') {
      let name = '';
      at++;
      for (;;) {
        const c = location[at++];
        if (c === undefined) throw new Error('unterminated quoted identifier');
        if (c === '"') {
          if (location[at] === '"') {
            name += '"';
            at++;
          } else break;
        } else name += c;
      }
      parts.push(name);
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(location.slice(at));
      if (match === null) throw new Error(`bad identifier in ${location}`);
      parts.push(match[0].toUpperCase());
      at += match[0].length;
    }
    if (location[at] === '.') {
      at++;
      continue;
    }
    break;
  }
  const rest = location.slice(at);
  if (rest !== '' && !rest.startsWith('/')) throw new Error(`unexpected text after the stage name: ${rest}`);
  return { parts, table, path: rest.replace(/^\/+/, '') };
}

/** Parses one statement of the subset the fake serves (anything else is `unsupported`). */
export function parseStatement(sqlText: string): FakeStatement {
  const text = sqlText.trim();
  const verb = /^\w+/.exec(text)?.[0].toUpperCase();
  const tokens = new Tokens(text.slice(verb?.length ?? 0));
  switch (verb) {
    case 'SELECT':
      return /^SELECT\s+CURRENT_USER\(\)\s*,\s*CURRENT_ROLE\(\)/i.test(text)
        ? { kind: 'select-context' }
        : { kind: 'unsupported', text };
    case 'LIST':
    case 'LS': {
      const stage = parseStageRef(tokens.value());
      return { kind: 'list', stage, pattern: tokens.options().PATTERN };
    }
    case 'GET': {
      const stage = parseStageRef(tokens.value());
      const local = tokens.value();
      return { kind: 'get', stage, local: fileUrlPath(local), pattern: tokens.options().PATTERN };
    }
    case 'PUT': {
      const local = fileUrlPath(tokens.value());
      const stage = parseStageRef(tokens.value());
      return { kind: 'put', local, stage, options: tokens.options() };
    }
    case 'REMOVE':
    case 'RM': {
      const stage = parseStageRef(tokens.value());
      return { kind: 'remove', stage, pattern: tokens.options().PATTERN };
    }
    default:
      return { kind: 'unsupported', text };
  }
}

function fileUrlPath(url: string): string {
  if (!url.startsWith('file://')) throw new Error(`not a file:// location: ${url}`);
  return url.slice('file://'.length);
}
