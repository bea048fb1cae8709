// An admin's connector test (the driver's step-by-step check) and the confirmation of the server identity it showed.
import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import {
  identityIssueOf,
  PINNED_IDENTITY_OPTION,
  pinnedFingerprintOf,
  sameFingerprint,
} from '../../connectors/config/server-identity-issue';
import type { CheckReport } from '../../shared/connectors/check-report';
import type { ConnectorDetail, ConnectorTest } from '../../shared/platform';
import { auditSuccess } from '../audit/audit-request';
import type { Executor } from '../db/database';
import { orgConnectors } from '../db/schema';
import type { PlatformContext } from '../platform-context';
import { invalid } from './connector-input';
import type { ConnectorService } from './connector-service';
import type { ConnectorRow } from './connector-views';
import { openOrgConnector } from './open-org-connector';

/** The fingerprint a check's handshake step refused, if it refused one. */
function refusedFingerprint(report: CheckReport | null): string | undefined {
  return report?.steps.find((s) => s.id === 'handshake' && s.status === 'failed' && s.fingerprint)?.fingerprint;
}

/** The refused handshake's advice as a platform admin acts on it: confirm through trust, not by editing options. */
function withTrustHint(report: CheckReport, fingerprint: string): CheckReport {
  const hint =
    `Compare ${fingerprint} with the one the server's administrator gives you, then confirm it: ` +
    'POST .../trust with this fingerprint (Trust in Ferry).';
  return {
    ...report,
    steps: report.steps.map((s) => (s.id === 'handshake' && s.status === 'failed' ? { ...s, hint } : s)),
  };
}

// The platform trusts no identity by itself: only the pinned one counts.
const nothingConfirmed = () => undefined;

/**
 * Tests and trusts. The last report is kept on the connector's row, so any platform instance sharing the database
 * can confirm the fingerprint another one's test showed, and nothing else.
 */
export class ConnectorChecks {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly connectors: ConnectorService,
  ) {}

  /**
   * Runs the driver's check (read-only unless `write`), also on a paused connector or an unconfirmed server, and
   * keeps the report. A refused server identity comes back as `identity`: unknown (may be trusted) or changed.
   */
  async test(request: FastifyRequest, orgId: string, connectorId: string, write: boolean): Promise<ConnectorTest> {
    this.connectors.vault();
    const row = await this.connectors.find(orgId, connectorId);
    const driver = await openOrgConnector(this.ctx, orgId, connectorId, { forCheck: true });
    let checked: CheckReport;
    try {
      checked = await driver.check({ write });
    } finally {
      await driver.close().catch(() => undefined);
    }
    const fingerprint = refusedFingerprint(checked);
    const identity = fingerprint === undefined ? undefined : identityIssueOf(row, fingerprint, nothingConfirmed);
    const report =
      identity?.problem === 'unknown' && fingerprint !== undefined ? withTrustHint(checked, fingerprint) : checked;
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      await tx
        .update(orgConnectors)
        .set({ lastCheckAt: now, lastCheckOk: report.ok, lastCheckReport: report })
        .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, connectorId)));
      await auditSuccess(tx, request, now);
    });
    return identity === undefined ? { report } : { report, identity };
  }

  /**
   * Pins the host key (SFTP) or certificate (FTPS) the last test was refused for, when `fingerprint` is that one and
   * no other is pinned: a changed identity is never trusted here (an admin who knows it changed sets the option).
   */
  async trust(
    request: FastifyRequest,
    orgId: string,
    connectorId: string,
    fingerprint: string,
  ): Promise<ConnectorDetail> {
    this.connectors.vault();
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.connectors.find(orgId, connectorId, tx, true);
      const option = PINNED_IDENTITY_OPTION[row.kind];
      if (option === undefined)
        throw invalid('body.fingerprint', `${row.kind} connectors have no server identity to confirm.`);
      const pinned = pinnedFingerprintOf(row);
      if (pinned !== undefined && sameFingerprint(pinned, fingerprint, row.kind)) return;
      const shown = refusedFingerprint(row.lastCheckReport);
      if (shown === undefined || !sameFingerprint(shown, fingerprint, row.kind)) {
        throw invalid(
          'body.fingerprint',
          'Test the connector first: this is not the fingerprint its last test showed.',
        );
      }
      if (identityIssueOf(row, shown, nothingConfirmed)?.problem !== 'unknown') {
        throw invalid(
          'body.fingerprint',
          `The server's identity changed from the pinned ${pinned}; if the server's administrator confirms the new one, ` +
            `set ${option} in the connector's options.`,
        );
      }
      await pin(tx, row, option, shown, now);
      await auditSuccess(tx, request, now);
    });
    return this.connectors.detail(orgId, connectorId);
  }

  /**
   * Forgets the pinned host key (SFTP) or certificate (FTPS), and the last test's refusal with it: the next test
   * shows the server's identity to confirm again (an SFTP connector waits for that before being used).
   */
  async forgetIdentity(request: FastifyRequest, orgId: string, connectorId: string): Promise<ConnectorDetail> {
    this.connectors.vault();
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.connectors.find(orgId, connectorId, tx, true);
      const option = PINNED_IDENTITY_OPTION[row.kind];
      if (option === undefined) throw invalid('kind', `${row.kind} connectors have no server identity to forget.`);
      if (pinnedFingerprintOf(row) === undefined) {
        throw invalid('identity', 'No server identity is pinned for this connector: there is nothing to forget.');
      }
      const { [option]: _forgotten, ...options } = row.options as Record<string, unknown>;
      await tx
        .update(orgConnectors)
        .set({ options, lastCheckReport: null, updatedAt: now })
        .where(and(eq(orgConnectors.orgId, row.orgId), eq(orgConnectors.id, row.id)));
      await auditSuccess(tx, request, now);
    });
    return this.connectors.detail(orgId, connectorId);
  }
}

async function pin(tx: Executor, row: ConnectorRow, option: string, fingerprint: string, now: Date): Promise<void> {
  await tx
    .update(orgConnectors)
    .set({ options: { ...row.options, [option]: fingerprint }, updatedAt: now })
    .where(and(eq(orgConnectors.orgId, row.orgId), eq(orgConnectors.id, row.id)));
}
