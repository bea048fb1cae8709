import type { Notification, NotificationParams } from '../../../../shared/platform';
import type { Screen } from '../../../../shared/screens';

/**
 * One platform notification in words: a translation key under `activity.platform.notices.` and its values, the
 * platform's own English detail when it has one (a storage's error, shown as it is), and the screen where the user
 * acts on it. `fallback` means the kind is not known to this build: the platform's English message is shown.
 */
export interface NotificationSentence {
  readonly key: string;
  readonly values: Readonly<Record<string, string | number>>;
  readonly detail: string | null;
  readonly screen: Screen | null;
  /** The tab of that screen to open: the organisation's connectors live under Organisation > Connectors. */
  readonly tab?: OrganisationTab;
}

/** A tab of the Organisation screen a notification can point to. */
export type OrganisationTab = 'connectors';

// Platform notifications about connectors concern the organisation's connectors (the platform's), not mine.
const ORG_CONNECTORS = { screen: 'organisation', tab: 'connectors' } as const;

// The English descriptions the platform gives a given-up job (`params.what`), by queue: names are quoted.
const SCAN = /^The scan of offer "(.*)"$/s;
const IMPORT = /^An import into offer "(.*)"$/s;
const CHECK = /^The daily check of connector "(.*)"$/s;
const TARGET = /^Deliveries of "(.*)"$/s;
const DELIVERY = /^The delivery of "(.*)" of "(.*)"$/s;

function text(params: NotificationParams, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(params: NotificationParams, name: string): number | undefined {
  const value = params[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The platform's English message, as it is: for kinds (or shapes) this build does not know. */
function fallback(notification: Notification): NotificationSentence {
  return { key: 'fallback', values: { message: notification.message }, detail: null, screen: null };
}

/** A given-up job, by its queue and subject; an unknown queue or description falls back to the English message. */
function jobFailed(notification: Notification): NotificationSentence {
  const { params, subjectType } = notification;
  const what = text(params, 'what') ?? '';
  const attempts = count(params, 'attempts') ?? 0;
  let match: RegExpExecArray | null;
  switch (text(params, 'queue')) {
    case 'offer-scan':
      if ((match = SCAN.exec(what))) {
        return { key: 'scanFailed', values: { offer: match[1]!, count: attempts }, detail: null, screen: 'offers' };
      }
      break;
    case 'offer-import':
      if ((match = IMPORT.exec(what))) {
        return { key: 'importFailed', values: { offer: match[1]!, count: attempts }, detail: null, screen: 'offers' };
      }
      break;
    case 'connector-check':
      if ((match = CHECK.exec(what))) {
        const values = { connector: match[1]!, count: attempts };
        return { key: 'checkFailed', values, detail: null, ...ORG_CONNECTORS };
      }
      break;
    case 'delivery':
      if (subjectType === 'delivery-target' && (match = TARGET.exec(what))) {
        const values = { offer: match[1]!, count: attempts };
        return { key: 'deliveriesPaused', values, detail: null, screen: 'acquisitions' };
      }
      if ((match = DELIVERY.exec(what))) {
        const values = { file: match[1]!, offer: match[2]!, count: attempts };
        return { key: 'deliveryGivenUp', values, detail: null, screen: 'acquisitions' };
      }
      break;
  }
  return fallback(notification);
}

/**
 * Which sentence says a notification in the user's language (see NOTIFICATION_KINDS in
 * shared/platform/notifications-api.ts for what each kind carries). `formatDate` words a timestamp in the UI locale.
 * Missing parameters or an unknown kind give the platform's English message rather than a sentence with holes.
 */
export function notificationSentence(
  notification: Notification,
  formatDate: (iso: string) => string,
): NotificationSentence {
  const { params } = notification;
  switch (notification.kind) {
    case 'connector.paused': {
      const connector = text(params, 'connector');
      if (connector === undefined) break;
      return {
        key: 'connectorPaused',
        values: { connector, count: count(params, 'failures') ?? 0 },
        detail: text(params, 'reason') ?? null,
        ...ORG_CONNECTORS,
      };
    }
    case 'connector.credential-expiring': {
      const connector = text(params, 'connector');
      const expiresAt = text(params, 'expiresAt');
      const days = count(params, 'days');
      if (connector === undefined || expiresAt === undefined || Number.isNaN(Date.parse(expiresAt))) break;
      // The date, not "in N days": the notice may be read days after it was sent.
      const expired = days === 0 || Date.parse(expiresAt) <= Date.parse(notification.createdAt);
      return {
        key: expired ? 'credentialExpired' : 'credentialExpiring',
        values: { connector, date: formatDate(expiresAt) },
        detail: null,
        ...ORG_CONNECTORS,
      };
    }
    case 'job.failed':
      return jobFailed(notification);
    case 'invitation.email-failed': {
      const email = text(params, 'email');
      if (email === undefined) break;
      return {
        key: 'invitationEmailFailed',
        values: { email, count: count(params, 'attempts') ?? 0 },
        detail: null,
        screen: 'organisation',
      };
    }
  }
  return fallback(notification);
}
