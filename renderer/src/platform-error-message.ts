import { i18n } from './i18n/i18n';
import { IpcError } from './ipc-client';

/**
 * The message for a platform failure in the user's language, saying what to do (the platform's own code when it
 * refused, unreachable, signed out, a bad address); undefined for other errors.
 */
export function platformErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof IpcError)) return undefined;
  switch (error.code) {
    case 'NotSignedIn':
      return i18n.t('platform.errors.notSignedIn');
    case 'PlatformUnreachable':
      if (error.reason === 'data-folder-in-use') {
        return i18n.t('platform.errors.dataFolderInUse', { detail: error.message });
      }
      return i18n.t('platform.errors.unreachable');
    case 'PlatformRefused': {
      const key = `platform.errors.api.${error.reason ?? ''}`;
      return i18n.exists(key) ? i18n.t(key) : i18n.t('platform.errors.api.internal_error');
    }
    case 'InvalidInput': {
      const key = `platform.errors.address.${error.reason ?? ''}`;
      return error.reason?.startsWith('url-') && i18n.exists(key) ? i18n.t(key) : undefined;
    }
    default:
      return undefined;
  }
}
