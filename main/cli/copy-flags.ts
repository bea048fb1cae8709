import { ConnectorError } from '../../connectors/connector-error';
import { BandwidthLimiter } from '../../connectors/transfer/bandwidth-limiter';
import { type CopyOptions, type VerifyMode } from '../../connectors/transfer/copy-file';
import { DEFAULT_RETRY_POLICY } from '../../connectors/transfer/retry-policy';
import { type CompareMode } from '../services/transfers/destination-conflict';
import { type CliIo } from './cli-io';
import { formatDuration, parseBandwidth } from './progress-line';

/** The flags every copying command (cp, sync, mv) shares, as typed on the command line. */
export interface CopyFlags {
  readonly verify: VerifyMode;
  readonly bwlimit?: string;
  readonly concurrency?: string;
  readonly retries?: string;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly compare?: CompareMode;
  readonly dryRun?: boolean;
}

/** A whole number >= 1 from a flag, or the fallback when the flag is absent; InvalidInput otherwise. */
export function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new ConnectorError('InvalidInput', `--${flag} needs a whole number >= 1.`);
  return value;
}

/** The copy engine's options for these flags: verification, one shared bandwidth limit, retries said on stderr. */
export function copyOptionsOf(flags: CopyFlags, io: CliIo): CopyOptions {
  let limit: number | null = null;
  if (flags.bwlimit !== undefined) {
    try {
      limit = parseBandwidth(flags.bwlimit);
    } catch (error) {
      throw new ConnectorError('InvalidInput', `--bwlimit: ${(error as Error).message}`);
    }
  }
  return {
    verify: flags.verify,
    limiter: new BandwidthLimiter(limit),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: positiveInteger(flags.retries, 'retries', DEFAULT_RETRY_POLICY.maxAttempts),
    },
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    onRetry: (error, attempt, delayMs) =>
      io.err(
        `${error.message}; trying again in ${delayMs < 10_000 ? `${(delayMs / 1000).toFixed(1)}s` : formatDuration(delayMs / 1000)} (attempt ${attempt + 1})`,
      ),
  };
}

/**
 * The globs of --include/--exclude as rclone users expect them: a pattern without a slash matches a file name in
 * any folder ('*.log' also matches 'logs/a.log'); one with a slash matches the whole relative path.
 */
export function cliGlobs(patterns: readonly string[] | undefined): string[] {
  return (patterns ?? []).map((pattern) => (pattern.includes('/') ? pattern.replace(/^\//, '') : `**/${pattern}`));
}
