import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../../../connectors/connector-error';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import type { Driver, DriverContext } from '../../../connectors/driver';
import { secretStoreCredentials } from '../../../connectors/config/credential-port';
import { type CredentialExpiry, credentialExpiryOf } from '../../../connectors/config/credential-expiry';
import type { DriverRegistry } from '../../../connectors/driver-registry';
import type { CheckReport } from '../../../shared/connectors/check-report';
import { type ConnectorDescriptor, secretOptionNames } from '../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../../shared/connectors/connector-descriptors';
import type {
  ConnectorIdentity,
  ConnectorSummary,
  ServerIdentityIssue,
  TestOutcome,
} from '../../../shared/ipc/connectors-ipc';
import type { KeyValueStore } from '../key-value-store';
import type { SecretStore } from '../secrets/secret-store';
import { ConfirmedIdentities } from './confirmed-identities';
import {
  PINNED_IDENTITY_OPTION,
  identityIssueOf,
  pinnedFingerprintOf,
  sameFingerprint,
  trustKeyOf,
} from '../../../connectors/config/server-identity-issue';
import { trustFirst } from './trust-first-report';
import { watchIdentityRefusals } from './identity-refusal-watch';
import { ConnectorInputError } from './connector-input-error';
import { type OptionValues, checkOptionNames, validateOptions } from './connector-options';
import { type ConnectorRecord, ConnectorRecords } from './connector-records';
import { requireUsableKind } from './require-usable-kind';
import type { SignInTokens, StoredDriveClient } from './drive-sign-ins';
import { type ResumeStateStore } from '../../../connectors/resume-state-store';

/** A new connector from a form. */
export interface NewConnector {
  readonly name: string;
  readonly kind: string;
  readonly options: OptionValues;
  readonly secrets: Readonly<Record<string, string>>;
  readonly acceptSessionSecrets?: boolean;
  /** A completed Google sign-in whose refresh token is saved with the connector. */
  readonly signIn?: string;
}

/** A change to a connector: secrets set (string), cleared (null) or kept (absent). */
export interface ConnectorChange {
  readonly id: string;
  readonly name: string;
  readonly options: OptionValues;
  readonly secrets: Readonly<Record<string, string | null>>;
  readonly acceptSessionSecrets?: boolean;
  /** A completed Google sign-in whose refresh token replaces the stored one. */
  readonly signIn?: string;
}

/** What a test found: the outcome (identity first), the check report, a server identity to confirm or that changed. */
export interface ConnectorTest {
  readonly outcome: TestOutcome;
  readonly report: CheckReport;
  readonly identity?: ServerIdentityIssue;
}

/** What the connectors service needs. */
export interface ConnectorsServiceOptions {
  readonly store: KeyValueStore;
  readonly secrets: SecretStore;
  readonly registry?: DriverRegistry;
  /** Where interrupted multipart/block/session uploads remember how to continue after a restart. */
  readonly resumeStore?: ResumeStateStore;
  /** The refresh tokens of Google sign-ins made in forms, redeemed on save. */
  readonly signIns?: SignInTokens;
}

interface PendingIdentity {
  readonly fingerprint: string;
  readonly trustKey: string;
}

const secretName = (id: string, option: string): string => `connector:${id}:${option}`;

/**
 * My connectors: non-secret settings in the KeyValueStore, secrets in the SecretStore (never returned), host keys
 * confirmed by the user, drivers opened for the browser and the transfers (through the LocationRegistry).
 */
export class ConnectorsService {
  private readonly records: ConnectorRecords;
  private readonly secrets: SecretStore;
  private readonly registry: DriverRegistry;
  private readonly resumeStore: ResumeStateStore | undefined;
  private readonly signIns: SignInTokens | undefined;
  /** Host keys and certificates the user confirmed. */
  readonly identities: ConfirmedIdentities;
  private readonly pending = new Map<string, PendingIdentity>();
  /** The last identity refusal of each connector (browse, transfer or test), until trusted, forgotten or edited. */
  private readonly refused = new Map<string, ServerIdentityIssue>();
  private readonly events = new EventEmitter<{ change: [string] }>();

  constructor(options: ConnectorsServiceOptions) {
    this.records = new ConnectorRecords(options.store);
    this.identities = new ConfirmedIdentities(options.store);
    this.secrets = options.secrets;
    this.registry = options.registry ?? createDefaultRegistry();
    this.resumeStore = options.resumeStore;
    this.signIns = options.signIns;
  }

  /** Kinds a user may pick: registered in this build and not internal (memory is for tests). */
  kinds(): string[] {
    return this.registry.kinds().filter((k) => CONNECTOR_DESCRIPTORS[k].internal !== true);
  }

  /** My connectors, by name. */
  async list(): Promise<ConnectorSummary[]> {
    const records = this.records.all().sort((a, b) => a.name.localeCompare(b.name));
    return Promise.all(records.map((r) => this.summaryOf(r)));
  }

  /** One connector's summary. */
  async get(id: string): Promise<ConnectorSummary> {
    return this.summaryOf(this.require(id));
  }

  /** Validates and saves a new connector; secrets go to the SecretStore. */
  async create(input: NewConnector): Promise<ConnectorSummary> {
    const descriptor = this.descriptorOf(input.kind);
    const name = this.checkName(input.name);
    const options = checkOptionNames(descriptor, input.options, input.secrets);
    const secrets = {
      ...Object.fromEntries(Object.entries(input.secrets).filter(([, v]) => v !== '')),
      ...this.signedIn(input.kind, input.signIn, options),
    };
    validateOptions(descriptor, options, secrets);
    this.checkSessionSecrets(Object.keys(secrets).length > 0, input.acceptSessionSecrets);
    const now = Date.now();
    const record: ConnectorRecord = {
      id: randomUUID(),
      name,
      kind: input.kind,
      options,
      createdAt: now,
      updatedAt: now,
    };
    await this.writeSecrets(record.id, secrets);
    this.records.put(record);
    if (input.signIn !== undefined) this.signIns?.forget(input.signIn);
    return this.summaryOf(record);
  }

  /** Validates and saves a change; on refusal nothing changes. */
  async update(change: ConnectorChange): Promise<ConnectorSummary> {
    const current = this.require(change.id);
    const descriptor = this.descriptorOf(current.kind);
    const name = this.checkName(change.name, change.id);
    const options = checkOptionNames(descriptor, change.options, change.secrets);
    const secrets = { ...change.secrets, ...this.signedIn(current.kind, change.signIn, options) };
    const effective: Record<string, string> = {};
    for (const option of secretOptionNames(descriptor)) {
      const given = secrets[option];
      if (given === null || given === '') continue;
      const value = given ?? (await this.secrets.get(secretName(change.id, option)));
      if (value !== undefined) effective[option] = value;
    }
    validateOptions(descriptor, options, effective);
    const toSet = Object.entries(secrets).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
    this.checkSessionSecrets(toSet.length > 0, change.acceptSessionSecrets);
    await this.writeSecrets(change.id, Object.fromEntries(toSet));
    for (const [option, value] of Object.entries(secrets)) {
      if (value === null || value === '') await this.secrets.delete(secretName(change.id, option));
    }
    const record: ConnectorRecord = { ...current, name, options, updatedAt: Date.now() };
    this.records.put(record);
    if (change.signIn !== undefined) this.signIns?.forget(change.signIn);
    this.pending.delete(change.id);
    this.refused.delete(change.id);
    this.changed(change.id);
    return this.summaryOf(record);
  }

  /** Deletes a connector and its secrets. */
  async delete(id: string): Promise<void> {
    const record = this.require(id);
    for (const option of secretOptionNames(this.descriptorOf(record.kind))) {
      await this.secrets.delete(secretName(id, option));
    }
    this.records.remove(id);
    this.pending.delete(id);
    this.refused.delete(id);
    this.changed(id);
  }

  /**
   * Runs the driver's check, the server's identity first. A host key or certificate never confirmed stops the test
   * there ('confirm-identity'): the handshake and the steps after it wait for the user's confirmation (through
   * `trustIdentity`), they did not fail. A changed one is refused ('identity-changed'; never offered for trust).
   */
  async test(id: string, options: { readonly write?: boolean } = {}): Promise<ConnectorTest> {
    const record = this.require(id);
    const driver = await this.open(id);
    let report: CheckReport;
    try {
      report = await driver.check({ write: options.write ?? false });
    } finally {
      await driver.close().catch(() => undefined);
    }
    this.pending.delete(id);
    const refused = report.steps.find((s) => s.id === 'handshake' && s.status === 'failed' && s.fingerprint);
    const identity =
      refused?.fingerprint === undefined
        ? undefined
        : identityIssueOf(record, refused.fingerprint, (key) => this.identities.confirmed(key));
    if (identity === undefined) {
      if (report.steps.some((s) => s.id === 'handshake' && s.status === 'ok')) this.refused.delete(id);
      return { outcome: report.ok ? 'ok' : 'failed', report };
    }
    this.refused.set(id, identity);
    if (identity.problem === 'changed') return { outcome: 'identity-changed', report, identity };
    this.pending.set(id, { fingerprint: identity.fingerprint, trustKey: trustKeyOf(record) });
    return { outcome: 'confirm-identity', report: trustFirst(report, identity), identity };
  }

  /**
   * Forgets the server identity trusted for this connector: the fingerprint pinned in its options (typed in, or a
   * certificate confirmed once) and, for SFTP, the host key confirmed for its host and port (every connector to that
   * server then asks again). The next connection shows the fingerprint for confirmation.
   */
  async forgetIdentity(id: string): Promise<ConnectorSummary> {
    const record = this.require(id);
    const option = PINNED_IDENTITY_OPTION[record.kind];
    if (option === undefined) {
      throw new ConnectorInputError('NoIdentityToForget', 'This type of connector has no server identity to forget.');
    }
    this.pending.delete(id);
    this.refused.delete(id);
    if (record.kind === 'sftp') this.identities.forget(trustKeyOf(record));
    const { [option]: _forgotten, ...options } = record.options;
    const updated: ConnectorRecord = { ...record, options, updatedAt: Date.now() };
    this.records.put(updated);
    this.changed(id);
    return this.summaryOf(updated);
  }

  /**
   * Trusts the host key or certificate the last test of this connector presented for the first time: an SSH host
   * key is remembered for its host and port, a certificate is pinned in the connector's options. A fingerprint
   * other than the one shown, or a changed identity, is refused.
   */
  async trustIdentity(id: string, fingerprint: string): Promise<ConnectorSummary> {
    const record = this.require(id);
    const pending = this.pending.get(id);
    if (pending === undefined || !sameFingerprint(pending.fingerprint, fingerprint, record.kind)) {
      throw new ConnectorInputError('NoIdentityToTrust', 'Test the connector first: no new fingerprint awaits trust.');
    }
    this.pending.delete(id);
    this.refused.delete(id);
    if (record.kind === 'sftp') {
      const known = this.identities.confirmed(pending.trustKey);
      if (known !== undefined && !sameFingerprint(known, fingerprint, 'sftp')) {
        throw new ConnectorInputError('IdentityChanged', 'This server presented a different host key before.');
      }
      this.identities.confirm(pending.trustKey, pending.fingerprint);
      this.changed(id);
      return this.summaryOf(record);
    }
    const updated: ConnectorRecord = {
      ...record,
      options: { ...record.options, certificateFingerprint: pending.fingerprint },
      updatedAt: Date.now(),
    };
    this.records.put(updated);
    this.changed(id);
    return this.summaryOf(updated);
  }

  /** A new driver for one of my connectors; the caller closes it (the LocationRegistry adds the local disk). */
  async open(connectorId: string): Promise<Driver> {
    const record = this.records.get(connectorId);
    if (record === undefined) {
      throw new ConnectorError('NotFound', 'This connector no longer exists.', {
        hint: 'Choose another connector, or add it again.',
      });
    }
    const descriptor = CONNECTOR_DESCRIPTORS[requireUsableKind(this.registry, record)];
    const secrets: Record<string, string> = {};
    for (const option of secretOptionNames(descriptor)) {
      const value = await this.secrets.get(secretName(connectorId, option));
      if (value !== undefined) secrets[option] = value;
      else if ((descriptor.options as ConnectorDescriptor['options'])[option]?.required === true) {
        const label = (descriptor.options as ConnectorDescriptor['options'])[option]!.label;
        const forgotten =
          this.secrets.backend === 'session' ? ' (secrets kept for one session are forgotten when Ferry quits)' : '';
        throw new ConnectorError(
          'AuthFailed',
          `The ${label} of "${record.name}" is not stored on this computer${forgotten}.`,
          {
            hint: `Edit the connector and enter the ${label} again.`,
          },
        );
      }
    }
    // A driver that renews a credential (an OAuth refresh token) saves it in the keychain, under this connector.
    const context: DriverContext = {
      trustStore: this.identities,
      ...(this.resumeStore ? { resumeStore: this.resumeStore } : {}),
      credentials: secretStoreCredentials(record.kind, this.secrets, (option) => secretName(connectorId, option)),
    };
    const driver = await this.registry.create(
      { kind: record.kind, options: { ...record.options, ...secrets } },
      context,
    );
    if (PINNED_IDENTITY_OPTION[record.kind] === undefined) return driver;
    return watchIdentityRefusals(driver, (error) => {
      const current = this.records.get(connectorId);
      if (current === undefined) return;
      const issue = identityIssueOf(current, error.fingerprint, (key) => this.identities.confirmed(key));
      if (issue !== undefined) this.refused.set(connectorId, issue);
    });
  }

  /** When the connector's credentials expire (an Azure SAS, a certificate), read from them; null when they do not. */
  async credentialExpiry(connectorId: string): Promise<CredentialExpiry | null> {
    const record = this.records.get(connectorId);
    if (record === undefined || !isConnectorKind(record.kind)) return null;
    const values: Record<string, unknown> = { ...record.options };
    for (const option of secretOptionNames(CONNECTOR_DESCRIPTORS[record.kind])) {
      const value = await this.secrets.get(secretName(connectorId, option));
      if (value !== undefined) values[option] = value;
    }
    return credentialExpiryOf(record.kind, values);
  }

  /**
   * The OAuth client saved with one of my connectors (its options and client secret), for main's own use (a Google
   * sign-in that keeps the stored secret); never sent over IPC.
   */
  async storedClient(connectorId: string): Promise<StoredDriveClient> {
    const record = this.require(connectorId);
    const clientSecret = await this.secrets.get(secretName(connectorId, 'clientSecret'));
    return { ...record.options, ...(clientSecret === undefined ? {} : { clientSecret }) };
  }

  /** The refresh token of a form's Google sign-in, as the secret to save; none without a sign-in. */
  private signedIn(kind: string, signIn: string | undefined, options: OptionValues): Record<string, string> {
    if (signIn === undefined) return {};
    if (kind !== 'drive' || this.signIns === undefined) {
      throw new ConnectorInputError('SignInExpired', 'A Google sign-in only applies to a Google Drive connector.');
    }
    const clientId = typeof options['clientId'] === 'string' ? options['clientId'] : undefined;
    return { refreshToken: this.signIns.tokenOf(signIn, clientId) };
  }

  /** Calls `listener` with a connector's id after it changed or was deleted (drivers opened before are stale). */
  onChange(listener: (id: string) => void): () => void {
    this.events.on('change', listener);
    return () => void this.events.off('change', listener);
  }

  private changed(id: string): void {
    this.events.emit('change', id);
  }

  private require(id: string): ConnectorRecord {
    const record = this.records.get(id);
    if (record === undefined) throw new ConnectorInputError('UnknownConnector', 'This connector no longer exists.');
    return record;
  }

  private descriptorOf(kind: string): ConnectorDescriptor {
    if (!isConnectorKind(kind) || !this.registry.has(kind)) {
      throw new ConnectorInputError('UnknownKind', `This build cannot use connectors of type "${kind}".`);
    }
    return CONNECTOR_DESCRIPTORS[kind];
  }

  private checkName(name: string, id?: string): string {
    const trimmed = name.trim();
    const clash = this.records.all().find((r) => r.id !== id && r.name.toLowerCase() === trimmed.toLowerCase());
    if (clash !== undefined)
      throw new ConnectorInputError('NameTaken', `A connector named "${trimmed}" already exists.`);
    return trimmed;
  }

  private checkSessionSecrets(settingSecrets: boolean, accepted: boolean | undefined): void {
    if (settingSecrets && this.secrets.backend === 'session' && accepted !== true) {
      throw new ConnectorInputError(
        'SessionSecretsNotAccepted',
        'No keychain is available: secrets can only be kept until Ferry quits, and that was not accepted.',
      );
    }
  }

  /** Writes secrets; when one fails, removes the ones written by this call and rethrows. */
  private async writeSecrets(id: string, secrets: Readonly<Record<string, string>>): Promise<void> {
    const written: string[] = [];
    try {
      for (const [option, value] of Object.entries(secrets)) {
        await this.secrets.set(secretName(id, option), value);
        written.push(option);
      }
    } catch (error) {
      await Promise.allSettled(written.map((option) => this.secrets.delete(secretName(id, option))));
      throw error;
    }
  }

  private async summaryOf(record: ConnectorRecord): Promise<ConnectorSummary> {
    const secrets: Record<string, { hasSecret: boolean }> = {};
    if (isConnectorKind(record.kind)) {
      for (const option of secretOptionNames(CONNECTOR_DESCRIPTORS[record.kind])) {
        secrets[option] = { hasSecret: await this.secrets.has(secretName(record.id, option)) };
      }
    }
    const identity = this.identityOf(record);
    return { ...record, options: { ...record.options }, secrets, ...(identity === undefined ? {} : { identity }) };
  }

  /** What is trusted and what was refused for the connector's server; undefined for kinds without identities. */
  private identityOf(record: ConnectorRecord): ConnectorIdentity | undefined {
    if (PINNED_IDENTITY_OPTION[record.kind] === undefined) return undefined;
    const what = record.kind === 'sftp' ? 'host key' : 'certificate';
    const key = trustKeyOf(record);
    const pinned = pinnedFingerprintOf(record);
    const confirmed = record.kind === 'sftp' ? this.identities.confirmed(key) : undefined;
    const trusted =
      pinned !== undefined
        ? { fingerprint: pinned, source: 'pinned' as const }
        : confirmed !== undefined
          ? { fingerprint: confirmed, source: 'confirmed' as const }
          : undefined;
    const refused = this.refused.get(record.id);
    return {
      what,
      server: key.slice(key.indexOf(':') + 1),
      ...(trusted === undefined ? {} : { trusted }),
      ...(refused === undefined ? {} : { refused }),
    };
  }
}
