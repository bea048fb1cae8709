import { z } from 'zod';
import { Id, Timestamp, pageOf } from './paging';
import { routesOf } from './api-route';

/**
 * What a notification is about; the desktop words each kind from its `params` in the user's language and falls back
 * to the English `message`:
 * - `connector.paused`: a connector failed its daily check too many times in a row and was paused (`connector`,
 *   `reason`, `failures`);
 * - `connector.credential-expiring`: a connector's credential expires soon or has expired (`connector`, `source`,
 *   `expiresAt`, `days`: 14, 3 or 0 once expired);
 * - `job.failed`: a background job kept failing and was given up (`queue`, `attempts`, `subject`, `errorCode`);
 * - `invitation.email-failed`: an invitation's e-mail could not be sent and is no longer retried (`email`,
 *   `attempts`): send the link yourself.
 */
export const NOTIFICATION_KINDS = [
  'connector.paused',
  'connector.credential-expiring',
  'job.failed',
  'invitation.email-failed',
] as const;
/** What a notification is about. */
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notification's parameters: plain values the desktop puts in its text (never a secret). */
export const NotificationParamsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
/** A notification's parameters. */
export type NotificationParams = z.infer<typeof NotificationParamsSchema>;

/** One notice for the signed-in member: what happened, to what, when, and whether they read it. */
export const NotificationSchema = z.object({
  id: Id,
  orgId: Id,
  kind: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  params: NotificationParamsSchema,
  /** The English text, for a desktop that does not know the kind yet. */
  message: z.string(),
  createdAt: Timestamp,
  readAt: Timestamp.nullable(),
});
/** One notification. */
export type Notification = z.infer<typeof NotificationSchema>;

/** GET /v1/notifications query: paging (newest first), `unread=true` for the unread ones only. */
export const ListNotificationsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  unread: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
/** GET notifications query. */
export type ListNotificationsQuery = z.infer<typeof ListNotificationsQuerySchema>;

/** A page of notifications, and how many of the caller's are unread (for a badge). */
export const NotificationPageSchema = pageOf(NotificationSchema).extend({ unread: z.number().int() });
/** A page of notifications. */
export type NotificationPage = z.infer<typeof NotificationPageSchema>;

/** Path parameters of one notification. */
export const NotificationParamsPathSchema = z.object({ notificationId: Id });

/** POST /v1/notifications/read-all response: how many were marked read. */
export const NotificationsReadSchema = z.object({ marked: z.number().int() });

/** The notification routes: the caller's own, for people signed in (API keys have none). */
export const NOTIFICATION_ROUTES = routesOf('notifications', {
  list: {
    method: 'GET',
    path: '/v1/notifications',
    status: 200,
    query: ListNotificationsQuerySchema,
    response: NotificationPageSchema,
    access: { kind: 'signed-in', action: 'notifications.list', sessionsOnly: true },
    summary: 'Your notifications, newest first (unread=true: unread only), with the unread count',
  },
  read: {
    method: 'POST',
    path: '/v1/notifications/:notificationId/read',
    status: 200,
    params: NotificationParamsPathSchema,
    response: NotificationSchema,
    access: { kind: 'signed-in', action: 'notifications.read', sessionsOnly: true },
    summary: 'Mark one of your notifications read',
  },
  readAll: {
    method: 'POST',
    path: '/v1/notifications/read-all',
    status: 200,
    response: NotificationsReadSchema,
    access: { kind: 'signed-in', action: 'notifications.read-all', sessionsOnly: true },
    summary: 'Mark all your notifications read',
  },
});
