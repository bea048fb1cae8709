import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../shared/connectors/connector-descriptors';
import { envNameOfOption } from '../../shared/connectors/connector-descriptor';
import { ConnectorError } from '../../connectors/connector-error';

/** A configured connector: its name, kind and raw options, and where it was defined. */
export interface ConfiguredConnector {
  readonly name: string;
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly source: 'file' | 'env' | 'file+env';
}

/** The folder Ferry keeps its command-line configuration in, per platform conventions. */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32')
    return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Ferry');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Ferry');
  return path.join(env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config'), 'ferry');
}

/** Default config file: `ferry.json` in the config folder. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(defaultConfigDir(env), 'ferry.json');
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function invalid(message: string, hint?: string): ConnectorError {
  return new ConnectorError('InvalidInput', message, { hint });
}

/** Reads `{ "connectors": { "<name>": { "type": "<kind>", "<option>": value, ... } } }`. */
async function readConfigFile(file: string, required: boolean): Promise<Map<string, ConfiguredConnector>> {
  const result = new Map<string, ConfiguredConnector>();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw invalid(`Cannot read the config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalid(`The config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const connectors = (parsed as { connectors?: unknown } | null)?.connectors;
  if (connectors === undefined) return result;
  if (typeof connectors !== 'object' || connectors === null || Array.isArray(connectors)) {
    throw invalid(`"connectors" in ${file} must be an object of named connectors.`);
  }
  for (const [name, value] of Object.entries(connectors)) {
    if (!NAME.test(name)) throw invalid(`Connector name "${name}" in ${file}: use letters, digits, - and _.`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(`Connector "${name}" in ${file} must be an object with a "type".`);
    }
    const { type, ...options } = value as Record<string, unknown>;
    if (typeof type !== 'string') throw invalid(`Connector "${name}" in ${file} has no "type".`);
    result.set(name.toLowerCase(), { name: name.toLowerCase(), kind: type, options, source: 'file' });
  }
  return result;
}

/**
 * Connectors from the environment, as rclone does: `FERRY_CONNECTOR_<NAME>_TYPE=<kind>` declares one, and
 * `FERRY_CONNECTOR_<NAME>_<OPTION>=<value>` sets an option (its name upper-cased, words split by `_`, e.g.
 * HOST_KEY_FINGERPRINT; HOSTKEYFINGERPRINT works too). Names are case-insensitive; an unknown option is an error.
 */
function readEnvironment(
  env: NodeJS.ProcessEnv,
  base: Map<string, ConfiguredConnector>,
): Map<string, ConfiguredConnector> {
  const prefix = 'FERRY_CONNECTOR_';
  const result = new Map(base);
  const keys = Object.keys(env).filter((k) => k.startsWith(prefix));
  const declared = new Map<string, string>();
  for (const key of keys) {
    if (key.endsWith('_TYPE') && key.length > prefix.length + 5) {
      declared.set(key.slice(prefix.length, -5), env[key]!);
    }
  }
  // Longest names first, so FERRY_CONNECTOR_A_B_HOST belongs to "a_b" rather than to "a".
  const names = [...declared.keys()].sort((a, b) => b.length - a.length);
  const options = new Map<string, Record<string, unknown>>(names.map((n) => [n, {}]));
  for (const key of keys) {
    const rest = key.slice(prefix.length);
    const name = names.find((n) => rest.startsWith(`${n}_`));
    if (name === undefined) {
      throw invalid(`${key} names no connector: set FERRY_CONNECTOR_<NAME>_TYPE first.`);
    }
    const optionKey = rest.slice(name.length + 1);
    if (optionKey === 'TYPE') continue;
    const kind = declared.get(name)!;
    if (!isConnectorKind(kind)) throw invalid(`FERRY_CONNECTOR_${name}_TYPE: unknown connector type "${kind}".`);
    const descriptor = CONNECTOR_DESCRIPTORS[kind];
    const option = Object.keys(descriptor.options).find(
      (o) => envNameOfOption(o) === optionKey || o.toUpperCase() === optionKey,
    );
    if (option === undefined) {
      const known = Object.keys(descriptor.options).map(envNameOfOption).join(', ');
      throw invalid(`${key}: ${kind} has no option ${optionKey}.`, `Options of ${kind}: ${known}.`);
    }
    options.get(name)![option] = env[key];
  }
  for (const name of names) {
    if (!NAME.test(name))
      throw invalid(`Connector name "${name}" (from FERRY_CONNECTOR_${name}_TYPE): use letters, digits, - and _.`);
    const lower = name.toLowerCase();
    const fromFile = result.get(lower);
    const kind = declared.get(name)!;
    const merged =
      fromFile !== undefined && fromFile.kind === kind
        ? { ...fromFile.options, ...options.get(name) }
        : options.get(name)!;
    result.set(lower, {
      name: lower,
      kind,
      options: merged,
      source: fromFile !== undefined && fromFile.kind === kind ? 'file+env' : 'env',
    });
  }
  return result;
}

/** Loads connectors from the config file (the default one may be missing) and the environment, env winning. */
export async function loadConnectors(
  configPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Map<string, ConfiguredConnector>> {
  const fromFile = await readConfigFile(configPath ?? defaultConfigPath(env), configPath !== undefined);
  return readEnvironment(env, fromFile);
}
