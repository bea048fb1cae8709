import { browserNameProblem } from '../../../../shared/ipc/browser-ipc';
import { i18n } from '../../i18n/i18n';
import { IpcError } from '../../ipc-client';
import { errorMessage } from '../../notify-error';

/** Why a typed name is refused, in the user's language, or undefined when it is fine. */
export function typedNameProblem(name: string): string | undefined {
  const problem = browserNameProblem(name);
  return problem === undefined ? undefined : i18n.t(`browser.manage.nameProblem.${problem}`);
}

/** A failed new-folder or rename as one sentence: main's stable name reasons translated, else the usual message. */
export function nameFailureMessage(error: unknown, name: string): string {
  const reason = error instanceof IpcError ? error.reason : undefined;
  if (reason?.startsWith('name-') === true) {
    return i18n.t(`browser.manage.nameProblem.${reason.slice('name-'.length)}`, { name });
  }
  return errorMessage(error);
}
