// First: its V8 flags must be set before the young generation grows.
import './lean-heap';
import { processIo } from './cli-io';
import { runCli } from './ferry-cli';

// Entry of the `ferry` command (built into out/cli/ferry.js, which bin/ferry.mjs runs): Ctrl-C or SIGTERM cancels
// cleanly (the agent finishes the file under way), the exit code says how it went.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
// A closed pipe (`ferry ls | head`) ends the output quietly instead of crashing.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
let settled = false;
// An operation that waits for something that can no longer happen must not look like success (exit code 0).
process.once('beforeExit', () => {
  if (settled) return;
  process.stderr.write('ferry: stopped before the command finished; nothing was completed. Run it again.\n');
  process.exitCode = 1;
});
runCli(process.argv.slice(2), processIo(controller.signal)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    settled = true;
    process.stderr.write(`ferry: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
