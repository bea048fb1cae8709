import { ConnectorError } from './connector-error';

/**
 * Unsupported, with a typed meaning: the server refuses to continue a file from an offset (FTP APPE not allowed), so a
 * write at offset > 0 can never succeed there and the copy must start over from zero. The code stays in the closed
 * set (callers that do not know this class see an ordinary Unsupported).
 */
export class ResumeRefusedError extends ConnectorError {
  constructor(path: string, reply: string, cause?: unknown) {
    super('Unsupported', `The server does not allow resuming uploads (${reply}): ${path}`, {
      path,
      hint: 'The copy starts over from the beginning; ask the administrator to allow resuming (proftpd: AllowStoreRestart on).',
      cause,
    });
  }
}

/** Whether an error says the server refuses to resume a write from an offset. */
export function isResumeRefused(error: unknown): error is ResumeRefusedError {
  return error instanceof ResumeRefusedError;
}
