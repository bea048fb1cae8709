import type { NotificationKind, NotificationParams } from '../../shared/platform';
import type { Executor } from '../db/database';
import { notifications } from '../db/schema';
import { newId } from '../auth/secret-token';

/** One notice to send: about what (kind, subject, parameters), with its English text (never a secret in either). */
export interface Notice {
  readonly orgId: string;
  readonly kind: NotificationKind;
  readonly subject: { readonly type: string; readonly id: string } | null;
  readonly params: NotificationParams;
  readonly message: string;
}

/** Writes the notice once for each recipient (deduplicated), inside the caller's transaction; how many were written. */
export async function notify(db: Executor, notice: Notice, userIds: readonly string[], at: Date): Promise<number> {
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return 0;
  await db.insert(notifications).values(
    recipients.map((userId) => ({
      id: newId('ntf'),
      orgId: notice.orgId,
      userId,
      kind: notice.kind,
      subjectType: notice.subject?.type ?? null,
      subjectId: notice.subject?.id ?? null,
      params: notice.params,
      message: notice.message,
      createdAt: at,
    })),
  );
  return recipients.length;
}
