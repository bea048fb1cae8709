import path from 'node:path';
import { lockDataFolder } from '../../platform/db/data-folder-lock';
import { credentialExpiryOf } from '../../connectors/config/credential-expiry';
import { ConnectorError } from '../../connectors/connector-error';
import type { ActivityEntry } from '../../shared/ipc/sync-ipc';
import { PlatformClient } from '../services/platform/platform-client';
import { fixedPlatform } from '../services/sync/agent-platform';
import { createSyncAgent } from '../services/sync/create-sync-agent';
import type { BindingOutcome } from '../services/sync/sync-agent';
import { fixedBindings } from '../services/sync/sync-bindings-store';
import { TransferRuntime } from '../services/transfers/transfer-runtime';
import { loadAgentBindings, platformFromEnv } from './agent-config';
import { defaultConfigDir, defaultConfigPath } from './cli-config';
import type { CliIo } from './cli-io';
import type { CliSession } from './cli-session';
import { formatBytes, parseBandwidth } from './progress-line';

/** Exit codes of `ferry agent --once`. */
export const AGENT_EXIT = {
  /** Every binding ran; nothing failed. */
  ok: 0,
  /** A file failed or a binding could not run (the log says which and why). */
  failed: 1,
  /** A binding stopped on a warning (source empty or unreachable, target gone) and nothing failed. */
  warning: 3,
} as const;

/** Options of `ferry agent`. */
export interface AgentCommandOptions {
  readonly once: boolean;
  /** `--dry-run`: print what each binding's next run would send and skip, doing nothing. */
  readonly dryRun?: boolean;
  readonly json: boolean;
  readonly configPath: string | undefined;
  /** `--settle`: seconds a new file must stay unchanged before it is published (default: the runner's). */
  readonly settle?: string;
  /** `--bwlimit`: bandwidth shared by every file the agent moves, e.g. 10M. */
  readonly bwlimit?: string;
}

function parseSettle(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) {
    throw new ConnectorError('InvalidInput', `--settle: "${text}" is not a number of seconds from 0 to 3600.`);
  }
  return Math.round(seconds * 1000);
}

/** One log line of an activity entry: time, kind, binding, file, size, then what failed and what to do. */
export function agentLogLine(entry: ActivityEntry): string {
  const parts = [entry.at, entry.kind, `[${entry.bindingName}]`];
  if (entry.path !== undefined) parts.push(entry.path);
  if (entry.size !== undefined) parts.push(`(${formatBytes(entry.size)})`);
  if (entry.reason !== undefined) parts.push(`reason=${entry.reason}`);
  if (entry.code !== undefined) parts.push(`code=${entry.code}`);
  let line = parts.join(' ');
  if (entry.message !== undefined) line += `: ${entry.message.replace(/\s*\n\s*/g, ' ')}`;
  if (entry.hint !== undefined) line += ` (${entry.hint})`;
  return line;
}

function exitCodeOf(outcomes: ReadonlyMap<string, BindingOutcome>): number {
  const all = [...outcomes.values()];
  if (all.some((o) => o.kind === 'crashed' || o.summary.failed > 0)) return AGENT_EXIT.failed;
  if (all.some((o) => o.kind === 'ran' && o.summary.stoppedBy !== undefined)) return AGENT_EXIT.warning;
  return AGENT_EXIT.ok;
}

/**
 * `ferry agent [--once | --dry-run] [--config FILE] [--json]`: the desktop's sync engine without a window. Connectors and
 * bindings from the config file, the platform URL and API key from the environment; one log line per event
 * (JSON with --json). `--once` runs every binding once and exits with AGENT_EXIT; otherwise it runs until SIGTERM
 * or Ctrl-C, which let the current file finish (a second signal ends the process; the next start resumes).
 */
export async function agentCommand(session: CliSession, io: CliIo, options: AgentCommandOptions): Promise<number> {
  const configFile = options.configPath ?? defaultConfigPath(io.env);
  const bindings = await loadAgentBindings(path.resolve(io.cwd, configFile));
  const platform = platformFromEnv(io.env);
  const dataDir =
    io.env.FERRY_AGENT_DATA_DIR ??
    path.join(
      options.configPath !== undefined ? path.dirname(path.resolve(io.cwd, configFile)) : defaultConfigDir(io.env),
      'agent',
    );
  const settleMs = options.settle === undefined ? undefined : parseSettle(options.settle);
  const memory = new Map<string, unknown>();
  const runtime = new TransferRuntime({
    get: (key) => memory.get(key),
    set: (key, value) => void memory.set(key, value),
  });
  if (options.bwlimit !== undefined) {
    try {
      runtime.setLimits({ bandwidthBytesPerSecond: parseBandwidth(options.bwlimit) });
    } catch (error) {
      throw new ConnectorError('InvalidInput', `--bwlimit: ${(error as Error).message}`);
    }
  }
  // One agent per ledger: a second `ferry agent` on the same folder is refused, naming the process that holds it.
  const lock = await lockDataFolder(dataDir, 'agent');
  let built: ReturnType<typeof createSyncAgent>;
  try {
    built = createSyncAgent({
      dataDir,
      bindings: fixedBindings(bindings),
      drivers: session.connectorDrivers,
      platform: fixedPlatform(new PlatformClient(platform.url, platform.apiKey)),
      runtime,
      credentialExpiry: async (name) => {
        const connector = session.connectors.get(name.toLowerCase());
        return connector === undefined ? null : credentialExpiryOf(connector.kind, connector.options);
      },
      ...(settleMs !== undefined ? { settleMs } : {}),
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
  const { agent } = built;
  // SIGTERM or Ctrl-C: no new file starts, the ones under way finish (a second signal ends the process at once).
  io.signal?.addEventListener('abort', () => void agent.stop(true), { once: true });
  agent.onActivity((entry) => io.out(options.json ? JSON.stringify(entry) : agentLogLine(entry)));
  const say = (event: string, text: string, extra: Record<string, unknown> = {}) =>
    io.err(options.json ? JSON.stringify({ event, ...extra }) : `ferry agent: ${text}`);
  say('started', `${bindings.length} binding(s), platform ${platform.url}, ledger in ${dataDir}`, {
    bindings: bindings.length,
    platform: platform.url,
    dataDir,
  });
  try {
    if (options.dryRun === true) {
      for (const binding of bindings) {
        const preview = await agent.preview(binding.id);
        if (options.json) {
          io.out(JSON.stringify(preview));
          continue;
        }
        const verb = binding.kind === 'publish' ? 'would publish' : 'would deliver';
        for (const file of preview.wouldSend)
          io.out(`[${binding.name}] ${verb} ${file.path} (${formatBytes(file.size)})`);
        for (const file of preview.skipped) io.out(`[${binding.name}] would skip ${file.path}: ${file.reason}`);
        if (preview.warning !== null) io.out(`[${binding.name}] would stop: ${preview.warning}`);
        if (preview.truncatedAt !== null) {
          io.out(`[${binding.name}] the preview stopped after ${preview.truncatedAt} files; a run takes every file`);
        }
        if (preview.wouldSend.length + preview.skipped.length === 0 && preview.warning === null) {
          io.out(`[${binding.name}] nothing to do`);
        }
      }
      return AGENT_EXIT.ok;
    }
    if (options.once) {
      const outcomes = await agent.runOnce();
      for (const [id, outcome] of outcomes) {
        if (outcome.kind === 'crashed') continue;
        const { sent, failed, bytes } = outcome.summary;
        say('ran', `${id}: ${sent} file(s) sent (${formatBytes(bytes)}), ${failed} failed`, {
          id,
          sent,
          failed,
          bytes,
        });
      }
      return exitCodeOf(outcomes);
    }
    agent.start();
    await new Promise<void>((resolve) => {
      if (io.signal?.aborted) resolve();
      io.signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    say('stopping', 'stopping after the files under way…');
    return AGENT_EXIT.ok;
  } finally {
    await built.close(true);
    await lock.release();
    say('stopped', 'stopped.');
  }
}
