import { startPlatform, type RunningPlatform, type SmtpOptions, type StartPlatformOptions } from '../../../platform';
import type { KeyValueStore } from '../key-value-store';
import { DataFolderLockedError } from '../../../platform';

const PORT_KEY = 'platformLocalPort';

/** How the local workspace runs: its data folder, and optionally SMTP for invitation e-mails. */
export interface LocalWorkspaceOptions {
  /** Folder of the embedded platform's database and keys (inside the app's data folder). */
  readonly dataDir: string;
  /** Where the listening port is remembered, so invitation links stay valid across restarts. */
  readonly store: KeyValueStore;
  /** SMTP for invitation e-mails; without it they wait in the outbox. */
  readonly smtp?: SmtpOptions;
  /** Starts the server (tests may wrap it). */
  readonly start?: (options: StartPlatformOptions) => Promise<RunningPlatform>;
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/**
 * The local workspace: the platform started in-process on 127.0.0.1 on first use, with its data in the app's
 * folder; one instance at a time, stopped with the app.
 */
export class LocalWorkspace {
  private running: Promise<RunningPlatform> | undefined;
  private readonly start: (options: StartPlatformOptions) => Promise<RunningPlatform>;

  constructor(private readonly options: LocalWorkspaceOptions) {
    this.start = options.start ?? startPlatform;
  }

  private async launch(): Promise<RunningPlatform> {
    const base: StartPlatformOptions = {
      host: '127.0.0.1',
      dataDir: this.options.dataDir,
      logger: false,
      ...(this.options.smtp !== undefined ? { smtp: this.options.smtp } : {}),
    };
    const remembered = this.options.store.get(PORT_KEY);
    let platform: RunningPlatform;
    if (typeof remembered === 'number' && Number.isInteger(remembered) && remembered > 0) {
      // The same port as last time keeps earlier invitation links working; if it is taken, any free port will do.
      platform = await this.start({ ...base, port: remembered }).catch((error: unknown) => {
        if (error instanceof DataFolderLockedError) throw error; // another port would not help
        return this.start({ ...base, port: 0 });
      });
    } else {
      platform = await this.start({ ...base, port: 0 });
    }
    if (portOf(platform.url) !== remembered) this.options.store.set(PORT_KEY, portOf(platform.url));
    return platform;
  }

  /** The local platform's base URL, starting it on first use (a failed start is retried on the next call). */
  async url(): Promise<string> {
    this.running ??= this.launch().catch((error: unknown) => {
      this.running = undefined;
      throw error;
    });
    return (await this.running).url;
  }

  /** Whether the local platform is running now. */
  get started(): boolean {
    return this.running !== undefined;
  }

  /** Stops the local platform if it runs (requests finish, then the database closes). */
  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    if (running) await (await running.catch(() => undefined))?.stop();
  }
}
