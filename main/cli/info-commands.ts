import { CONNECTOR_DESCRIPTORS, CONNECTOR_KINDS } from '../../shared/connectors/connector-descriptors';
import { secretOptionNames } from '../../shared/connectors/connector-descriptor';
import { assertNever } from '../../shared/assert-never';
import { ConnectorError } from '../../connectors/connector-error';
import { type Entry } from '../../connectors/driver';
import { type CliIo } from './cli-io';
import { type CliSession } from './cli-session';
import { optionLine, summarizeOption } from './option-summary';
import { formatBytes } from './progress-line';

function entryLine(entry: Entry): string {
  const size = entry.type === 'file' ? formatBytes(entry.size ?? 0) : '-';
  const mtime = entry.mtimeMs === undefined ? '-' : new Date(entry.mtimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const name = entry.type === 'directory' ? `${entry.name}/` : entry.name;
  return `${entry.type === 'directory' ? 'd' : '-'} ${size.padStart(11)}  ${mtime.padEnd(20)}  ${name}`;
}

/** `ferry ls <location>`: the entries of a folder (page by page), or the file itself. */
export async function lsCommand(session: CliSession, io: CliIo, argument: string, json: boolean): Promise<void> {
  const at = await session.location(argument);
  const self = await at.driver.stat(at.path, { signal: io.signal });
  const show = (entry: Entry): void => io.out(json ? JSON.stringify(entry) : entryLine(entry));
  if (self.type === 'file') {
    show(self);
    return;
  }
  let cursor: string | undefined;
  do {
    const page = await at.driver.list(at.path, { cursor, pageSize: 1000, signal: io.signal });
    for (const entry of page.entries) show(entry);
    for (const rejected of page.rejected) io.err(`skipped unsafe entry ${rejected.rawName}: ${rejected.reason}`);
    cursor = page.cursor;
  } while (cursor !== undefined);
}

/** `ferry check <connector>`: the driver's step-by-step diagnostics; fails on the first failed step. */
export async function checkCommand(
  session: CliSession,
  io: CliIo,
  name: string,
  write: boolean,
  json: boolean,
): Promise<void> {
  const driver = await session.connector(name);
  const report = await driver.check({ write, signal: io.signal });
  if (json) io.out(JSON.stringify(report));
  else {
    for (const step of report.steps) {
      let mark: string;
      switch (step.status) {
        case 'ok':
          mark = 'ok  ';
          break;
        case 'failed':
          mark = 'FAIL';
          break;
        case 'skipped':
          mark = 'skip';
          break;
        default:
          assertNever(step.status, 'check status');
      }
      io.out(`${mark}  ${step.label.padEnd(20)} ${step.detail}${step.fingerprint ? ` [${step.fingerprint}]` : ''}`);
      if (step.status !== 'ok' && step.hint) io.out(`      -> ${step.hint}`);
    }
  }
  const failed = report.steps.find((s) => s.status === 'failed');
  if (failed !== undefined) {
    throw new ConnectorError('InvalidInput', `check of ${name} failed at "${failed.label}": ${failed.detail}`, {
      hint: failed.hint,
    });
  }
}

/** `ferry connectors`: the configured connectors (secrets masked) and the kinds with their options. */
export function connectorsCommand(session: CliSession, io: CliIo, json: boolean): void {
  const configured = [...session.connectors.values()].map((c) => {
    const kind =
      c.kind in CONNECTOR_DESCRIPTORS ? CONNECTOR_DESCRIPTORS[c.kind as keyof typeof CONNECTOR_DESCRIPTORS] : undefined;
    const secrets = new Set(kind === undefined ? [] : secretOptionNames(kind));
    const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, secrets.has(k) ? '***' : v]));
    return { name: c.name, type: c.kind, source: c.source, options };
  });
  const kinds = CONNECTOR_KINDS.filter((kind) => session.kinds.has(kind)).map((kind) => ({
    type: kind,
    label: CONNECTOR_DESCRIPTORS[kind].label,
    options: Object.entries(CONNECTOR_DESCRIPTORS[kind].options).map(([name, spec]) => summarizeOption(name, spec)),
  }));
  if (json) {
    io.out(JSON.stringify({ connectors: configured, kinds: session.kinds.kinds(), types: kinds }));
    return;
  }
  io.out(configured.length === 0 ? 'No connectors configured.' : 'Configured connectors:');
  for (const c of configured) {
    const shown = Object.entries(c.options)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    io.out(`  ${c.name}  (${c.type}, from ${c.source})  ${shown}`);
  }
  io.out('');
  io.out('Connector types (FERRY_CONNECTOR_<NAME>_TYPE=<type>, FERRY_CONNECTOR_<NAME>_<OPTION>=<value>):');
  for (const kind of kinds) {
    io.out(`  ${kind.type}  ${kind.label}`);
    for (const option of kind.options) io.out(`    ${optionLine(option)}`);
  }
  io.out('  (* required. Options taking a certificate, key or JSON take the TEXT of the file, never its path:');
  io.out('   in a shell, FERRY_CONNECTOR_<NAME>_PRIVATE_KEY="$(cat ~/.ssh/id_ed25519)".)');
}
