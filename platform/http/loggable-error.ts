import { DrizzleQueryError } from 'drizzle-orm';

/** What the log keeps of an error: never the SQL, its bound parameters or the database's detail (values). */
export type LoggableError = Readonly<Record<string, unknown>>;

// Database errors (node-postgres, PGlite) carry these; PGlite also attaches query, params and queryOptions.
const DATABASE_FIELDS = ['code', 'severity', 'routine', 'table', 'column', 'constraint'] as const;

/**
 * A database error reduced to its kind and message (no stack: it only shows the driver's internals); any other
 * error as pino would log it, without the fields that could quote request values.
 */
export function loggableError(error: unknown): LoggableError {
  // Drizzle's message is the SQL followed by the bound parameters: keep only the driver's error under it.
  if (error instanceof DrizzleQueryError) {
    return error.cause !== undefined ? loggableError(error.cause) : { type: error.name, message: 'Failed query' };
  }
  if (!(error instanceof Error)) return { type: typeof error, message: String(error) };
  const fields = error as unknown as Record<string, unknown>;
  const isDatabase = typeof fields.severity === 'string' || 'params' in fields || 'query' in fields;
  if (isDatabase) {
    const safe: Record<string, unknown> = { type: error.name, message: error.message };
    for (const field of DATABASE_FIELDS) if (typeof fields[field] === 'string') safe[field] = fields[field];
    return safe;
  }
  return { type: error.name, message: error.message, stack: error.stack };
}
