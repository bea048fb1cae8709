// The Drive FAKE's change log and its two endpoints (changes.getStartPageToken, changes.list), kept out of the server.

/** A change as the fake records it: which item, when, and whether it is gone for good (deleted, not trashed). */
interface LoggedChange {
  readonly token: number;
  readonly fileId: string;
  /** The Shared Drive holding the item; undefined in My Drive. */
  readonly driveId: string | undefined;
  readonly time: string;
  readonly removed: boolean;
}

/** A refusal the server answers in Drive's error shape. */
export interface ChangeRefusal {
  readonly status: number;
  readonly message: string;
  readonly reason: string;
}

/** The answer of a changes endpoint: a JSON body or a refusal. */
export type ChangeAnswer =
  { readonly kind: 'json'; readonly body: unknown } | { readonly kind: 'refused'; readonly refusal: ChangeRefusal };

/**
 * Every change to the fake's items (create, new content, rename, move, trash, delete) in order, each with the next
 * token. Page tokens are the numbers of the first change a page shows, as decimal strings like Drive's; tokens
 * older than `expire()` are refused (400 `invalid`), as Drive refuses a page token it no longer accepts.
 */
export class DriveChangeLog {
  private readonly log: LoggedChange[] = [];
  private next = 1;
  /** Tokens below this one were forgotten. */
  private oldest = 1;

  /** Records that an item changed (`removed`: deleted for good). */
  record(fileId: string, driveId: string | undefined, time: string, removed = false): void {
    this.log.push({ token: this.next, fileId, driveId, time, removed });
    this.next += 1;
  }

  /** Forgets every token handed out so far (the next list with one of them is refused). */
  expire(): void {
    // A number skipped: the current start token was handed out too, and must be refused as well.
    this.next += 1;
    this.oldest = this.next;
  }

  /** `GET /drive/v3/changes/startPageToken`: the token of the next change. */
  startPageToken(): ChangeAnswer {
    return { kind: 'json', body: { kind: 'drive#startPageToken', startPageToken: String(this.next) } };
  }

  /**
   * `GET /drive/v3/changes`: the changes from `pageToken` on, the latest change of each item only (as Drive lists
   * them), `pageSize` at a time; `nextPageToken` while more follow, else `newStartPageToken`. Shared Drive items
   * show with `driveId` (that drive only) or with `includeItemsFromAllDrives` and `supportsAllDrives`.
   */
  list(url: URL, resource: (fileId: string) => Record<string, unknown> | undefined): ChangeAnswer {
    const q = url.searchParams;
    const raw = q.get('pageToken');
    if (raw === null) return refused(400, 'Required parameter: pageToken', 'required');
    const token = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isNaN(token) || token < this.oldest || token > this.next) {
      return refused(400, 'Invalid Value', 'invalid');
    }
    const spaces = q.get('spaces');
    if (spaces !== null && spaces !== 'drive') return refused(400, `Invalid spaces: ${spaces}`, 'invalid');
    const allDrives = q.get('includeItemsFromAllDrives') === 'true' && q.get('supportsAllDrives') === 'true';
    const driveId = q.get('driveId');
    if (driveId !== null && q.get('supportsAllDrives') !== 'true') {
      return refused(403, 'The supportsAllDrives parameter must be set with driveId.', 'teamDriveIncludeItems');
    }
    const pageSize = Math.min(1000, Math.max(1, Number(q.get('pageSize') ?? 100)));
    // Only the latest change of each item from the token on.
    const latest = new Map<string, LoggedChange>();
    for (const change of this.log) if (change.token >= token) latest.set(change.fileId, change);
    const shown = [...latest.values()]
      .sort((a, b) => a.token - b.token)
      .filter((change) => (driveId === null ? change.driveId === undefined || allDrives : change.driveId === driveId))
      .map((change) => ({ change, now: change.removed ? undefined : resource(change.fileId) }));
    const page = shown.slice(0, pageSize);
    const more = shown.length > pageSize;
    return {
      kind: 'json',
      body: {
        kind: 'drive#changeList',
        changes: page.map(({ change, now }) => ({
          kind: 'drive#change',
          changeType: 'file',
          fileId: change.fileId,
          time: change.time,
          removed: now === undefined,
          ...(now === undefined ? {} : { file: now }),
        })),
        ...(more ? { nextPageToken: String(shown[pageSize]!.change.token) } : { newStartPageToken: String(this.next) }),
      },
    };
  }
}

function refused(status: number, message: string, reason: string): ChangeAnswer {
  return { kind: 'refused', refusal: { status, message, reason } };
}
