import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { AccountView } from '../../../../shared/ipc/platform-ipc';
import { invoke } from '../../ipc-client';
import { activeAccount, usePlatformStore } from '../../stores/platform-store';
import { uniqueNewestFirst } from './notification-pages';

/** Notifications asked for per page (the first one and each "Load older"). */
export const NOTIFICATIONS_PAGE = 50;
/** The notifications' query key prefix: marking read invalidates everything under it (lists and badges). */
export const NOTIFICATIONS_KEY = ['notifications'] as const;
/** How often the list is read again while the Activity screen shows it. */
export const SHOWN_REFRESH_MS = 30_000;
/** How often the unread count is read again for a badge (the navigation's). */
export const BADGE_REFRESH_MS = 60_000;

/** The query key of the unread count of one account's organisation (`scope` as NotificationScope's key). */
function unreadKey(scope: string | null) {
  return [...NOTIFICATIONS_KEY, scope, 'unread'] as const;
}

/** Whose notifications the screens can read: an account signed in with an organisation, or why not. */
export type NotificationScope =
  | { readonly status: 'loading' }
  | { readonly status: 'no-account' }
  | { readonly status: 'signed-out'; readonly account: AccountView }
  | { readonly status: 'ready'; readonly account: AccountView; readonly key: string };

/** The active account as far as notifications go (the key changes with the account and its organisation). */
export function useNotificationScope(): NotificationScope {
  const state = usePlatformStore((s) => s.state);
  if (state.status === 'loading') return { status: 'loading' };
  const account = state.status === 'ready' ? activeAccount(state.platform) : undefined;
  if (account === undefined) return { status: 'no-account' };
  if (!account.signedIn) return { status: 'signed-out', account };
  if (account.orgId === null) return { status: 'no-account' };
  return { status: 'ready', account, key: `${account.id}:${account.orgId}` };
}

/** Reads again when the window gets the focus back (Electron's window focus fires no visibility change). */
function useRefetchOnFocus(refetch: () => unknown, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onFocus = () => void refetch();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [refetch, enabled]);
}

/**
 * The signed-in member's platform notifications (all, or the unread ones), paged by offset, read again every
 * SHOWN_REFRESH_MS and when the window gets the focus while `enabled` (the screen shows them).
 */
export function usePlatformNotifications(unreadOnly: boolean, enabled: boolean) {
  const scope = useNotificationScope();
  const ready = scope.status === 'ready' && enabled;
  const query = useInfiniteQuery({
    queryKey: [...NOTIFICATIONS_KEY, scope.status === 'ready' ? scope.key : null, 'list', unreadOnly],
    queryFn: ({ pageParam }) =>
      invoke('notifications.list', {
        query: { limit: NOTIFICATIONS_PAGE, offset: pageParam, unread: unreadOnly ? 'true' : 'false' },
      }),
    initialPageParam: 0,
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + last.items.length : null),
    enabled: ready,
    refetchInterval: ready ? SHOWN_REFRESH_MS : false,
    refetchOnWindowFocus: true,
  });
  useRefetchOnFocus(query.refetch, ready);
  const pages = query.data?.pages ?? [];
  const first = pages[0];
  const client = useQueryClient();
  const scopeKey = scope.status === 'ready' ? scope.key : null;
  useEffect(() => {
    // Each read of the list also tells the badges (the source choice's, the navigation's) the unread count.
    if (first !== undefined && scopeKey !== null) client.setQueryData(unreadKey(scopeKey), first);
  }, [client, first, scopeKey]);
  return {
    scope,
    query,
    notifications: uniqueNewestFirst(pages),
    /** The unread count the platform gave with the first page (it counts all of the caller's). */
    unread: first?.unread ?? null,
  };
}

/**
 * The signed-in member's unread platform notifications, for a badge (null when unknown: signed out, unreachable),
 * read every BADGE_REFRESH_MS and on focus. For the navigation's Activity entry (app-frame.tsx) to use.
 */
export function useUnreadNotificationCount(): number | null {
  const scope = useNotificationScope();
  const ready = scope.status === 'ready';
  const query = useQuery({
    queryKey: unreadKey(ready ? scope.key : null),
    queryFn: () => invoke('notifications.list', { query: { limit: 1, offset: 0, unread: 'true' } }),
    enabled: ready,
    refetchInterval: ready ? BADGE_REFRESH_MS : false,
    refetchOnWindowFocus: true,
    select: (page) => page.unread,
  });
  useRefetchOnFocus(query.refetch, ready);
  return ready && query.data !== undefined && !query.isError ? query.data : null;
}

/** Marks one notification read, or all of them, or reads everything again; each resolves once lists and badges are. */
export function useNotificationActions() {
  const client = useQueryClient();
  const reload = () => client.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  const read = useMutation({
    mutationFn: async (notificationId: string) => {
      await invoke('notifications.read', { params: { notificationId } });
      await reload();
    },
  });
  const readAll = useMutation({
    mutationFn: async () => {
      const { marked } = await invoke('notifications.readAll', {});
      await reload();
      return marked;
    },
  });
  return { read, readAll, refresh: reload };
}
