import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';

/** The coreutils tool that hashes with each algorithm, and its digest length in hex. */
const TOOLS: Partial<Record<HashAlgorithm, { readonly tool: string; readonly hexLength: number }>> = {
  sha256: { tool: 'sha256sum', hexLength: 64 },
  sha1: { tool: 'sha1sum', hexLength: 40 },
  md5: { tool: 'md5sum', hexLength: 32 },
};

/** A string as one POSIX shell word: single quotes, each inner quote closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The command that makes an SSH server hash one file (as rclone does), or undefined for an algorithm it lacks. */
export function hashCommand(algorithm: HashAlgorithm, absolutePath: string): string | undefined {
  const spec = TOOLS[algorithm];
  return spec === undefined ? undefined : `${spec.tool} -b -- ${shellQuote(absolutePath)}`;
}

/**
 * The digest in a `sha256sum`-style answer (`<hex> *<name>`; a leading backslash marks an escaped name), or undefined
 * when the answer is not one.
 */
export function parseHashOutput(stdout: string, algorithm: HashAlgorithm): string | undefined {
  const spec = TOOLS[algorithm];
  if (spec === undefined) return undefined;
  const match = new RegExp(`^\\\\?([0-9a-fA-F]{${spec.hexLength}}) `).exec(stdout);
  return match?.[1]?.toLowerCase();
}
