import { parseArgs } from 'node:util';
import { describeError } from '../../connectors/connector-error';
import { type CliIo } from './cli-io';
import { CliSession } from './cli-session';
import { cpCommand, CpRefusedError, EXIT_REFUSED } from './cp-command';
import { checkCommand, connectorsCommand, lsCommand } from './info-commands';

/** Usage text of `ferry`. */
export const USAGE = `Usage: ferry <command> [options]

Commands:
  ls <location>              List a folder (or show a file)
  cp <source> <destination>  Copy a file, or a folder's contents; verified by size and hash. A file already
                             at the destination with the same size and hash is left alone; a different one
                             is never replaced: cp refuses it (exit 4) unless --overwrite or --keep-both
  check <connector>          Diagnose a connector step by step (--write also tests writing)
  connectors                 Show configured connectors and the connector types
  agent                      Run the sync agent headless: the bindings in the config file's "agent"
                             section, the platform from FERRY_PLATFORM_URL and FERRY_API_KEY

A location is <connector>:<path> or a local path. Connectors come from the config file
(--config, default ferry.json in the user's config folder) and from environment variables
FERRY_CONNECTOR_<NAME>_TYPE=<type> and FERRY_CONNECTOR_<NAME>_<OPTION>=<value>.

Options:
  --config <file>     Config file to read connectors from
  --json              Machine-readable output (ls, check, connectors; agent: one JSON object per line)
  --no-verify         cp: check sizes only, not hashes
  --bwlimit <rate>    cp, agent: bandwidth limit in bytes/s, e.g. 500k, 10M (decimal), 10Mi (binary)
  --concurrency <n>   cp: files copied at once for folders (default 4)
  --retries <n>       cp: attempts per file on temporary failures (default 6)
  --overwrite         cp: replace different files already at the destination
  --keep-both         cp: copy beside a different file already there, as "name (2).ext"
  --write             check: also write, read back and remove a probe file
  --once              agent: run every binding once, then exit (0 ok, 1 a file failed, 3 a warning)
  --dry-run           agent: show what each binding's next run would send and skip, doing nothing
  --settle <seconds>  agent: how long a new file must stay unchanged before it is published (default 10)
  --no-tofu           Refuse SSH host keys never seen before instead of trusting them on first use
                      (the fingerprint is printed, to pin); FERRY_NO_TOFU=1 does the same
  -h, --help          Show this help

Exit codes: 0 done (identical files left alone count as done), 1 failed, 2 usage error,
3 agent --once warning, 4 cp refused: a different file exists at the destination and neither
--overwrite nor --keep-both was given (nothing was written over it; other files were copied)
`;

/** Runs one `ferry` command; returns the exit code (0 ok, 1 failed, 2 usage, 4 cp refused). Errors print as one line. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-verify': { type: 'boolean', default: false },
        bwlimit: { type: 'string' },
        concurrency: { type: 'string' },
        retries: { type: 'string' },
        overwrite: { type: 'boolean', default: false },
        'keep-both': { type: 'boolean', default: false },
        write: { type: 'boolean', default: false },
        once: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        settle: { type: 'string' },
        'no-tofu': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`ferry: ${(error as Error).message} (see ferry --help)`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.out(USAGE);
    return command === undefined && !values.help ? 2 : 0;
  }
  const expected: Record<string, number> = { ls: 1, cp: 2, check: 1, connectors: 0, agent: 0 };
  if (!(command in expected)) {
    io.err(`ferry: unknown command "${command}" (see ferry --help)`);
    return 2;
  }
  if (args.length !== expected[command]) {
    io.err(`ferry: ${command} takes ${expected[command]} argument(s), got ${args.length} (see ferry --help)`);
    return 2;
  }
  if (values.overwrite && values['keep-both']) {
    io.err('ferry: choose either --overwrite or --keep-both, not both (see ferry --help)');
    return 2;
  }
  let session: CliSession | undefined;
  try {
    session = await CliSession.open({
      configPath: values.config,
      env: io.env,
      cwd: io.cwd,
      tofu: !values['no-tofu'] && !/^(1|true|yes)$/i.test(io.env.FERRY_NO_TOFU ?? ''),
      notice: (line) => io.err(`ferry: ${line}`),
    });
    switch (command) {
      case 'ls':
        await lsCommand(session, io, args[0]!, values.json);
        break;
      case 'cp':
        await cpCommand(session, io, args[0]!, args[1]!, {
          verify: !values['no-verify'],
          bwlimit: values.bwlimit,
          concurrency: values.concurrency,
          retries: values.retries,
          existing: values.overwrite ? 'overwrite' : values['keep-both'] ? 'keepBoth' : 'refuse',
        });
        break;
      case 'check':
        await checkCommand(session, io, args[0]!, values.write, values.json);
        break;
      case 'connectors':
        connectorsCommand(session, io, values.json);
        break;
      case 'agent': {
        // The agent's modules (sync, uploads, platform client) load only for `ferry agent`, not for every command.
        const { agentCommand } = await import('./agent-command');
        return await agentCommand(session, io, {
          once: values.once,
          dryRun: values['dry-run'],
          json: values.json,
          configPath: values.config,
          settle: values.settle,
          bwlimit: values.bwlimit,
        });
      }
    }
    return 0;
  } catch (error) {
    io.progress(undefined);
    io.err(`ferry: ${describeError(error).replace(/\s*\n\s*/g, ' ')}`);
    return error instanceof CpRefusedError ? EXIT_REFUSED : 1;
  } finally {
    await session?.close();
  }
}
