import { parse } from 'csv-parse/sync';
/** Most rows and columns a preview returns. */
const MAX_ROWS = 200;
const MAX_COLUMNS = 50;
const MAX_CELL = 500;

/** The delimiter a CSV sample most likely uses: the one of , ; tab | found most on its first line. */
export function guessDelimiter(sample: string): string {
  const firstLine = sample.split(/\r?\n/, 1)[0] ?? '';
  let best = ',';
  let bestCount = 0;
  for (const candidate of [',', ';', '\t', '|']) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) [best, bestCount] = [candidate, count];
  }
  return best;
}

/**
 * Parses the start of a CSV file with csv-parse (RFC 4180 quotes, CRLF or LF, rows of any width). `complete` false
 * means the sample was cut: its last, possibly partial, record is dropped. Rows, columns and cells are capped for
 * display; a malformed file shows the rows before the problem.
 */
export function csvRows(sample: string, complete: boolean, delimiter = guessDelimiter(sample)): string[][] {
  const rows: string[][] = [];
  const cap = (cell: string): string => (cell.length > MAX_CELL ? `${cell.slice(0, MAX_CELL)}…` : cell);
  try {
    parse(sample, {
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      // Rows are collected as they are parsed, so a cut or malformed end keeps what came before it.
      on_record: (record: string[]) => {
        if (rows.length <= MAX_ROWS) rows.push(record.slice(0, MAX_COLUMNS).map(cap));
        return null;
      },
    });
    // A cut that fell right after a line end left no partial record.
    if (!complete && !/[\r\n]$/.test(sample)) rows.pop();
  } catch {
    // A quote the cut left open, or a malformed line: the rows parsed before it stand.
  }
  return rows.slice(0, MAX_ROWS);
}
