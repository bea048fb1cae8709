import { posix } from 'node:path';
import { type SFTPWrapper, type Stats } from 'ssh2';
import { type RejectedEntry } from '../driver';
import { isInsideReal, linkError, rejectedLink, type LinkProblem } from '../link-problem';
import { parentPath } from '../path-safety';
import { mapSftpError } from './map-sftp-error';
import { sftpCall } from './sftp-session';
import { typeOf } from './sftp-stats';

const SFTP_NO_SUCH_FILE = 2;
// As many hops as Linux follows before ELOOP.
const MAX_HOPS = 40;

const isNoSuchFile = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === SFTP_NO_SUCH_FILE;
// A path the server could not resolve (OpenSSH says "no such file", others "failure"), as opposed to a lost connection.
const unresolvable = (error: unknown): boolean => isNoSuchFile(error) || mapSftpError(error).code !== 'Retryable';

/**
 * The folder option as the server should see it. SFTP servers do not expand '~' (OpenSSH reads it as a folder
 * named '~'), so '~' and '~/x' become the account home and 'x' relative to it; '' is the home too.
 */
export function sftpRootPath(root: string): string {
  if (root === '' || root === '~' || root === '~/') return '.';
  if (root.startsWith('~/')) return root.slice(2);
  return root;
}

/** A link in a listing: followed (the target's attributes) or refused with a reason. */
export type FollowedLink =
  { readonly ok: true; readonly stats: Stats } | { readonly ok: false; readonly rejected: RejectedEntry };

/**
 * Keeps SFTP operations inside the connector's folder through symbolic links: the server resolves each path
 * (SSH_FXP_REALPATH) and the result must lie under the root's own real path. Links outside, broken links and loops
 * are refused by name; links inside are followed.
 */
export class SftpLinkGuard {
  private readonly roots = new WeakMap<SFTPWrapper, Promise<string>>();

  /** `remote` maps a normalised connector path to the path sent to the server. */
  constructor(private readonly remote: (path: string) => string) {}

  /** The server's real path of the connector's folder, asked once per session. */
  rootReal(sftp: SFTPWrapper): Promise<string> {
    let known = this.roots.get(sftp);
    if (known === undefined) {
      known = sftpCall.realpath(sftp, this.remote('')).catch((error: unknown) => {
        this.roots.delete(sftp);
        throw mapSftpError(error, '');
      });
      this.roots.set(sftp, known);
    }
    return known;
  }

  /**
   * Refuses a connector path that resolves outside the root, or that is a broken link or a loop. `parent` checks
   * only the folder holding the last name (removing or renaming a link acts on the link, not on its target).
   * Paths that do not exist yet are checked through their nearest existing folder. Returns the real path when
   * the server resolved it.
   */
  async confine(sftp: SFTPWrapper, path: string, scope: 'target' | 'parent' = 'target'): Promise<string | undefined> {
    if (scope === 'parent') return path === '' ? undefined : this.confine(sftp, parentPath(path));
    const root = await this.rootReal(sftp);
    if (path === '') return root;
    let real: string;
    try {
      real = await sftpCall.realpath(sftp, this.remote(path));
    } catch (error) {
      if (!unresolvable(error)) throw mapSftpError(error, path);
      const own = await sftpCall.lstat(sftp, this.remote(path)).catch(() => undefined);
      if (own !== undefined && typeOf(own.mode) === 'link') {
        throw linkError(path, await this.brokenProblem(sftp, this.remote(path)));
      }
      // Missing (a file about to be written): its nearest existing folder must be inside.
      await this.confine(sftp, parentPath(path));
      return undefined;
    }
    if (!isInsideReal(real, root)) throw linkError(path, 'outside');
    return real;
  }

  /**
   * The real paths of a folder and of every folder above it up to the root, asked once when first needed: a
   * link to any of them (or above) would walk in circles, also through links between sibling folders.
   */
  ancestry(sftp: SFTPWrapper, folder: string): () => Promise<readonly string[]> {
    let known: Promise<readonly string[]> | undefined;
    return () => {
      known ??= (async () => {
        const prefixes = [''];
        let current = '';
        for (const segment of folder === '' ? [] : folder.split('/')) {
          current = current === '' ? segment : `${current}/${segment}`;
          prefixes.push(current);
        }
        return Promise.all(prefixes.map((prefix) => sftpCall.realpath(sftp, this.remote(prefix))));
      })();
      return known;
    };
  }

  /** Follows a link met in the listing of a folder whose `ancestry` (see above) is given. */
  async follow(
    sftp: SFTPWrapper,
    childPath: string,
    name: string,
    ancestry: () => Promise<readonly string[]>,
  ): Promise<FollowedLink> {
    const refuse = (problem: LinkProblem): FollowedLink => ({ ok: false, rejected: rejectedLink(name, problem) });
    const remote = this.remote(childPath);
    let real: string;
    try {
      real = await sftpCall.realpath(sftp, remote);
    } catch (error) {
      if (!unresolvable(error)) throw mapSftpError(error, childPath);
      return refuse(await this.brokenProblem(sftp, remote));
    }
    if (!isInsideReal(real, await this.rootReal(sftp))) return refuse('outside');
    let stats: Stats;
    try {
      stats = await sftpCall.stat(sftp, real);
    } catch (error) {
      if (!isNoSuchFile(error)) throw mapSftpError(error, childPath);
      return refuse('dangling');
    }
    if (typeOf(stats.mode) === 'directory' && (await ancestry()).some((above) => isInsideReal(above, real))) {
      return refuse('ancestor');
    }
    return { ok: true, stats };
  }

  // Follows the chain of links by hand to tell a missing target from a loop (the server says "no such file" to both).
  private async brokenProblem(sftp: SFTPWrapper, start: string): Promise<LinkProblem> {
    const seen = new Set<string>([start]);
    let current = start;
    for (let hop = 0; hop < MAX_HOPS; hop += 1) {
      const stats = await sftpCall.lstat(sftp, current).catch(() => undefined);
      if (stats === undefined) return 'dangling';
      if (typeOf(stats.mode) !== 'link') return 'dangling';
      const target = await sftpCall.readlink(sftp, current).catch(() => undefined);
      if (target === undefined) return 'dangling';
      const next = posix.normalize(target.startsWith('/') ? target : posix.join(posix.dirname(current), target));
      if (seen.has(next)) return 'loop';
      seen.add(next);
      current = next;
    }
    return 'loop';
  }
}
