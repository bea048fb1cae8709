import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifyRateLimit from '@fastify/rate-limit';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Database } from './db/database';
import type { PlatformContext } from './platform-context';
import { outboxMailer, type Mailer } from './mail/mailer';
import { MailService } from './mail/mail-service';
import { bossDatabaseOf } from './jobs/boss-database';
import { JobsRuntime, type JobsRuntimeOptions } from './jobs/jobs-runtime';
import { MAINTENANCE_CRON, registerMaintenance } from './jobs/maintenance';
import { TokenSealer } from './auth/token-sealer';
import type { KeyProvider } from './vault/key-provider';
import { ManagedKeyProvider, memoryKeyStore } from './vault/managed-key-provider';
import { VaultService } from './vault/vault-service';
import { registerVaultRewrap, type VaultRewrapOptions } from './vault/vault-rewrap-job';
import { detectOutgoingAddresses } from './connectors/outgoing-addresses';
import { openOrgConnector } from './connectors/open-org-connector';
import { registerConnectorHealth, type ConnectorHealthOptions } from './connectors/health/connector-health';
import { DEFAULT_LOGIN_THROTTLE, type LoginThrottlePolicy } from './auth/login-throttle';
import { ApiError } from './http/api-error';
import { registerAccessHook } from './http/access';
import { registerErrorHandler } from './http/error-handler';
import { clientErrorHandler } from './http/client-error-handler';
import { frameworkErrors } from './http/framework-errors';
import { registerHostGuard, type AllowedHosts } from './http/host-guard';
import { registerInputGuard } from './http/input-guard';
import { logOptions, type LoggerSetting } from './http/log-options';
import type { PlatformApp } from './http/platform-app';
import { apiRoutes } from './http/api-route';
import { AuthService } from './auth/auth-service';
import { authRoutes } from './auth/auth-routes';
import { passwordResetRoutes } from './auth/password-reset-routes';
import { passwordResetPage } from './auth/password-reset-page';
import { OrganisationService } from './organisations/organisation-service';
import { organisationRoutes, setupRoutes } from './organisations/organisation-routes';
import { MemberService } from './members/member-service';
import { memberRoutes } from './members/member-routes';
import { InvitationService } from './invitations/invitation-service';
import { InvitationAcceptance } from './invitations/invitation-acceptance';
import { invitationRoutes } from './invitations/invitation-routes';
import { invitationPage } from './invitations/invitation-page';
import { ApiKeyService } from './api-keys/api-key-service';
import { apiKeyRoutes } from './api-keys/api-key-routes';
import { AuditService } from './audit/audit-service';
import { auditRoutes } from './audit/audit-routes';
import { connectorRoutes } from './connectors/connector-routes';
import { importRoutes } from './imports/import-routes';
import { offerRoutes } from './offers/offer-routes';
import { ConnectorUsages } from './connectors/connector-usages';
import { NotificationService } from './notifications/notification-service';
import { OfferStorage, type OfferStorageSetting } from './offers/offer-storage';
import { OFFER_FILES_AVAILABLE } from './offers/offer-file-ledger';
import { notificationRoutes } from './notifications/notification-routes';
import { registerDeliveries, type DeliveriesOptions } from './deliveries/deliveries';
import { catalogRoutes } from './catalog/catalog-routes';
import { acquisitionRoutes } from './acquisitions/acquisition-routes';
import { registerOfferUploads, type OfferUploadsOptions } from './uploads/upload-routes';

/** Everything the app needs; the caller opens (and later closes) the database. */
export interface BuildAppOptions {
  readonly db: Database;
  /** Base URL put in invitation links (default http://127.0.0.1), or a function read each time a link is made. */
  readonly publicUrl?: string | (() => string);
  /** SMTP mailer; without one, invitation e-mails wait in the outbox. */
  readonly mailer?: Mailer;
  /**
   * Seals invitation tokens (so links can be copied again) and queued e-mails. Default: on the vault's keys; when the
   * vault is unavailable, on keys living as long as the process.
   */
  readonly sealer?: TokenSealer;
  readonly logger?: LoggerSetting;
  /** The clock (tests move it). */
  readonly now?: () => Date;
  readonly sessionTtlMs?: number;
  readonly invitationTtlMs?: number;
  /** Attempts per IP per window on login, setup and invitation acceptance (default 10 per minute). */
  readonly authRateLimit?: { readonly max: number; readonly timeWindowMs: number };
  /** Failed sign-ins per address before waits begin, and how the waits grow (default DEFAULT_LOGIN_THROTTLE). */
  readonly loginThrottle?: LoginThrottlePolicy;
  /** Refusals of one caller written one by one to an organisation's audit log per window (default 20 per 10 min). */
  readonly auditRefusals?: { readonly perWindow: number; readonly windowMs: number };
  /** Trust X-Forwarded-For from a reverse proxy for the client IP (default false). */
  readonly trustProxy?: boolean;
  /** The Host header values answered (others get host_not_allowed); without it any (inject tests). */
  readonly allowedHosts?: AllowedHosts;
  /** How often background jobs poll and cron passes run (defaults suit a server; tests go lower). */
  readonly jobs?: JobsRuntimeOptions;
  /** When the maintenance job (expired sessions and invitations purged) runs (default hourly, MAINTENANCE_CRON). */
  readonly maintenanceCron?: string;
  /**
   * The vault's key-encryption keys, or why there are none (organisation connectors are then refused with
   * vault_unavailable; everything else works). Default: keys in memory, lost when the process ends.
   */
  readonly vault?: KeyProvider | { readonly unavailable: string };
  /** The addresses the platform connects to storages from, as configured on a server (default: detected). */
  readonly outgoingAddresses?: readonly string[];
  /** Whether organisation connectors may be folders on this machine (default true: a single-machine platform). */
  readonly localConnectors?: boolean;
  /** What uses organisation connectors (offers, deliveries register here); a connector in use is not deleted. */
  readonly connectorUsages?: ConnectorUsages;
  /** The daily connector checks: failures in a row before a pause (default 3), cron, retry delay; tests shorten them. */
  readonly connectorChecks?: ConnectorHealthOptions;
  /** The background re-wrap of the vault (batch size, retirement grace, cron); tests shorten them. */
  readonly vaultRewrap?: VaultRewrapOptions;
  /**
   * Where offer files and uploads in progress are kept (default: a temporary folder removed at close, for tests and
   * in-memory platforms; startPlatform passes a folder in the data folder, or S3 when scaled out).
   */
  readonly offerStorage?: OfferStorageSetting;
  /** Automatic delivery: pause after failures in a row, retry timing, sweep cron (tests shorten them). */
  readonly deliveries?: DeliveriesOptions;
  /** Resumable offer uploads (tus): expiry of unfinished uploads, the lock wait (tests shorten them). */
  readonly uploads?: OfferUploadsOptions;
}

function vaultAccessOf(options: BuildAppOptions, keys: KeyProvider | null): PlatformContext['vault'] {
  if (keys === null) return { kind: 'unavailable', reason: (options.vault as { unavailable: string }).unavailable };
  return { kind: 'ready', service: new VaultService(options.db, keys, options.now) };
}

/** The platform's Fastify app with every route, ready for `inject` or `listen`. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logOptions(options.logger ?? false),
    trustProxy: options.trustProxy ?? false,
    // Request IDs are not secrets, but callers should not pick them.
    requestIdHeader: false,
    // Sealed download-link tokens are path parameters of about 260 characters (the default limit is 100).
    routerOptions: { maxParamLength: 400 },
    clientErrorHandler,
    frameworkErrors,
  });
  // Background jobs live in the platform's database: declared here, started once every route is registered.
  const jobs = new JobsRuntime(bossDatabaseOf(options.db), app.log, options.jobs);
  const vaultKeys = options.vault ?? new ManagedKeyProvider(memoryKeyStore());
  const keys = 'unavailable' in vaultKeys ? null : vaultKeys;
  const sealer = options.sealer ?? (keys !== null ? new TokenSealer(keys) : TokenSealer.ephemeral());
  const scratch = options.offerStorage === undefined ? mkdtempSync(path.join(tmpdir(), 'ferry-offer-files-')) : null;
  const offerStorage = new OfferStorage(options.offerStorage ?? { kind: 'local', folder: scratch! });
  const ctx: PlatformContext = {
    db: options.db,
    now: options.now ?? (() => new Date()),
    mail: new MailService(options.mailer ?? outboxMailer, app.log, jobs, sealer),
    jobs,
    sealer,
    publicUrl: () => {
      const url = typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl;
      return (url ?? 'http://127.0.0.1').replace(/\/+$/, '');
    },
    sessionTtlMs: options.sessionTtlMs ?? 30 * 86_400_000,
    invitationTtlMs: options.invitationTtlMs ?? 7 * 86_400_000,
    loginThrottle: options.loginThrottle ?? DEFAULT_LOGIN_THROTTLE,
    auditRefusals: options.auditRefusals ?? { perWindow: 20, windowMs: 10 * 60_000 },
    vault: vaultAccessOf(options, keys),
    outgoingAddresses: () => options.outgoingAddresses ?? detectOutgoingAddresses(),
    localConnectors: options.localConnectors ?? true,
    connectorUsages: options.connectorUsages ?? new ConnectorUsages(),
    offerStorage,
  };
  // On the wall clock, like the purge at start: a test's moved clock must not purge behind its back.
  registerMaintenance(jobs, options.db, () => new Date(), app.log, options.maintenanceCron ?? MAINTENANCE_CRON);
  const open = (orgId: string, connectorId: string) => openOrgConnector(ctx, orgId, connectorId);
  registerConnectorHealth(jobs, { ctx, open }, app.log, options.connectorChecks);
  const rewrap = keys !== null ? registerVaultRewrap(jobs, options.db, keys, app.log, options.vaultRewrap) : null;
  // Running jobs (e-mails being sent, their outcomes recorded) finish before the caller closes the database.
  app.addHook('onClose', async () => {
    await jobs.stop();
    await offerStorage.close();
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  });
  // Files becoming available queue a job for deliveries; declared here so the queue exists before its worker does.
  jobs.queue(OFFER_FILES_AVAILABLE);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ferry platform API',
        version: '1.0.0',
        description: 'Organisations, members, invitations, API keys, audit.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: () => new ApiError('rate_limited', 'Too many attempts; wait a minute and try again.'),
  });

  app.decorate('auditRefusals', ctx.auditRefusals);
  // Order matters: the host and the strings are checked before authentication touches the database.
  if (options.allowedHosts !== undefined) registerHostGuard(app, options.allowedHosts);
  registerInputGuard(app);
  registerAccessHook(app, ctx);
  registerErrorHandler(app, ctx);

  const rateLimit = {
    max: options.authRateLimit?.max ?? 10,
    timeWindow: options.authRateLimit?.timeWindowMs ?? 60_000,
  };
  const typed = app.withTypeProvider<ZodTypeProvider>() as PlatformApp;
  typed.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  // One service per domain, its routes thin over it; the order of registration is the OpenAPI document's.
  const routes = apiRoutes(typed, rateLimit);
  const organisations = new OrganisationService(ctx);
  setupRoutes(routes, organisations);
  authRoutes(routes, new AuthService(ctx));
  organisationRoutes(routes, organisations);
  memberRoutes(routes, new MemberService(ctx));
  const invitations = { invitations: new InvitationService(ctx), acceptance: new InvitationAcceptance(ctx) };
  invitationRoutes(routes, ctx, invitations);
  await invitationPage(app, ctx, invitations.acceptance, rateLimit);
  apiKeyRoutes(routes, new ApiKeyService(ctx));
  auditRoutes(routes, new AuditService(ctx));
  connectorRoutes(routes, ctx);
  importRoutes(routes, ctx, app.log);
  offerRoutes(routes, ctx);
  notificationRoutes(routes, new NotificationService(ctx));
  catalogRoutes(routes, ctx);
  acquisitionRoutes(routes, ctx);
  registerDeliveries(routes, ctx, app.log, options.deliveries);
  registerOfferUploads(app, ctx, app.log, options.uploads);
  passwordResetRoutes(routes, ctx);
  await passwordResetPage(app, ctx, rateLimit);
  await jobs.start();
  try {
    await app.ready();
    // A pass at each start: keys rotated elsewhere (or a new FERRY_VAULT_KEY) are taken up without waiting a day.
    await rewrap?.queueAtStart();
  } catch (error) {
    await jobs.stop();
    throw error;
  }
  return app;
}
