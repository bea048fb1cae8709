import { type Driver, type Entry } from '../../../connectors/driver';
import { copyFile, type CopyOptions, type CopyResult } from '../../../connectors/transfer/copy-file';
import type { ConflictChoice, TransferConflict } from '../../../shared/ipc/transfers-ipc';
import { adoptAsPartial, type CompareMode, examineDestination, freeKeptPath } from './destination-conflict';

/** A conflict as found for one file (the transfer adds how many more wait). */
export type FoundConflict = Omit<TransferConflict, 'more'>;

/** The answer to a conflict already known (the user's, or the batch's "apply to all"), or undefined to ask. */
export type ConflictDecider = (conflict: FoundConflict) => ConflictChoice | undefined;

/** What happened to one file at its destination. */
export type FileOutcome =
  | { readonly kind: 'copied' | 'overwritten' | 'resumed'; readonly result: CopyResult }
  | { readonly kind: 'keptBoth'; readonly path: string; readonly result: CopyResult }
  | { readonly kind: 'skipped' | 'identical' }
  /** Nothing was written: the question waits for the user. */
  | { readonly kind: 'asking'; readonly conflict: FoundConflict };

/** The source file (its stat) and its driver. */
export interface IncomingFile {
  readonly driver: Driver;
  readonly entry: Entry;
}

/**
 * Copies one file unless something is at its destination: identical bytes are left alone, and a different file (or
 * a folder) is replaced, left, kept beside or continued only as `decide` answers; with no answer nothing is written
 * and the question is returned. `known` is the destination's stat when the caller has it (null: nothing there).
 */
export async function copyResolving(
  from: IncomingFile,
  to: { readonly driver: Driver; readonly path: string },
  decide: ConflictDecider,
  options: CopyOptions & { readonly compare?: CompareMode },
  known?: Entry | null,
): Promise<FileOutcome> {
  const { signal, compare, ...copyOptions } = options;
  const site = { source: from.driver, incoming: from.entry, destination: to.driver, path: to.path, signal, compare };
  const examination = await examineDestination(site, known);
  const copy = (path: string): Promise<CopyResult> =>
    copyFile({ driver: from.driver, path: from.entry.path }, { driver: to.driver, path }, { ...copyOptions, signal });
  if (examination.kind === 'free') return { kind: 'copied', result: await copy(to.path) };
  if (examination.kind === 'identical') return { kind: 'identical' };
  const choice = decide(examination.conflict);
  switch (choice) {
    case undefined:
      return { kind: 'asking', conflict: examination.conflict };
    case 'skip':
      return { kind: 'skipped' };
    case 'overwrite':
      return { kind: 'overwritten', result: await copy(to.path) };
    case 'keepBoth': {
      const path = await freeKeptPath(to.driver, to.path, signal);
      return { kind: 'keptBoth', path, result: await copy(path) };
    }
    case 'resume':
      await adoptAsPartial(to.driver, to.path, signal);
      return { kind: 'resumed', result: await copy(to.path) };
  }
}
