// The maintenance job purges expired sessions, invitations that expired unaccepted long ago, expired download links
// and audit events past retention, nothing else, on PGlite and PostgreSQL, both called directly and sent by its cron schedule.
import { expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import type { Database } from '../../../platform/db/database';
import {
  acquisitions,
  auditEvents,
  downloadLinks,
  invitations,
  offers,
  organisations,
  sessions,
  users,
} from '../../../platform/db/schema';
import { EXPIRED_INVITATION_KEPT_MS, purgeExpired, registerMaintenance } from '../../../platform/jobs/maintenance';
import { forEachJobsDatabase, recordingLog, until } from './jobs-harness';

const DAY = 86_400_000;
const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);

let counter = 0;

/** An organisation and a person with sessions and invitations around the expiry lines; returns their IDs. */
async function seed(db: Database) {
  const n = ++counter;
  const orgId = `org_m${n}`;
  const userId = `usr_m${n}`;
  await db.insert(organisations).values({ id: orgId, name: `Org ${n}`, createdAt: ago(90 * DAY) });
  await db
    .insert(users)
    .values({ id: userId, email: `m${n}@example.org`, name: 'M', passwordHash: 'x', createdAt: ago(90 * DAY) });
  const session = (name: string, expiresAt: Date) => ({
    id: `ses_${name}${n}`,
    tokenHash: `hash_${name}${n}`,
    userId,
    createdAt: ago(60 * DAY),
    expiresAt,
  });
  await db
    .insert(sessions)
    .values([
      session('expired', ago(1000)),
      session('long', ago(40 * DAY)),
      session('live', new Date(NOW.getTime() + DAY)),
    ]);
  const invitation = (name: string, expiresAt: Date, acceptedAt: Date | null) => ({
    id: `inv_${name}${n}`,
    orgId,
    email: `${name}${n}@example.org`,
    role: 'viewer' as const,
    language: 'en' as const,
    tokenHash: `ih_${name}${n}`,
    sealedToken: 'v1.x.y',
    senderId: userId,
    emailStatus: 'outbox' as const,
    emailError: null,
    createdAt: ago(expiresAt === null ? 0 : 50 * DAY),
    expiresAt,
    acceptedAt,
  });
  await db
    .insert(invitations)
    .values([
      invitation('stale', ago(EXPIRED_INVITATION_KEPT_MS + 1000), null),
      invitation('recent', ago(DAY), null),
      invitation('accepted', ago(45 * DAY), ago(48 * DAY)),
      invitation('pending', new Date(NOW.getTime() + DAY), null),
    ]);
  // The organisation keeps its events 365 days (the default).
  const event = (name: string, at: Date) => ({
    id: `evt_${name}${n}`,
    orgId,
    at,
    principalType: 'anonymous' as const,
    action: 'test.event',
    outcome: 'success' as const,
  });
  await db.insert(auditEvents).values([event('old', ago(400 * DAY)), event('kept', ago(300 * DAY))]);
  // A download link past its 30 days and one still valid, of an acquisition of an offer of the same organisation.
  await db.insert(offers).values({
    id: `off_m${n}`,
    orgId,
    title: 'Offer',
    kind: 'one-shot',
    maxFileSize: 1024,
    createdAt: ago(60 * DAY),
    updatedAt: ago(60 * DAY),
  });
  await db.insert(acquisitions).values({
    id: `acq_m${n}`,
    offerId: `off_m${n}`,
    providerOrgId: orgId,
    buyerOrgId: orgId,
    kind: 'one-shot',
    status: 'active',
    acquiredByType: 'user',
    acquiredById: userId,
    historyAfterSeq: 0,
    periodStart: ago(60 * DAY),
    createdAt: ago(60 * DAY),
  });
  const link = (name: string, expiresAt: Date) => ({
    id: `dl_${name}${n}`,
    acquisitionId: `acq_m${n}`,
    fileId: 'ofl_x',
    orgId,
    kekId: 'k1',
    createdAt: ago(40 * DAY),
    expiresAt,
  });
  await db.insert(downloadLinks).values([link('expired', ago(1000)), link('valid', new Date(NOW.getTime() + DAY))]);
  return { n };
}

async function left(db: Database, n: number) {
  const s = await db
    .select({ id: sessions.id })
    .from(sessions)
    .where(
      inArray(
        sessions.id,
        ['expired', 'long', 'live'].map((k) => `ses_${k}${n}`),
      ),
    );
  const i = await db
    .select({ id: invitations.id })
    .from(invitations)
    .where(
      inArray(
        invitations.id,
        ['stale', 'recent', 'accepted', 'pending'].map((k) => `inv_${k}${n}`),
      ),
    );
  const e = await db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(inArray(auditEvents.id, [`evt_old${n}`, `evt_kept${n}`]));
  const d = await db
    .select({ id: downloadLinks.id })
    .from(downloadLinks)
    .where(inArray(downloadLinks.id, [`dl_expired${n}`, `dl_valid${n}`]));
  return {
    sessions: s.map((r) => r.id).sort(),
    invitations: i.map((r) => r.id).sort(),
    auditEvents: e.map((r) => r.id),
    downloadLinks: d.map((r) => r.id),
  };
}

const kept = (n: number) => ({
  sessions: [`ses_live${n}`],
  invitations: [`inv_accepted${n}`, `inv_pending${n}`, `inv_recent${n}`],
  auditEvents: [`evt_kept${n}`],
  downloadLinks: [`dl_valid${n}`],
});

forEachJobsDatabase((env) => {
  it('purges expired sessions, invitations expired unaccepted for 30 days, expired download links, events past retention; keeps the rest', async () => {
    const { n } = await seed(env().db);
    expect(await purgeExpired(env().db, NOW)).toEqual({
      sessions: 2,
      invitations: 1,
      auditEvents: 1,
      downloadLinks: 1,
    });
    expect(await left(env().db, n)).toEqual(kept(n));
    expect(await purgeExpired(env().db, NOW)).toEqual({
      sessions: 0,
      invitations: 0,
      auditEvents: 0,
      downloadLinks: 0,
    });
  });

  it('runs as a job on its cron schedule', async () => {
    const { n } = await seed(env().db);
    const log = recordingLog();
    const jobs = await env().runtime();
    registerMaintenance(jobs, env().db, () => NOW, log, '* * * * *');
    await jobs.start();
    await until('the maintenance job purged', async () => (await left(env().db, n)).sessions.length === 1, 70_000);
    expect(await left(env().db, n)).toEqual(kept(n));
    await until('the run was logged', () =>
      log.lines.some((line) => line.includes('purged expired sessions, invitations, download links and audit events')),
    );
    expect(log.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  }, 80_000);
});
