/** One clause of the `q` subset the fake understands. */
export type DriveClause =
  | { readonly kind: 'in-parents'; readonly parent: string }
  | { readonly kind: 'trashed'; readonly value: boolean }
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'mime'; readonly value: string; readonly negated: boolean };

/**
 * Parses the `q` of files.list: clauses joined by `and` (`'ID' in parents`, `trashed = false`, `name = '...'`,
 * `mimeType = '...'` or `!=`), string literals with `\'` and `\\` escapes; anything else throws (a 400 "Invalid Value").
 */
export function parseDriveQuery(q: string): readonly DriveClause[] {
  const clauses: DriveClause[] = [];
  let rest = q.trim();
  const literal = (): string => {
    if (!rest.startsWith("'")) throw new Error(`Invalid Value: expected a string literal at ${rest}`);
    let value = '';
    let i = 1;
    for (; i < rest.length; i++) {
      const c = rest[i]!;
      if (c === '\\') {
        value += rest[++i] ?? '';
        continue;
      }
      if (c === "'") break;
      value += c;
    }
    if (i >= rest.length) throw new Error('Invalid Value: unterminated string literal');
    rest = rest.slice(i + 1).trim();
    return value;
  };
  const take = (pattern: RegExp): RegExpExecArray | null => {
    const match = pattern.exec(rest);
    if (match !== null) rest = rest.slice(match[0].length).trim();
    return match;
  };
  while (rest !== '') {
    if (rest.startsWith("'")) {
      const parent = literal();
      if (take(/^in\s+parents\b/) === null) throw new Error(`Invalid Value: ${rest}`);
      clauses.push({ kind: 'in-parents', parent });
    } else if (take(/^trashed\s*=\s*/) !== null) {
      const value = take(/^(true|false)\b/);
      if (value === null) throw new Error(`Invalid Value: ${rest}`);
      clauses.push({ kind: 'trashed', value: value[1] === 'true' });
    } else if (take(/^name\s*=\s*/) !== null) {
      clauses.push({ kind: 'name', value: literal() });
    } else {
      const mime = take(/^mimeType\s*(!=|=)\s*/);
      if (mime === null) throw new Error(`Invalid Value: unsupported query at ${rest}`);
      clauses.push({ kind: 'mime', negated: mime[1] === '!=', value: literal() });
    }
    if (rest !== '' && take(/^and\b/) === null) throw new Error(`Invalid Value: expected "and" at ${rest}`);
  }
  return clauses;
}
