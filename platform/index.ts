// The platform reference server: embed it with startPlatform, test it with buildApp + inject.
export { startPlatform, type StartPlatformOptions, type RunningPlatform } from './start-platform';
export { buildApp, type BuildAppOptions } from './build-app';
export { openDatabase, type DatabaseLocation, type OpenDatabase } from './db/open-database';
export type { SmtpOptions } from './mail/mailer';
export { DataFolderLockedError, lockDataFolder } from './db/data-folder-lock';
