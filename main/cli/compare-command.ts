import { type LoggingIo } from './cli-log';
import { type CliSession } from './cli-session';
import { type CompareMode } from '../services/transfers/destination-conflict';
import { diffTrees } from './tree-diff';

/** Flags of `ferry check <source> <destination>`. */
export interface CompareFlags {
  readonly oneWay: boolean;
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly compare?: CompareMode;
  readonly json: boolean;
}

/** Two folders that do not hold the same files: the command exits 1 after listing every difference. */
export class FoldersDifferError extends Error {
  override readonly name = 'FoldersDifferError';
}

/**
 * `ferry check <src> <dst>`: compares two folders file by file (size and hash unless told otherwise) and lists every
 * file missing at the destination, differing, or (unless --one-way) only at the destination.
 */
export async function compareCommand(
  session: CliSession,
  io: LoggingIo,
  src: string,
  dst: string,
  flags: CompareFlags,
): Promise<void> {
  const from = await session.location(src);
  const to = await session.location(dst);
  const diff = await diffTrees(
    { driver: from.driver, root: from.path },
    { driver: to.driver, root: to.path },
    {
      include: flags.include ?? [],
      exclude: flags.exclude ?? [],
      compare: flags.compare ?? 'checksum',
      ...(io.signal === undefined ? {} : { signal: io.signal }),
    },
  );
  const show = (kind: 'missing' | 'differs' | 'extra' | 'same', path: string, line: string): void => {
    if (kind === 'same') io.info(line);
    else if (flags.json) io.out(JSON.stringify({ kind, path }));
    else io.out(line);
  };
  for (const item of diff.rejected) io.err(`skipped unsafe name in the ${item.side}: ${item.path}: ${item.reason}`);
  for (const { path } of diff.missing) show('missing', path, `missing at the destination: ${path}`);
  for (const { path } of diff.differ) show('differs', path, `differs: ${path}`);
  const extra = flags.oneWay ? [] : diff.extraneous;
  for (const { path } of extra) show('extra', path, `only at the destination: ${path}`);
  for (const { path } of diff.same) show('same', path, `same: ${path}`);
  const problems = diff.missing.length + diff.differ.length + extra.length;
  const by = flags.compare === 'size-only' ? 'size' : flags.compare === 'mtime' ? 'size and time' : 'size and hash';
  const summary =
    `${diff.same.length} files match (${by}), ${diff.differ.length} differ, ${diff.missing.length} missing at the ` +
    `destination${flags.oneWay ? '' : `, ${extra.length} only at the destination`}.`;
  if (!flags.json) io.out(summary);
  if (problems > 0) throw new FoldersDifferError(`${from.label} and ${to.label} differ (listed above).`);
}
