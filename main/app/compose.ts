import path from 'node:path';
import { FileResumeStateStore } from '../../connectors/file-resume-state-store';
import type { SmtpOptions } from '../../platform';
import { ipcMethods } from '../../shared/ipc';
import { resolveLanguage } from '../../shared/settings';
import { type Dispatch, type IpcHandlers, createDispatcher } from '../ipc/ipc-dispatcher';
import { type HostFacts, appInfoOf } from '../services/app-info';
import { browserHandlers } from '../services/browser/browser-handlers';
import { BrowserService } from '../services/browser/browser-service';
import type { LocalChooser } from '../services/browser/browser-service';
import { connectorsHandlers } from '../services/connectors/connectors-handlers';
import { ConnectorsService } from '../services/connectors/connectors-service';
import { DriveSignIns } from '../services/connectors/drive-sign-ins';
import { type ExternalOpener, ExternalLinkService } from '../services/external-link';
import type { KeyValueStore } from '../services/key-value-store';
import { desktopLocations } from '../services/locations/desktop-locations';
import { AcquisitionDownloads } from '../services/acquisitions/acquisition-downloads';
import { acquisitionsHandlers } from '../services/acquisitions/acquisitions-handlers';
import { OfferUploadQueue } from '../services/offer-uploads/offer-upload-queue';
import { OfferUploader } from '../services/offer-uploads/offer-uploader';
import { offerUploadsHandlers } from '../services/offer-uploads/offer-uploads-handlers';
import { UploadUrlStore, uploadUrlStorePath } from '../services/offer-uploads/upload-url-store';
import type { LocationRegistry } from '../services/locations/location-registry';
import { AccountRegistry } from '../services/platform/account-registry';
import { LocalWorkspace } from '../services/platform/local-workspace';
import { OrganisationService, type SavePathChooser } from '../services/platform/organisation-service';
import { PlatformConnection } from '../services/platform/platform-connection';
import { orgApiHandlers } from '../services/platform/org-api-handlers';
import { organisationHandlers, platformHandlers } from '../services/platform/platform-handlers';
import type { SecretStore } from '../services/secrets/secret-store';
import { SettingsService } from '../services/settings-service';
import { createSyncAgent } from '../services/sync/create-sync-agent';
import type { SyncAgent } from '../services/sync/sync-agent';
import { SyncBindingsStore } from '../services/sync/sync-bindings-store';
import { syncHandlers } from '../services/sync/sync-handlers';
import { syncNotificationOf } from '../services/sync/sync-notification';
import { TransferRuntime } from '../services/transfers/transfer-runtime';
import { transfersHandlers } from '../services/transfers/transfers-handlers';
import { TransfersService } from '../services/transfers/transfers-service';
import { UiPreferences } from '../services/ui-preferences';
import { WindowStateService } from '../services/window-state';
import type { DesktopModule, ModuleOutlets } from './desktop-module';

/** What compose() needs from its host (Electron's shell, the test harness, a test). */
export interface ComposeOptions {
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
  /** The OS's open dialog for the browser's upload and download (Electron); the harness keeps its own picker. */
  readonly chooseLocalPaths?: LocalChooser;
  /** Where events go (the window, the harness's pages); none by default. */
  readonly outlets?: Partial<ModuleOutlets>;
  /** Whether the sync agent runs its bindings on its own schedule (default true; tests may turn it off). */
  readonly startAgent?: boolean;
  /** How long a new file must stay unchanged before the agent publishes it (default: the runner's). */
  readonly agentSettleMs?: number;
}

/** Every desktop service, built once. */
export interface DesktopServices {
  readonly settings: SettingsService;
  readonly windowState: WindowStateService;
  readonly externalLinks: ExternalLinkService;
  readonly uiPreferences: UiPreferences;
  readonly connectors: ConnectorsService;
  /** Google sign-ins of Drive connectors being created or edited (their tokens wait in main for the save). */
  readonly driveSignIns: DriveSignIns;
  readonly browser: BrowserService;
  /** Every place files can be opened: the local disk and my connectors (next: organisation connectors, offers). */
  readonly locations: LocationRegistry;
  readonly secrets: SecretStore;
  readonly platform: PlatformConnection;
  readonly organisation: OrganisationService;
  /** The queue and bandwidth limit every mover shares (manual transfers and the sync agent). */
  readonly transferRuntime: TransferRuntime;
  readonly transfers: TransfersService;
  /** The bindings the sync agent runs, kept in the app's store. */
  readonly syncBindings: SyncBindingsStore;
  /** The sync agent: publishes my-connector folders to offers and delivers acquisitions into them. */
  readonly sync: SyncAgent;
  /** Stops the agent (files under way are cut, their partials kept) and closes its ledger. */
  readonly closeSync: () => Promise<void>;
  /** Uploads to offers started from the Offers screen (local disk or my connectors), resumable. */
  readonly offerUploads: OfferUploadQueue;
  /** Cuts the offer uploads under way (the platform keeps their bytes) and closes their URL store. */
  readonly closeOfferUploads: () => Promise<void>;
}

/** The composed desktop: its services, the IPC contract's implementation and dispatcher, and one stop. */
export interface Composition {
  readonly services: DesktopServices;
  readonly handlers: IpcHandlers;
  readonly dispatch: Dispatch;
  /** Stops every module (transfers, open drivers, the local workspace's platform), last built first. */
  stop(): Promise<void>;
}

function buildServices(options: ComposeOptions): DesktopServices {
  const dataDir = options.host.dataDir;
  const settings = options.settings ?? new SettingsService(options.store);
  const driveSignIns = new DriveSignIns({
    openExternal: options.openExternal,
    storedClient: (id) => connectors.storedClient(id),
  });
  const connectors: ConnectorsService = new ConnectorsService({
    store: options.store,
    secrets: options.secrets,
    signIns: driveSignIns,
    resumeStore: new FileResumeStateStore(path.join(dataDir, 'resume-state.json')),
  });
  const platform = new PlatformConnection({
    accounts: new AccountRegistry(options.store),
    secrets: options.secrets,
    local: new LocalWorkspace({
      dataDir: path.join(dataDir, 'platform'),
      store: options.store,
      secrets: options.secrets,
      ...(options.localPlatformSmtp !== undefined ? { smtp: options.localPlatformSmtp } : {}),
    }),
  });
  const locations = desktopLocations(connectors);
  const transferRuntime = new TransferRuntime(options.store);
  const syncBindings = new SyncBindingsStore(options.store);
  const sync = createSyncAgent({
    dataDir,
    bindings: syncBindings,
    drivers: locations,
    // The signed-in account's session: bindings act as the person using the app.
    platform: { client: async () => (await platform.active()).client },
    runtime: transferRuntime,
    store: options.store,
    credentialExpiry: (connectorId) => connectors.credentialExpiry(connectorId),
    ...(options.agentSettleMs !== undefined ? { settleMs: options.agentSettleMs } : {}),
  });
  // The same URL store file as the agent's (WAL, fingerprints per offer and content): a restart resumes either.
  const uploadUrls = new UploadUrlStore(uploadUrlStorePath(dataDir));
  const offerUploads = new OfferUploadQueue({
    uploader: new OfferUploader({ store: uploadUrls }),
    drivers: locations,
    session: async () => {
      const { client, orgId } = await platform.active();
      return { platformUrl: client.baseUrl, orgId, token: client.token ?? '' };
    },
    queue: transferRuntime.queue,
    limiter: transferRuntime.limiter,
  });
  return {
    settings,
    windowState: new WindowStateService(options.store),
    externalLinks: new ExternalLinkService(options.openExternal),
    uiPreferences: new UiPreferences(options.store),
    connectors,
    driveSignIns,
    locations,
    browser: new BrowserService({
      drivers: locations,
      onConnectorChange: (listener) => connectors.onChange(listener),
      preferences: new UiPreferences(options.store),
      ...(options.chooseLocalPaths !== undefined ? { chooseLocal: options.chooseLocalPaths } : {}),
    }),
    secrets: options.secrets,
    platform,
    organisation: new OrganisationService(
      platform,
      options.chooseSavePath ?? (async (name) => path.join(dataDir, 'exports', name)),
    ),
    transferRuntime,
    transfers: new TransfersService({
      drivers: locations,
      runtime: transferRuntime,
      journalPath: path.join(dataDir, 'transfers.sqlite'),
      store: options.store,
      language: () => resolveLanguage(settings.get().language, options.host.locale),
    }),
    syncBindings,
    sync: sync.agent,
    closeSync: () => sync.close(false),
    offerUploads,
    closeOfferUploads: async () => {
      await offerUploads.close();
      uploadUrls.close();
    },
  };
}

function modulesOf(services: DesktopServices, options: ComposeOptions): readonly DesktopModule[] {
  const { settings, uiPreferences, transfers } = services;
  return [
    {
      handlers: {
        'app.info': () =>
          appInfoOf(options.host, { backend: services.secrets.backend, problem: options.keychainProblem }),
        'app.openExternal': ({ url }) => services.externalLinks.open(url),
      },
    },
    {
      handlers: { 'settings.get': () => settings.get(), 'settings.set': (patch) => settings.set(patch) },
      wire: ({ emit }) => void settings.onChange((next) => emit('settings.changed', next)),
    },
    {
      handlers: {
        'ui.getPreference': ({ key }) => ({ value: uiPreferences.get(key) }),
        'ui.setPreference': ({ key, value }) => {
          uiPreferences.set(key, value);
          return { saved: true };
        },
      },
    },
    {
      handlers: connectorsHandlers(services.connectors, services.driveSignIns),
      stop: async () => services.driveSignIns.close(),
    },
    // The agent stops first: its files under way are cut (partials kept, resumed at next start) before drivers close.
    {
      handlers: syncHandlers(
        services.sync,
        services.syncBindings,
        options.chooseSavePath ?? (async (name) => path.join(options.host.dataDir, 'exports', name)),
      ),
      wire: ({ emit, notify }) => {
        services.sync.onStatus((status) => emit('sync.statusChanged', status));
        services.sync.onActivity((entry) => emit('sync.activityAdded', entry));
        services.sync.onRunEnd((binding, _outcome, entries) => {
          const language = resolveLanguage(settings.get().language, options.host.locale);
          const notification = syncNotificationOf(binding.name, entries, language);
          if (notification !== undefined) notify(notification);
        });
        if (options.startAgent ?? true) services.sync.start();
      },
      stop: () => services.closeSync(),
    },
    {
      handlers: offerUploadsHandlers(services.offerUploads),
      wire: ({ emit }) => void services.offerUploads.onUpdate((upload) => emit('offerUploads.updated', upload)),
      stop: () => services.closeOfferUploads(),
    },
    // Transfers stop next: their runs hold drivers and write to the journal.
    {
      handlers: transfersHandlers(transfers),
      wire: ({ emit, notify }) => {
        transfers.onUpdate((transfer) => emit('transfers.updated', transfer));
        transfers.onLimitsChange((limits) => emit('transfers.limitsChanged', limits));
        transfers.onNotification(notify);
      },
      stop: () => transfers.close(),
    },
    { handlers: browserHandlers(services.browser), stop: () => services.browser.close() },
    { handlers: platformHandlers(services.platform), stop: () => services.platform.stop() },
    { handlers: organisationHandlers(services.organisation) },
    { handlers: orgApiHandlers(services.platform, services.driveSignIns) },
    {
      handlers: acquisitionsHandlers(
        new AcquisitionDownloads(
          services.platform,
          options.chooseSavePath ?? (async (name) => path.join(options.host.dataDir, 'downloads', name)),
        ),
      ),
    },
  ];
}

/**
 * Builds every desktop module once and wires its events once: the one composition root of Electron's shell, the
 * browser harness and tests. Each module brings its IPC handlers, its events and its stop.
 */
export function compose(options: ComposeOptions): Composition {
  const services = buildServices(options);
  const modules = modulesOf(services, options);
  const outlets: ModuleOutlets = {
    emit: options.outlets?.emit ?? (() => undefined),
    notify: options.outlets?.notify ?? (() => undefined),
  };
  for (const module of modules) module.wire?.(outlets);
  const handlers = Object.assign({}, ...modules.map((m) => m.handlers)) as IpcHandlers;
  const missing = Object.keys(ipcMethods).filter((method) => !(method in handlers));
  if (missing.length > 0) throw new Error(`No module implements: ${missing.join(', ')}`);
  let stopping: Promise<void> | undefined;
  return {
    services,
    handlers,
    dispatch: createDispatcher(handlers),
    stop() {
      // In module order, one after the other, as the app stopped before; a second call waits for the first.
      stopping ??= (async () => {
        for (const module of modules) await module.stop?.();
      })();
      return stopping;
    },
  };
}
