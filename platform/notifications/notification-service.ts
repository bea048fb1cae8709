import { and, desc, eq, inArray, isNull, type SQL } from 'drizzle-orm';
import type { ListNotificationsQuery, Notification, NotificationPage } from '../../shared/platform';
import type { Executor } from '../db/database';
import { memberships, notifications } from '../db/schema';
import { countRows } from '../db/count-rows';
import { notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';

function toApi(row: typeof notifications.$inferSelect): Notification {
  return {
    id: row.id,
    orgId: row.orgId,
    kind: row.kind,
    subjectType: row.subjectType,
    subjectId: row.subjectId,
    params: row.params as Notification['params'],
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

/**
 * A person's own notifications, in the organisations they still belong to: someone who left an organisation no
 * longer reads what it told them about its connectors.
 */
function mine(db: Executor, userId: string, unread = false): SQL | undefined {
  return and(
    eq(notifications.userId, userId),
    inArray(
      notifications.orgId,
      db.select({ orgId: memberships.orgId }).from(memberships).where(eq(memberships.userId, userId)),
    ),
    unread ? isNull(notifications.readAt) : undefined,
  );
}

/** Listing and marking read a signed-in member's notifications. */
export class NotificationService {
  constructor(private readonly ctx: PlatformContext) {}

  /** A page of the caller's notifications, newest first, with how many are unread. */
  async list(userId: string, query: ListNotificationsQuery): Promise<NotificationPage> {
    const db = this.ctx.db;
    const where = mine(db, userId, query.unread);
    const rows = await db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(query.limit)
      .offset(query.offset);
    return {
      items: rows.map(toApi),
      total: await countRows(db, notifications, where),
      unread: await countRows(db, notifications, mine(db, userId, true)),
      limit: query.limit,
      offset: query.offset,
    };
  }

  /** Marks one of the caller's notifications read (again: it keeps its first read time); 404 for anyone else's. */
  async markRead(userId: string, notificationId: string): Promise<Notification> {
    const db = this.ctx.db;
    const where = and(mine(db, userId), eq(notifications.id, notificationId));
    const [updated] = await db
      .update(notifications)
      .set({ readAt: this.ctx.now() })
      .where(and(where, isNull(notifications.readAt)))
      .returning();
    if (updated !== undefined) return toApi(updated);
    const [row] = await db.select().from(notifications).where(where);
    if (row === undefined) throw notFound('Notification');
    return toApi(row);
  }

  /** Marks every unread notification of the caller read; how many. */
  async markAllRead(userId: string): Promise<number> {
    const db = this.ctx.db;
    const marked = await db
      .update(notifications)
      .set({ readAt: this.ctx.now() })
      .where(mine(db, userId, true))
      .returning({ id: notifications.id });
    return marked.length;
  }
}
