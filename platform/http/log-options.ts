import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';

/** How the server logs: not at all, or structured JSON lines at a level, to stdout or a given stream. */
export type LoggerSetting = boolean | { readonly level?: string; readonly stream?: DestinationStream };

// Secret-bearing fields wherever they appear in a logged object (bodies are never logged, but errors may carry them).
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'token',
  'secret',
  '*.password',
  '*.token',
  '*.secret',
  '*.passwordHash',
  '*.smtp.password',
  // Database errors logged as they are (the error handler reduces them first): bound parameters and values.
  'err.params',
  'err.query',
  'err.queryOptions',
  'err.detail',
  'err.cause.params',
  'err.cause.query',
  'err.cause.queryOptions',
  'err.cause.detail',
];

/** Removes secret query parameters (the invitation token of a preview link) from a logged URL. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|secret|password)=)[^&#]*/gi, '$1[redacted]');
}

/** Fastify logger options: pino JSON with secrets redacted and URLs scrubbed of tokens. */
export function logOptions(setting: LoggerSetting): FastifyServerOptions['logger'] {
  if (setting === false) return false;
  const { level = 'info', stream } = setting === true ? {} : setting;
  return {
    level,
    ...(stream !== undefined ? { stream } : {}),
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  };
}
