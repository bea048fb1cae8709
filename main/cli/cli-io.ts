/** How a CLI run talks to the world (a real process, or a test). */
export interface CliIo {
  /** One line of normal output (stdout). */
  out(line: string): void;
  /** One line of diagnostics (stderr). */
  err(line: string): void;
  /** Replaces the progress line on a terminal (undefined clears it); ignored when stderr is not a terminal. */
  progress(line: string | undefined): void;
  /** Whether progress is redrawn in place (stderr is a terminal); --progress prints it as lines otherwise. */
  readonly interactive?: boolean;
  /** Aborted on Ctrl-C. */
  readonly signal?: AbortSignal;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The IO of the real process: stdout and stderr, progress redrawn in place when stderr is a terminal. */
export function processIo(signal: AbortSignal): CliIo {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  let last = 0;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
      process.stderr.write(`${line}\n`);
    },
    progress: (line) => {
      if (!tty) return;
      if (line === undefined) {
        if (shown) process.stderr.write('\r\x1b[K');
        shown = false;
        return;
      }
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
      process.stderr.write(`\r\x1b[K${line.slice(0, width)}`);
      shown = true;
    },
    interactive: tty,
    signal,
    env: process.env,
    cwd: process.cwd(),
  };
}
