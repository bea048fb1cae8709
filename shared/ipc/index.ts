import type { z } from 'zod';
import { appEvents, appMethods } from './app-ipc';
import { type EVENT_NAMES, type METHOD_NAMES, channelOf } from './channels';
import type { IpcResult } from './contract';
import { settingsEvents, settingsMethods } from './settings-ipc';
import { platformMethods } from './platform-ipc';
import { organisationMethods } from './organisation-ipc';
import { transfersEvents, transfersMethods } from './transfers-ipc';
import { syncEvents, syncMethods } from './sync-ipc';
import { uiMethods } from './ui-ipc';
import { connectorsMethods } from './connectors-ipc';
import { browserMethods } from './browser-ipc';
import { orgApiMethods } from './org-api-ipc';
import { offerUploadsEvents, offerUploadsMethods } from './offer-uploads-ipc';
import { acquisitionsMethods } from './acquisitions-ipc';

export * from './channels';
export * from './contract';
export type { AppInfo } from './app-ipc';

/** Every IPC method, by name: the single source of truth for main, preload and renderer. */
export const ipcMethods = {
  ...appMethods,
  ...settingsMethods,
  ...uiMethods,
  ...connectorsMethods,
  ...browserMethods,
  ...platformMethods,
  ...organisationMethods,
  ...transfersMethods,
  ...syncMethods,
  ...orgApiMethods,
  ...offerUploadsMethods,
  ...acquisitionsMethods,
} as const;
/** Every main-to-renderer event, by name. */
export const ipcEvents = {
  ...appEvents,
  ...settingsEvents,
  ...transfersEvents,
  ...syncEvents,
  ...offerUploadsEvents,
} as const;

/** The name of an IPC method. */
export type MethodName = keyof typeof ipcMethods;
/** The name of an IPC event. */
export type EventName = keyof typeof ipcEvents;
/** What a method takes. */
export type MethodInput<M extends MethodName> = z.input<(typeof ipcMethods)[M]['input']>;
/** What a method returns. */
export type MethodOutput<M extends MethodName> = z.output<(typeof ipcMethods)[M]['output']>;
/** What an event carries. */
export type EventPayload<E extends EventName> = z.output<(typeof ipcEvents)[E]['payload']>;

/** Channels of all methods, as preload and main register them. */
export const METHOD_CHANNELS: readonly string[] = Object.keys(ipcMethods).map(channelOf);
/** Channels of all events. */
export const EVENT_CHANNELS: readonly string[] = Object.keys(ipcEvents).map(channelOf);

// Compile-time proof that channels.ts lists exactly the contract's names (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const methodNamesMatch: Same<MethodName, (typeof METHOD_NAMES)[number]> = true;
const eventNamesMatch: Same<EventName, (typeof EVENT_NAMES)[number]> = true;
void [methodNamesMatch, eventNamesMatch];

/** The API preload exposes on `window.ferry` (and the test harness bridge imitates). */
export interface FerryBridge {
  /** Calls a method; resolves to the envelope, never rejects for a refused call. */
  invoke(method: string, input: unknown): Promise<IpcResult<unknown>>;
  /** Listens to an event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** The absolute path of a file dropped from the OS (Electron only; the harness has none). */
  pathForFile?(file: unknown): string;
}
