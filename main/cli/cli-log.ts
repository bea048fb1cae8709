import { appendFileSync } from 'node:fs';
import { type CliIo } from './cli-io';

/** What `-v`, `--log-file` and `--stats` ask for. */
export interface CliLogOptions {
  readonly verbose: boolean;
  /** Absolute path of a file every message is appended to, time-stamped. */
  readonly logFile?: string;
  /** Seconds between statistics lines (the latest progress) on stderr. */
  readonly statsSeconds?: number;
  /** Print progress as lines (once a second) where it cannot be redrawn in place. */
  readonly progressLines?: boolean;
}

/** A CliIo that also logs, with `info` for per-file details and `close` to stop the statistics timer. */
export interface LoggingIo extends CliIo {
  /** A detail shown with -v and always written to the log file. */
  info(line: string): void;
  close(): void;
}

/**
 * Wraps the IO of a run with the logging the flags ask for. The log file gets every line (out, err, info, stats) with
 * an ISO time and its level, as rclone's --log-file does; a log file that cannot be written fails the first write.
 */
export function withLogging(io: CliIo, options: CliLogOptions): LoggingIo {
  const log = (level: string, line: string): void => {
    if (options.logFile !== undefined)
      appendFileSync(options.logFile, `${new Date().toISOString()} ${level} ${line}\n`);
  };
  let latest: string | undefined;
  let printedAt = 0;
  const timer =
    options.statsSeconds === undefined
      ? undefined
      : setInterval(() => {
          if (latest === undefined) return;
          io.err(`stats: ${latest}`);
          log('STATS', latest);
        }, options.statsSeconds * 1000);
  timer?.unref();
  return {
    ...io,
    out: (line) => {
      io.out(line);
      log('OUT', line);
    },
    err: (line) => {
      io.err(line);
      log('ERROR', line);
    },
    info: (line) => {
      if (options.verbose) io.err(line);
      log('INFO', line);
    },
    progress: (line) => {
      if (line !== undefined) latest = line;
      io.progress(line);
      if (line === undefined || io.interactive === true || options.progressLines !== true) return;
      if (Date.now() - printedAt < 1000) return;
      printedAt = Date.now();
      io.err(line);
    },
    close: () => clearInterval(timer),
  };
}
