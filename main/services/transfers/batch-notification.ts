import { FINISHED_TRANSFER_STATES, type Transfer } from '../../../shared/ipc/transfers-ipc';
import type { Language } from '../../../shared/settings';

/** How a batch ended: every transfer done, or at least one failed. */
export interface BatchOutcome {
  readonly batchId: string;
  readonly done: number;
  readonly failed: number;
  readonly cancelled: number;
  /** Name of the only transfer, when the batch had one. */
  readonly singleName?: string;
}

/** A request to the shell for an OS notification (the harness records them instead). */
export interface TransferNotification {
  readonly kind: 'batch-completed' | 'batch-failed' | 'batch-waiting';
  readonly batchId: string;
  readonly title: string;
  readonly body: string;
}

/** The notification text for a finished batch, in the user's language (main draws it, the renderer cannot). */
export function batchNotification(outcome: BatchOutcome, language: Language): TransferNotification {
  const failed = outcome.failed > 0;
  const total = outcome.done + outcome.failed + outcome.cancelled;
  const name = outcome.singleName;
  const text = language === 'fr' ? french(outcome, total, name) : english(outcome, total, name);
  return { kind: failed ? 'batch-failed' : 'batch-completed', batchId: outcome.batchId, ...text };
}

function english(o: BatchOutcome, total: number, name: string | undefined): { title: string; body: string } {
  if (o.failed > 0) {
    return {
      title: 'Transfer failed',
      body:
        name !== undefined
          ? `"${name}" could not be transferred. Open Transfers to see why and retry.`
          : `${o.failed} of ${total} transfers failed. Open Transfers to see why and retry.`,
    };
  }
  return {
    title: 'Transfers finished',
    body:
      name !== undefined
        ? `"${name}" was transferred and verified.`
        : `${o.done} transfers finished and verified${o.cancelled > 0 ? ` (${o.cancelled} cancelled)` : ''}.`,
  };
}

function french(o: BatchOutcome, total: number, name: string | undefined): { title: string; body: string } {
  if (o.failed > 0) {
    return {
      title: 'Échec du transfert',
      body:
        name !== undefined
          ? `« ${name} » n’a pas pu être transféré. Ouvrez Transferts pour voir pourquoi et réessayer.`
          : `${o.failed} transferts sur ${total} ont échoué. Ouvrez Transferts pour voir pourquoi et réessayer.`,
    };
  }
  return {
    title: 'Transferts terminés',
    body:
      name !== undefined
        ? `« ${name} » a été transféré et vérifié.`
        : `${o.done} transferts terminés et vérifiés${o.cancelled > 0 ? ` (${o.cancelled} annulés)` : ''}.`,
  };
}

/** The notification of a batch once all its transfers ended; none while one runs or when all were cancelled. */
export function notificationOfBatch(
  batchId: string,
  batch: readonly Transfer[],
  language: Language,
): TransferNotification | undefined {
  if (!batch.every((t) => FINISHED_TRANSFER_STATES.has(t.state))) return undefined;
  const count = (state: Transfer['state']): number => batch.filter((t) => t.state === state).length;
  const outcome = { batchId, done: count('done'), failed: count('failed'), cancelled: count('cancelled') };
  // A batch the user cancelled entirely needs no notification.
  if (outcome.done + outcome.failed === 0) return undefined;
  const single = batch.length === 1 ? { singleName: batch[0]!.name } : {};
  return batchNotification({ ...outcome, ...single }, language);
}

/** The notification that a batch waits for the user: a file of that name is already at the destination. */
export function waitingNotification(batchId: string, path: string, language: Language): TransferNotification {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return language === 'fr'
    ? {
        kind: 'batch-waiting',
        batchId,
        title: 'Un transfert attend votre réponse',
        body: `« ${name} » existe déjà à la destination. Ouvrez Transferts pour choisir quoi faire ; rien n’est écrit d’ici là.`,
      }
    : {
        kind: 'batch-waiting',
        batchId,
        title: 'A transfer needs your answer',
        body: `"${name}" already exists at the destination. Open Transfers to choose what to do; nothing is written until then.`,
      };
}
