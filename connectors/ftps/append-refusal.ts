import { FTPError } from 'basic-ftp';

// Data-connection errors a server that refuses APPE causes (proftpd resets it before its 451 reply).
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/**
 * What an APPE failure says when it may be a refusal to resume: a 4xx/5xx reply that append or restart is not
 * permitted (proftpd without AllowStoreRestart: "451 Append/Restart not permitted, try again"), or the data
 * connection reset. Undefined for any other failure. The caller confirms it: the server must hold no new byte.
 */
export function appendRefusalReply(error: unknown): string | undefined {
  if (error instanceof FTPError) {
    const reply = error.message.replace(/\s+/g, ' ').trim();
    const refused =
      /\b(append|restart|resume|appe|rest)\b/i.test(reply) && /not (permitted|allowed|supported)/i.test(reply);
    if (error.code < 400 || error.code >= 600 || !refused) return undefined;
    return reply.startsWith(String(error.code)) ? reply : `${error.code} ${reply}`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && RESET_CODES.has(code)) return `the data connection was reset (${code})`;
  return undefined;
}
