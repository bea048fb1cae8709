import type { ActivityEntry } from '../../../shared/ipc/sync-ipc';
import type { Language } from '../../../shared/settings';

/** A request to the shell for an OS notification about the agent; a click opens the Activity screen. */
export interface SyncNotification {
  readonly kind: 'sync-delivered' | 'sync-failed';
  readonly title: string;
  readonly body: string;
}

const TEXT = {
  en: {
    deliveredTitle: 'Files delivered',
    deliveredOne: (name: string, binding: string) => `"${name}" arrived in ${binding}.`,
    deliveredMany: (n: number, binding: string) => `${n} files arrived in ${binding}.`,
    failedTitle: 'Sync problem',
    failed: (binding: string, n: number) =>
      `${binding}: ${n === 1 ? 'a file' : `${n} files`} could not be synced. Open Activity to see why.`,
    warned: (binding: string) => `${binding} stopped with a warning. Open Activity to see what to do.`,
  },
  fr: {
    deliveredTitle: 'Fichiers livrés',
    deliveredOne: (name: string, binding: string) => `« ${name} » est arrivé dans ${binding}.`,
    deliveredMany: (n: number, binding: string) => `${n} fichiers sont arrivés dans ${binding}.`,
    failedTitle: 'Problème de synchronisation',
    failed: (binding: string, n: number) =>
      `${binding} : ${n === 1 ? 'un fichier n’a pas pu' : `${n} fichiers n’ont pas pu`} être synchronisé${n === 1 ? '' : 's'}. Ouvrez Activité pour voir pourquoi.`,
    warned: (binding: string) =>
      `${binding} s’est arrêté avec un avertissement. Ouvrez Activité pour savoir quoi faire.`,
  },
} as const;

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * The notification for one binding's run, from what it reported: failures and warnings first, else deliveries
 * (publishing is quiet: the provider sees it in the activity); none when nothing worth telling happened.
 */
export function syncNotificationOf(
  bindingName: string,
  entries: readonly ActivityEntry[],
  language: Language,
): SyncNotification | undefined {
  const text = TEXT[language];
  const failed = entries.filter((e) => e.kind === 'failed').length;
  if (failed > 0) return { kind: 'sync-failed', title: text.failedTitle, body: text.failed(bindingName, failed) };
  if (entries.some((e) => e.kind === 'warning')) {
    return { kind: 'sync-failed', title: text.failedTitle, body: text.warned(bindingName) };
  }
  const delivered = entries.filter((e) => e.kind === 'delivered' || e.kind === 'conflict');
  if (delivered.length === 0) return undefined;
  const body =
    delivered.length === 1
      ? text.deliveredOne(baseName(delivered[0]!.path ?? ''), bindingName)
      : text.deliveredMany(delivered.length, bindingName);
  return { kind: 'sync-delivered', title: text.deliveredTitle, body };
}
