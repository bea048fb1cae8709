import {
  ACTIVITY_REASONS,
  type ActivityEntry,
  type ActivityKind,
  type ActivityReason,
  type SyncBinding,
} from '../../../../shared/ipc/sync-ipc';

/** A translation key under `activity.` and its values, for one entry's one-line summary. */
export interface Summary {
  readonly key: string;
  readonly values: Readonly<Record<string, string>>;
}

/** Reasons with their own sentence, by kind; any other reason falls back to the kind's `default`. */
const REASONED: { readonly [K in ActivityKind]: readonly string[] } = {
  published: [],
  delivered: [],
  conflict: [],
  skipped: ['already-published', 'already-delivered', 'deleted-locally', 'excluded', 'not-stable-yet'],
  failed: [],
  warning: ['source-empty', 'source-unreachable', 'target-missing', 'acquisition-ended'],
  'credential-expiry': ['credential-expiring', 'credential-expired'],
};

/** The last segment of a connector path ('' for none). */
export function baseName(path: string | undefined): string {
  if (!path) return '';
  const parts = path.split('/').filter((p) => p !== '');
  return parts[parts.length - 1] ?? '';
}

/** The folder part of a connector path ('' at the root). */
export function folderOf(path: string | undefined): string {
  if (!path) return '';
  const parts = path.split('/').filter((p) => p !== '');
  return parts.slice(0, -1).join('/');
}

/** Where a delivered file went, as shown: the binding's folder joined with the file's folder ('/' for the root). */
export function deliveredWhere(entry: ActivityEntry, binding: SyncBinding | undefined): string {
  const folder = [binding?.folder ?? '', folderOf(entry.path)].filter((p) => p !== '').join('/');
  return `/${folder.replace(/^\/+/, '')}`;
}

/**
 * Which sentence summarises an entry (key under `activity.summary.`): by kind, then by reason where one has its
 * own; a failure names the action it failed (publish or deliver) when the binding is known.
 */
export function summaryOf(entry: ActivityEntry, binding: SyncBinding | undefined): Summary {
  const values = { name: baseName(entry.path), binding: entry.bindingName };
  const reason = entry.reason !== undefined && REASONED[entry.kind].includes(entry.reason) ? entry.reason : 'default';
  switch (entry.kind) {
    case 'delivered':
      return { key: 'summary.delivered.default', values: { ...values, where: deliveredWhere(entry, binding) } };
    case 'failed': {
      if (!entry.path) return { key: 'summary.failed.run', values };
      return { key: `summary.failed.${binding?.kind ?? 'file'}`, values };
    }
    case 'skipped':
    case 'published':
    case 'conflict':
    case 'warning':
    case 'credential-expiry':
      return { key: `summary.${entry.kind}.${reason}`, values };
    default: {
      const never: never = entry.kind;
      return { key: 'summary.unknown', values: { kind: String(never) } };
    }
  }
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "now", "5 minutes ago", "yesterday", "3 days ago" in the given locale; older than a month: the date. */
export function formatRelative(iso: string, now: number, locale: string): string {
  const then = Date.parse(iso);
  const seconds = Math.round((then - now) / 1000);
  const abs = Math.abs(seconds);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'long' });
  if (abs < 45) return rtf.format(0, 'second');
  if (abs < HOUR) return rtf.format(Math.round(seconds / MINUTE), 'minute');
  if (abs < DAY) return rtf.format(Math.round(seconds / HOUR), 'hour');
  if (abs < 30 * DAY) return rtf.format(Math.round(seconds / DAY), 'day');
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(then));
}

/** The exact time of an entry in the given locale, with seconds (for the tooltip). */
export function formatExact(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'medium' }).format(new Date(iso));
}

/** A pause's end: the time alone when it is today, else the date and time. */
export function formatUntil(iso: string, now: number, locale: string): string {
  const until = new Date(iso);
  const today = new Date(now).toDateString() === until.toDateString();
  return new Intl.DateTimeFormat(
    locale,
    today
      ? { timeStyle: 'short' }
      : { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' },
  ).format(until);
}

/** The locale for dates and numbers: the OS's when it speaks the UI language (fr-CA, en-GB), else the UI language. */
export function formattingLocale(uiLanguage: string, osLocale: string | undefined): string {
  if (osLocale && osLocale.split('-')[0]?.toLowerCase() === uiLanguage.toLowerCase()) {
    try {
      return Intl.getCanonicalLocales(osLocale)[0] ?? uiLanguage;
    } catch {
      return uiLanguage;
    }
  }
  return uiLanguage;
}

/** The agent's problem line, readable: main's English "<binding>: <reason>." or "<binding>: <n> file(s) failed." */
export type Problem =
  | { readonly kind: 'reason'; readonly binding: string; readonly reason: ActivityReason }
  | { readonly kind: 'files'; readonly binding: string; readonly count: number }
  | { readonly kind: 'text'; readonly text: string };

/**
 * Reads SyncStatus.problem, which main writes in English (sync-agent.ts): a stop reason or a count of failed files is
 * recognised and translated; anything else (a component's own message) is shown as it is.
 */
export function problemOf(problem: string): Problem {
  const reason = /^(.+): ([a-z-]+)\.$/.exec(problem);
  if (reason && (ACTIVITY_REASONS as readonly string[]).includes(reason[2]!)) {
    return { kind: 'reason', binding: reason[1]!, reason: reason[2] as ActivityReason };
  }
  const expired = /^(.+): the connector's credentials have expired\.$/.exec(problem);
  if (expired) return { kind: 'reason', binding: expired[1]!, reason: 'credential-expired' };
  const files = /^(.+): (\d+) file\(s\) failed\.$/.exec(problem);
  if (files) return { kind: 'files', binding: files[1]!, count: Number(files[2]) };
  return { kind: 'text', text: problem };
}
