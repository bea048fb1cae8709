import { startPlatform, type RunningPlatform, type SmtpOptions, type StartPlatformOptions } from '../../../platform';
import type { LocalSmtp, LocalWorkspacePatch, LocalWorkspaceSettings } from '../../../shared/ipc/platform-ipc';
import type { KeyValueStore } from '../key-value-store';
import type { SecretStore } from '../secrets/secret-store';
import { DataFolderLockedError } from '../../../platform';
import { checkPlatformUrl } from './platform-url';

const PORT_KEY = 'platformLocalPort';
const PUBLIC_URL_KEY = 'platformLocalPublicUrl';
const SMTP_KEY = 'platformLocalSmtp';
/** The keychain entry of the local workspace's SMTP password. */
const SMTP_PASSWORD = 'local-workspace:smtp-password';

function storedSmtp(store: KeyValueStore): LocalSmtp | null {
  const value = store.get(SMTP_KEY);
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<LocalSmtp>;
  if (typeof v.host !== 'string' || typeof v.port !== 'number' || typeof v.from !== 'string') return null;
  const security = v.security === 'tls' || v.security === 'starttls' ? v.security : 'opportunistic';
  return { host: v.host, port: v.port, security, user: typeof v.user === 'string' ? v.user : '', from: v.from };
}

/** How the local workspace runs: its data folder, and optionally SMTP for invitation e-mails. */
export interface LocalWorkspaceOptions {
  /** Folder of the embedded platform's database and keys (inside the app's data folder). */
  readonly dataDir: string;
  /** Where the listening port is remembered, so invitation links stay valid across restarts. */
  readonly store: KeyValueStore;
  /** SMTP for invitation e-mails, fixed at start (tests, the harness); else the SMTP settings saved in `store`. */
  readonly smtp?: SmtpOptions;
  /** Where the saved SMTP settings' password is kept (the OS keychain); without it no password is kept. */
  readonly secrets?: SecretStore;
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

  /** The SMTP the platform starts with: the fixed one, else the saved settings with the keychain's password. */
  private async smtpOptions(): Promise<SmtpOptions | undefined> {
    if (this.options.smtp !== undefined) return this.options.smtp;
    const saved = storedSmtp(this.options.store);
    if (saved === null) return undefined;
    const password = await this.options.secrets?.get(SMTP_PASSWORD);
    return {
      host: saved.host,
      port: saved.port,
      secure: saved.security === 'tls',
      requireTls: saved.security === 'starttls',
      ...(saved.user !== '' ? { user: saved.user } : {}),
      ...(password !== undefined ? { password } : {}),
      from: saved.from,
    };
  }

  private async launch(): Promise<RunningPlatform> {
    const smtp = await this.smtpOptions();
    const publicUrl = this.options.store.get(PUBLIC_URL_KEY);
    const base: StartPlatformOptions = {
      host: '127.0.0.1',
      dataDir: this.options.dataDir,
      logger: false,
      ...(smtp !== undefined ? { smtp } : {}),
      ...(typeof publicUrl === 'string' && publicUrl !== '' ? { publicUrl } : {}),
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

  /** The public URL, listening address and SMTP settings (the password only as whether one is kept). */
  async settings(): Promise<LocalWorkspaceSettings> {
    const publicUrl = this.options.store.get(PUBLIC_URL_KEY);
    const smtp = storedSmtp(this.options.store);
    const listenUrl = this.running ? await this.running.then((p) => p.url).catch(() => null) : null;
    return {
      publicUrl: typeof publicUrl === 'string' && publicUrl !== '' ? publicUrl : null,
      listenUrl,
      smtp: smtp && { ...smtp, hasPassword: (await this.options.secrets?.has(SMTP_PASSWORD)) ?? false },
      smtpFixed: this.options.smtp !== undefined,
    };
  }

  /**
   * Saves a new public URL (https, or http to this machine; null: links use the listening address) and SMTP settings
   * (the password to the keychain; null: no SMTP, e-mails wait in the outbox); a running platform restarts to use them.
   */
  async configure(patch: LocalWorkspacePatch): Promise<LocalWorkspaceSettings> {
    const { store, secrets } = this.options;
    if (patch.publicUrl !== undefined) {
      let url: string | null = null;
      if (patch.publicUrl !== null) {
        const checked = checkPlatformUrl(patch.publicUrl);
        if (!checked.ok) throw new Error(`The public URL is not usable in links (${checked.problem}).`);
        url = checked.url;
      }
      store.set(PUBLIC_URL_KEY, url);
    }
    if (patch.smtp !== undefined) {
      if (patch.smtp === null) {
        store.set(SMTP_KEY, null);
        await secrets?.delete(SMTP_PASSWORD);
      } else {
        const { password, ...smtp } = patch.smtp;
        if (password !== undefined && secrets === undefined) throw new Error('No keychain to keep the SMTP password.');
        store.set(SMTP_KEY, { ...smtp, host: smtp.host.trim() });
        if (password === null) await secrets?.delete(SMTP_PASSWORD);
        else if (password !== undefined) await secrets?.set(SMTP_PASSWORD, password);
      }
    }
    const previous = this.running;
    if (previous !== undefined) {
      // Links and e-mails are made by the running server: it starts again (same port, same data) to use them. Calls
      // meanwhile wait for the new one instead of racing it for the data folder.
      const restarted = (async () => {
        await (await previous.catch(() => undefined))?.stop();
        return this.launch();
      })();
      this.running = restarted.catch((error: unknown) => {
        this.running = undefined;
        throw error;
      });
      await this.running;
    }
    return this.settings();
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
