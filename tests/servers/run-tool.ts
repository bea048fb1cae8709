import { spawnSync } from 'node:child_process';

/** Runs a command-line tool synchronously and returns its stdout, throwing with its stderr when it fails. */
export function runTool(command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    const detail = result.error?.message ?? result.stderr;
    throw new Error(`${command} ${args.join(' ')} failed: ${detail}`);
  }
  return result.stdout;
}
