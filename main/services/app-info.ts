import type { AppInfo } from '../../shared/ipc';

/** What the host (Electron's app, or Node in the harness) tells about itself. */
export interface HostFacts {
  readonly name: string;
  readonly version: string;
  readonly locale: string;
  readonly dataDir: string;
  readonly versions: { readonly electron?: string; readonly chrome?: string; readonly node: string };
}

/** Builds the app.info answer from the host's facts, the process and where secrets are kept. */
export function appInfoOf(host: HostFacts, secrets: AppInfo['secrets']): AppInfo {
  return {
    name: host.name,
    version: host.version,
    platform: process.platform,
    locale: host.locale,
    versions: { ...host.versions },
    dataDir: host.dataDir,
    secrets,
  };
}
