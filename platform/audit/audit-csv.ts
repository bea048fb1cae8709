import { pipeline, Readable } from 'node:stream';
import { stringify, type CastReturnObject } from 'csv-stringify';
import { AUDIT_CSV_COLUMNS, type AuditEvent } from '../../shared/platform';

// Spreadsheets run a cell starting with one of these as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

// Quoted as well: `;` (the separator of spreadsheets in many locales) and any line break (the library quotes only a
// whole CRLF, but spreadsheets start a new row at a lone LF or CR).
const MUST_QUOTE = /[;\r\n]/;

/**
 * One cell: a value a spreadsheet would run as a formula gets a leading single quote inside a quoted cell; a value
 * with `;` is quoted too, so a spreadsheet whose locale splits on `;` cannot cut it into a formula-starting cell.
 */
export function csvCell(value: string): string | CastReturnObject {
  if (FORMULA_START.test(value)) return { value: `'${value}`, quoted: true };
  if (MUST_QUOTE.test(value)) return { value, quoted: true };
  return value;
}

/**
 * The audit events as CSV (RFC 4180: comma, CRLF, a header line), produced as the events arrive: nothing more than
 * the stream's buffers is held in memory, and a slow reader slows the reading of events down.
 */
export function auditCsv(events: AsyncIterable<AuditEvent>): Readable {
  const csv = stringify({
    header: true,
    columns: [...AUDIT_CSV_COLUMNS],
    record_delimiter: 'windows',
    cast: { string: csvCell },
  });
  // A failing source (the database) or a reader hanging up ends both streams; the error reaches the reply.
  return pipeline(Readable.from(events), csv, () => undefined);
}
