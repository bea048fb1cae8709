import type { PlatformClient } from '../platform/platform-client';

/**
 * How the agent reaches the platform: a signed-in client (its `baseUrl` and bearer `token` also serve the tus
 * uploads and the file content downloads). The app gives the active account's session; `ferry agent` an API key.
 */
export interface AgentPlatform {
  /** A client with a current token; asked before each run (and again after a refusal for an expired session). */
  client(): Promise<PlatformClient>;
}

/** An AgentPlatform with one fixed client (an API key never expires on its own). */
export function fixedPlatform(client: PlatformClient): AgentPlatform {
  return { client: async () => client };
}
