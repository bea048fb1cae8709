import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { csvCell } from '../../shared/csv-cell';
import { AUDIT_CSV_COLUMNS, type AuditEvent } from '../../shared/platform';

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
