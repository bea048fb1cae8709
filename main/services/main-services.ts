import type { IpcHandlers } from '../ipc/ipc-dispatcher';
import { type HostFacts, appInfoOf } from './app-info';
import { type ExternalOpener, ExternalLinkService } from './external-link';
import type { KeyValueStore } from './key-value-store';
import { browserHandlers } from './browser/browser-handlers';
import { BrowserService } from './browser/browser-service';
import { connectorsHandlers } from './connectors/connectors-handlers';
import { ConnectorsService } from './connectors/connectors-service';
import path from 'node:path';
import type { SmtpOptions } from '../../platform';
import { AccountRegistry } from './platform/account-registry';
import { LocalWorkspace } from './platform/local-workspace';
import { OrganisationService, type SavePathChooser } from './platform/organisation-service';
import { PlatformConnection } from './platform/platform-connection';
import { organisationHandlers, platformHandlers } from './platform/platform-handlers';
import type { SecretStore } from './secrets/secret-store';
import { SettingsService } from './settings-service';
import { transfersHandlers } from './transfers/transfers-handlers';
import { TransfersService } from './transfers/transfers-service';
import { UiPreferences } from './ui-preferences';
import { WindowStateService } from './window-state';
import { resolveLanguage } from '../../shared/settings';
import { FileResumeStateStore } from '../../connectors/file-resume-state-store';

/** What the composition root needs from its host (Electron's shell, the harness, the CLI). */
export interface MainServicesOptions {
  readonly store: KeyValueStore;
  /** The settings service, when the host needed it before the rest (the shell builds its menu first). */
  readonly settings?: SettingsService;
  readonly host: HostFacts;
  readonly openExternal: ExternalOpener;
  /** Where secrets go: the OS keychain, or session memory when it is unavailable (see keychainProblem). */
  readonly secrets: SecretStore;
  /** Why the keychain is not used, shown to the user; undefined when it is. */
  readonly keychainProblem?: string;
  /** SMTP for the local workspace's invitation e-mails; without it they wait in its outbox. */
  readonly localPlatformSmtp?: SmtpOptions;
  /** Asks where to save an export (a save dialog in the app); default: `<dataDir>/exports/<name>`. */
  readonly chooseSavePath?: SavePathChooser;
}

/** Every main-process service, built once, shared by Electron's shell and the test harness. */
export class MainServices {
  readonly settings: SettingsService;
  readonly windowState: WindowStateService;
  readonly externalLinks: ExternalLinkService;
  readonly uiPreferences: UiPreferences;
  readonly connectors: ConnectorsService;
  readonly browser: BrowserService;
  readonly secrets: SecretStore;
  readonly platform: PlatformConnection;
  readonly organisation: OrganisationService;
  readonly transfers: TransfersService;
  private readonly host: HostFacts;
  private readonly keychainProblem: string | undefined;

  constructor(options: MainServicesOptions) {
    this.host = options.host;
    this.secrets = options.secrets;
    this.keychainProblem = options.keychainProblem;
    this.settings = options.settings ?? new SettingsService(options.store);
    this.windowState = new WindowStateService(options.store);
    this.externalLinks = new ExternalLinkService(options.openExternal);
    this.uiPreferences = new UiPreferences(options.store);
    this.connectors = new ConnectorsService({
      store: options.store,
      secrets: options.secrets,
      resumeStore: new FileResumeStateStore(path.join(options.host.dataDir, 'resume-state.json')),
    });
    this.browser = new BrowserService({
      drivers: this.connectors,
      onConnectorChange: (listener) => this.connectors.onChange(listener),
    });
    const dataDir = options.host.dataDir;
    this.platform = new PlatformConnection({
      accounts: new AccountRegistry(options.store),
      secrets: options.secrets,
      local: new LocalWorkspace({
        dataDir: path.join(dataDir, 'platform'),
        store: options.store,
        ...(options.localPlatformSmtp !== undefined ? { smtp: options.localPlatformSmtp } : {}),
      }),
    });
    this.organisation = new OrganisationService(
      this.platform,
      options.chooseSavePath ?? (async (name) => path.join(dataDir, 'exports', name)),
    );
    this.transfers = new TransfersService({
      drivers: this.connectors,
      journalPath: path.join(dataDir, 'transfers.sqlite'),
      store: options.store,
      language: () => resolveLanguage(this.settings.get().language, this.host.locale),
    });
  }

  /** Stops what runs in the background (transfers, open drivers, the local workspace's platform) before quitting. */
  async stop(): Promise<void> {
    await this.transfers.close();
    await this.browser.close();
    await this.platform.stop();
  }

  /** The IPC contract's implementation on top of these services. */
  handlers(): IpcHandlers {
    return {
      'app.info': () => appInfoOf(this.host, { backend: this.secrets.backend, problem: this.keychainProblem }),
      'app.openExternal': ({ url }) => this.externalLinks.open(url),
      'settings.get': () => this.settings.get(),
      'settings.set': (patch) => this.settings.set(patch),
      'ui.getPreference': ({ key }) => ({ value: this.uiPreferences.get(key) }),
      'ui.setPreference': ({ key, value }) => {
        this.uiPreferences.set(key, value);
        return { saved: true };
      },
      ...connectorsHandlers(this.connectors),
      ...browserHandlers(this.browser),
      ...platformHandlers(this.platform),
      ...organisationHandlers(this.organisation),
      ...transfersHandlers(this.transfers),
    };
  }
}
