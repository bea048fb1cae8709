// The contract's names without its schemas: preload imports only this, so the sandboxed bridge stays tiny.

/** Every IPC method name; index.ts checks at compile time that it matches the contract. */
export const METHOD_NAMES = [
  'app.info',
  'app.openExternal',
  'settings.get',
  'settings.set',
  'ui.getPreference',
  'ui.setPreference',
  'connectors.kinds',
  'connectors.list',
  'connectors.create',
  'connectors.update',
  'connectors.delete',
  'connectors.test',
  'connectors.trustIdentity',
  'connectors.forgetIdentity',
  'browser.list',
  'browser.details',
  'browser.preview',
  'browser.places',
  'platform.state',
  'platform.localStatus',
  'platform.setupLocal',
  'platform.signIn',
  'platform.previewInvitation',
  'platform.localSettings',
  'platform.configureLocal',
  'platform.acceptInvitation',
  'platform.refresh',
  'platform.switchAccount',
  'platform.switchOrganisation',
  'platform.signOut',
  'platform.removeAccount',
  'organisation.get',
  'organisation.rename',
  'members.list',
  'members.get',
  'members.setRole',
  'members.remove',
  'invitations.list',
  'invitations.get',
  'invitations.create',
  'invitations.remove',
  'invitations.resend',
  'invitations.outbox',
  'apiKeys.list',
  'apiKeys.get',
  'apiKeys.create',
  'apiKeys.remove',
  'audit.list',
  'audit.export',
  'transfers.list',
  'transfers.enqueue',
  'transfers.pause',
  'transfers.resume',
  'transfers.cancel',
  'transfers.retry',
  'transfers.clearFinished',
  'transfers.resolveConflict',
  'transfers.setLimits',
  'sync.status',
  'sync.now',
  'sync.pause',
  'sync.resume',
  'sync.bindings',
  'sync.saveBinding',
  'sync.removeBinding',
  'sync.redeliver',
  'sync.preview',
  'sync.activity',
  'sync.exportActivity',
] as const;
/** Every IPC event name; index.ts checks at compile time that it matches the contract. */
export const EVENT_NAMES = [
  'app.navigate',
  'app.join',
  'settings.changed',
  'transfers.updated',
  'transfers.limitsChanged',
  'sync.statusChanged',
  'sync.activityAdded',
] as const;

/** Prefix of every Ferry channel. */
export const CHANNEL_PREFIX = 'ferry:';

/** The Electron channel carrying a method or event. */
export const channelOf = (name: string): string => `${CHANNEL_PREFIX}${name}`;

/** Whether a string names a method of the contract. */
export const isMethodName = (name: string): name is (typeof METHOD_NAMES)[number] =>
  (METHOD_NAMES as readonly string[]).includes(name);

/** Whether a string names an event of the contract. */
export const isEventName = (name: string): name is (typeof EVENT_NAMES)[number] =>
  (EVENT_NAMES as readonly string[]).includes(name);
