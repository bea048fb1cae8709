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
 * Parses the start of a CSV file (RFC 4180 quotes, CRLF or LF). `complete` false means the sample was cut: its
 * last, possibly partial, line is dropped. Rows, columns and cells are capped for display.
 */
export function csvRows(sample: string, complete: boolean, delimiter = guessDelimiter(sample)): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  const endCell = () => {
    if (row.length < MAX_COLUMNS) row.push(cell.length > MAX_CELL ? `${cell.slice(0, MAX_CELL)}…` : cell);
    cell = '';
  };
  while (i < sample.length && rows.length < MAX_ROWS) {
    const c = sample[i]!;
    if (quoted) {
      if (c === '"' && sample[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === delimiter) endCell();
    else if (c === '\n' || c === '\r') {
      endCell();
      rows.push(row);
      row = [];
      if (c === '\r' && sample[i + 1] === '\n') i++;
    } else cell += c;
    i++;
  }
  if (complete && rows.length < MAX_ROWS && (cell !== '' || row.length > 0)) {
    endCell();
    rows.push(row);
  }
  return rows;
}
