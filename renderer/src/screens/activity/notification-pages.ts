import type { Notification } from '../../../../shared/platform';

/** Each notification once, newest first (pages read by offset overlap when new ones arrive meanwhile). */
export function uniqueNewestFirst(pages: readonly { readonly items: readonly Notification[] }[]): Notification[] {
  const byId = new Map<string, Notification>();
  for (const page of pages) for (const item of page.items) if (!byId.has(item.id)) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
}
