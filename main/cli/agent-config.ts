import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConnectorError } from '../../connectors/connector-error';
import { type SyncBinding, SyncBindingSchema } from '../../shared/ipc/sync-ipc';
import { checkPlatformUrl } from '../services/platform/platform-url';

/** Where the headless agent finds the platform: FERRY_PLATFORM_URL and an API key in FERRY_API_KEY. */
export interface AgentPlatformEnv {
  readonly url: string;
  readonly apiKey: string;
}

function invalid(message: string, hint?: string): ConnectorError {
  return new ConnectorError('InvalidInput', message, { hint });
}

/** The platform URL and API key from the environment (never from the config file: keys stay out of files). */
export function platformFromEnv(env: NodeJS.ProcessEnv): AgentPlatformEnv {
  const url = env.FERRY_PLATFORM_URL?.trim();
  const apiKey = env.FERRY_API_KEY?.trim();
  if (!url)
    throw invalid('FERRY_PLATFORM_URL is not set.', 'Set it to the platform address, e.g. https://ferry.example.org.');
  if (!apiKey) {
    throw invalid(
      'FERRY_API_KEY is not set.',
      "Create an API key in the organisation's admin (editor role) and set it.",
    );
  }
  const checked = checkPlatformUrl(url);
  if (!checked.ok) {
    throw invalid(
      `FERRY_PLATFORM_URL "${url}" is not usable (${checked.problem}).`,
      'Use https://…; plain http only to this machine (127.0.0.1, localhost).',
    );
  }
  return { url: checked.url, apiKey };
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100) || 'binding';

/**
 * The agent's bindings from the config file's `agent.bindings`: each like the app's (kind publish or deliver),
 * naming its connector by `connector` (a configured connector's name); `id` defaults to a slug of `name`.
 */
export async function loadAgentBindings(file: string): Promise<readonly SyncBinding[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw invalid(`Cannot read the agent's bindings from ${file}: ${(error as Error).message}`);
  }
  const raw = z
    .object({ agent: z.object({ bindings: z.array(z.record(z.string(), z.unknown())).min(1) }) })
    .safeParse(parsed);
  if (!raw.success) {
    throw invalid(
      `${file} has no "agent": { "bindings": [ … ] }.`,
      'Add at least one binding (kind "deliver" with an acquisitionId, or "publish" with an offerId).',
    );
  }
  const ids = new Set<string>();
  return raw.data.agent.bindings.map((item, index) => {
    const name = typeof item.name === 'string' ? item.name : `binding ${index + 1}`;
    const candidate = {
      ...item,
      name,
      id: typeof item.id === 'string' ? item.id : slug(name),
      connectorId: item.connector ?? item.connectorId,
      folder: item.folder ?? '',
    };
    delete (candidate as Record<string, unknown>).connector;
    const binding = SyncBindingSchema.safeParse(candidate);
    if (!binding.success) {
      const issue = binding.error.issues[0];
      throw invalid(`Binding "${name}" in ${file}: ${issue?.path.join('.') || 'it'}: ${issue?.message ?? 'invalid'}.`);
    }
    if (ids.has(binding.data.id)) throw invalid(`Two bindings in ${file} have the id "${binding.data.id}".`);
    ids.add(binding.data.id);
    return binding.data;
  });
}
