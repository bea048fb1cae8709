import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '../../connectors/connector-error';
import { type VerifyMode } from '../../connectors/transfer/copy-file';
import { assertNever } from '../../shared/assert-never';
import { type CompareMode } from '../services/transfers/destination-conflict';
import { type CliIo } from './cli-io';
import { withLogging } from './cli-log';
import { CliSession } from './cli-session';
import { cliGlobs } from './copy-flags';
import {
  type CommandName,
  commandSpec,
  commandUsage,
  GLOBAL_OPTIONS,
  mainUsage,
  type OptionName,
  OPTIONS,
} from './command-specs';
import { compareCommand } from './compare-command';
import { cpCommand, CpRefusedError, EXIT_REFUSED } from './cp-command';
import { checkCommand, connectorsCommand, lsCommand } from './info-commands';
import { mkdirCommand } from './mkdir-command';
import { mvCommand } from './mv-command';
import { rmCommand } from './rm-command';
import { syncCommand } from './sync-command';

/** Usage text of `ferry`. */
export const USAGE = mainUsage();

type Values = {
  readonly [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'boolean'
    ? boolean
    : K extends 'include' | 'exclude'
      ? string[]
      : string;
};

// At most one comparison flag; none means checksum.
function compareOf(values: Values): CompareMode | undefined {
  const chosen = (['checksum', 'size-only', 'mtime'] as const).filter((flag) => values[flag] === true);
  if (chosen.length > 1) throw new UsageError(`choose one of --${chosen.join(', --')}`);
  return chosen[0];
}

class UsageError extends Error {}

function verifyOf(values: Values): VerifyMode {
  const mode = values.verify ?? (values['no-verify'] === true ? 'size' : 'hash');
  if (values.verify !== undefined && values['no-verify'] === true)
    throw new UsageError('choose either --verify or --no-verify');
  if (mode !== 'hash' && mode !== 'strict' && mode !== 'size') {
    throw new UsageError(`--verify takes hash, strict or size, not "${mode}"`);
  }
  return mode;
}

/** Runs one `ferry` command; returns the exit code (0 ok, 1 failed, 2 usage, 4 cp refused). Errors print as one line. */
export async function runCli(argv: readonly string[], baseIo: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], allowPositionals: true, tokens: true, options: OPTIONS });
  } catch (error) {
    baseIo.err(`ferry: ${(error as Error).message} (see ferry --help)`);
    return 2;
  }
  const values = parsed.values as Values;
  const [command, ...args] = parsed.positionals;
  const spec = command === undefined || command === 'help' ? undefined : commandSpec(command);
  if (command === 'help' && args.length === 1 && commandSpec(args[0]!) !== undefined) {
    baseIo.out(commandUsage(commandSpec(args[0]!)!));
    return 0;
  }
  if (values.help === true || command === undefined || command === 'help') {
    baseIo.out(spec === undefined ? USAGE : commandUsage(spec));
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (spec === undefined) {
    baseIo.err(`ferry: unknown command "${command}" (see ferry --help)`);
    return 2;
  }
  const io = withLogging(baseIo, {
    verbose: values.verbose === true,
    ...(values['log-file'] === undefined ? {} : { logFile: path.resolve(baseIo.cwd, values['log-file']) }),
    ...(values.stats === undefined ? {} : { statsSeconds: Number(values.stats) }),
    progressLines: values.progress === true,
  });
  let compare: CompareMode | undefined;
  let verify: VerifyMode = 'hash';
  try {
    const allowed = new Set<string>([...GLOBAL_OPTIONS, ...spec.options]);
    for (const token of parsed.tokens) {
      if (token.kind === 'option' && !allowed.has(token.name)) {
        throw new UsageError(`${spec.name} does not take --${token.name} (see ferry ${spec.name} --help)`);
      }
    }
    const [least, most] = spec.arity;
    if (args.length < least || args.length > most) {
      const count = least === most ? `${least}` : `${least} to ${most}`;
      throw new UsageError(
        `${spec.name} takes ${count} argument(s), got ${args.length} (see ferry ${spec.name} --help)`,
      );
    }
    if (values.overwrite === true && values['keep-both'] === true) {
      throw new UsageError('choose either --overwrite or --keep-both, not both');
    }
    if (values.stats !== undefined && !(Number(values.stats) > 0))
      throw new UsageError('--stats needs a number of seconds > 0');
    if (command === 'check' && args.length === 2 && values.write === true) {
      throw new UsageError('--write belongs to the diagnostics of one connector (ferry check <connector> --write)');
    }
    compare = compareOf(values);
    verify = verifyOf(values);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`ferry: ${error.message}`);
    io.close();
    return 2;
  }
  const copyFlags = {
    verify,
    dryRun: values['dry-run'] === true,
    include: cliGlobs(values.include),
    exclude: cliGlobs(values.exclude),
    ...(values.bwlimit === undefined ? {} : { bwlimit: values.bwlimit }),
    ...(values.concurrency === undefined ? {} : { concurrency: values.concurrency }),
    ...(values.retries === undefined ? {} : { retries: values.retries }),
    ...(compare === undefined ? {} : { compare }),
  };
  const json = values.json === true;
  let session: CliSession | undefined;
  try {
    session = await CliSession.open({
      configPath: values.config,
      env: io.env,
      cwd: io.cwd,
      tofu: values['no-tofu'] !== true && !/^(1|true|yes)$/i.test(io.env.FERRY_NO_TOFU ?? ''),
      notice: (line) => io.err(`ferry: ${line}`),
    });
    const name = spec.name as CommandName;
    switch (name) {
      case 'ls':
        await lsCommand(session, io, args[0]!, json);
        break;
      case 'cp':
        await cpCommand(session, io, args[0]!, args[1]!, {
          ...copyFlags,
          existing: values.overwrite === true ? 'overwrite' : values['keep-both'] === true ? 'keepBoth' : 'refuse',
        });
        break;
      case 'sync':
        await syncCommand(session, io, args[0]!, args[1]!, {
          ...copyFlags,
          deleteExtraneous: values['delete-extraneous'] === true,
          json,
        });
        break;
      case 'check':
        if (args.length === 2) {
          await compareCommand(session, io, args[0]!, args[1]!, {
            oneWay: values['one-way'] === true,
            include: copyFlags.include,
            exclude: copyFlags.exclude,
            ...(compare === undefined ? {} : { compare }),
            json,
          });
        } else await checkCommand(session, io, args[0]!, values.write === true, json);
        break;
      case 'mv':
        await mvCommand(session, io, args[0]!, args[1]!, { ...copyFlags, overwrite: values.overwrite === true });
        break;
      case 'rm':
        await rmCommand(session, io, args[0]!, { recursive: values.recursive === true, dryRun: copyFlags.dryRun });
        break;
      case 'mkdir':
        await mkdirCommand(session, io, args[0]!);
        break;
      case 'connectors':
        connectorsCommand(session, io, json);
        break;
      case 'agent': {
        // The agent's modules (sync, uploads, platform client) load only for `ferry agent`, not for every command.
        const { agentCommand } = await import('./agent-command');
        return await agentCommand(session, io, {
          once: values.once === true,
          dryRun: copyFlags.dryRun,
          json,
          configPath: values.config,
          settle: values.settle,
          bwlimit: values.bwlimit,
        });
      }
      default:
        assertNever(name);
    }
    return 0;
  } catch (error) {
    io.progress(undefined);
    io.err(`ferry: ${describeError(error).replace(/\s*\n\s*/g, ' ')}`);
    return error instanceof CpRefusedError ? EXIT_REFUSED : 1;
  } finally {
    io.close();
    await session?.close();
  }
}
