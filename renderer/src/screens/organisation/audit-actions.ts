/**
 * Every action the platform writes to an organisation's audit log: each route's access action (successes of the
 * routes that change something, refusals of any route) and what the platform records on its own (background jobs).
 * Each has a label and a sentence in organisation.json (audit.labels / audit.done, keyed by auditActionKey).
 */
export const AUDIT_ACTIONS = [
  'acquisitions.cancel',
  'acquisitions.create',
  'acquisitions.download',
  'acquisitions.files',
  'acquisitions.list',
  'acquisitions.read',
  'api-keys.create',
  'api-keys.delete',
  'api-keys.list',
  'api-keys.read',
  'audit.export',
  'audit.list',
  'audit.purge',
  'audit.refusals-summarised',
  'auth.login',
  'auth.logout',
  'auth.password-reset.complete',
  'auth.password-reset.page',
  'auth.password-reset.request',
  'catalog.list',
  'catalog.read',
  'connectors.browse',
  'connectors.create',
  'connectors.credential-expiring',
  'connectors.delete',
  'connectors.forget-identity',
  'connectors.list',
  'connectors.outgoing-addresses',
  'connectors.paused',
  'connectors.read',
  'connectors.resume',
  'connectors.stat',
  'connectors.test',
  'connectors.trust',
  'connectors.update',
  'deliveries.ack',
  'deliveries.delivered',
  'deliveries.given-up',
  'deliveries.list',
  'deliveries.target-paused',
  'deliveries.targets.create',
  'deliveries.targets.delete',
  'deliveries.targets.list',
  'deliveries.targets.read',
  'deliveries.targets.resume',
  'deliveries.targets.update',
  'downloads.download',
  'downloads.link',
  'imports.create',
  'imports.list',
  'imports.preview',
  'imports.read',
  'imports.scan',
  'invitations.accept',
  'invitations.create',
  'invitations.delete',
  'invitations.email-failed',
  'invitations.list',
  'invitations.page',
  'invitations.preview',
  'invitations.read',
  'invitations.resend',
  'invitations.revoke',
  'jobs.failed',
  'me.read',
  'members.delete',
  'members.list',
  'members.read',
  'members.update',
  'notifications.list',
  'notifications.read',
  'notifications.read-all',
  'offers.acquisitions',
  'offers.archive',
  'offers.create',
  'offers.delete',
  'offers.files.approve',
  'offers.files.download',
  'offers.files.import',
  'offers.files.list',
  'offers.files.reject',
  'offers.files.remove',
  'offers.files.upload',
  'offers.list',
  'offers.publish',
  'offers.read',
  'offers.update',
  'organisations.create',
  'organisations.list',
  'organisations.read',
  'organisations.update',
  'outbox.read',
  'setup',
  'setup.status',
] as const;

/** An action the screen has words for. */
export type KnownAuditAction = (typeof AUDIT_ACTIONS)[number];

const KNOWN: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

/** Whether the screen has a label and a sentence for this action (else the generic sentence names its code). */
export function isKnownAuditAction(action: string): action is KnownAuditAction {
  return KNOWN.has(action);
}

/** The action's domain: what comes before its first dot (`deliveries.targets.create` -> `deliveries`). */
export function auditActionDomain(action: string): string {
  return action.split('.')[0] ?? action;
}

/** The action's i18n key: dots would nest (`setup` is also the start of `setup.status`), so they become `_`. */
export function auditActionKey(action: string): string {
  return action.replaceAll('.', '_');
}

/** The known actions grouped by domain, domains and actions in alphabetical order of their codes. */
export function auditActionsByDomain(): ReadonlyMap<string, readonly KnownAuditAction[]> {
  const groups = new Map<string, KnownAuditAction[]>();
  for (const action of AUDIT_ACTIONS) {
    const domain = auditActionDomain(action);
    groups.set(domain, [...(groups.get(domain) ?? []), action]);
  }
  return groups;
}
