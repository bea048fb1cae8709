// An offer's subscription settings: defaults, the request's changes merged in, the source checked against the org.
import { and, eq } from 'drizzle-orm';
import { ConnectorError } from '../../connectors/connector-error';
import { normalizePath } from '../../connectors/path-safety';
import {
  SCAN_INTERVAL_MINUTES,
  type OfferKind,
  type SubscriptionSettings,
  type SubscriptionSettingsInput,
} from '../../shared/platform';
import { invalid } from '../connectors/connector-input';
import type { Executor } from '../db/database';
import { orgConnectors, type offers } from '../db/schema';
import { iso } from '../db/to-api';

type OfferRow = typeof offers.$inferSelect;

/** The subscription columns of an offer row. */
export type OfferSettings = Pick<
  OfferRow,
  | 'sourceType'
  | 'sourceConnectorId'
  | 'sourceFolder'
  | 'scanIntervalMinutes'
  | 'staging'
  | 'historyPolicy'
  | 'historyCount'
  | 'deliveryFrequency'
  | 'firstDeliveryAt'
>;

/** The settings of a new offer, and of a one-shot offer (all history, so a buyer gets every file). */
export const DEFAULT_SETTINGS: OfferSettings = {
  sourceType: 'none',
  sourceConnectorId: null,
  sourceFolder: null,
  scanIntervalMinutes: SCAN_INTERVAL_MINUTES.default,
  staging: false,
  historyPolicy: 'all',
  historyCount: null,
  deliveryFrequency: 'as-added',
  firstDeliveryAt: null,
};

/** The settings columns of a row. */
export function settingsOf(row: OfferRow): OfferSettings {
  const { sourceType, sourceConnectorId, sourceFolder, scanIntervalMinutes, staging } = row;
  const { historyPolicy, historyCount, deliveryFrequency, firstDeliveryAt } = row;
  return {
    sourceType,
    sourceConnectorId,
    sourceFolder,
    scanIntervalMinutes,
    staging,
    historyPolicy,
    historyCount,
    deliveryFrequency,
    firstDeliveryAt,
  };
}

/** The settings as the API shows them (null for a one-shot offer). */
export function toSubscriptionSettings(row: OfferRow): SubscriptionSettings | null {
  if (row.kind !== 'subscription') return null;
  return {
    source:
      row.sourceType === 'connector'
        ? { type: 'connector', connectorId: row.sourceConnectorId ?? '', folder: row.sourceFolder ?? '' }
        : { type: row.sourceType },
    scanIntervalMinutes: row.scanIntervalMinutes,
    staging: row.staging,
    historyPolicy:
      row.historyPolicy === 'last' ? { type: 'last', count: row.historyCount ?? 1 } : { type: row.historyPolicy },
    deliveryFrequency: row.deliveryFrequency,
    firstDeliveryAt: iso(row.firstDeliveryAt),
  };
}

const at = 'body.subscription';

/**
 * The settings an offer of `kind` gets from `current` and the request's changes. A one-shot offer has none (given
 * settings are refused). A connector source must be a connector of this organisation, read under a share lock so a
 * concurrent deletion of the connector either sees this offer or happens first; its folder is normalised by the
 * connectors' path safety ('..', absolute paths and control characters refused).
 */
export async function resolveSettings(
  db: Executor,
  orgId: string,
  kind: OfferKind,
  current: OfferSettings,
  input: SubscriptionSettingsInput | undefined,
): Promise<OfferSettings> {
  if (kind === 'one-shot') {
    if (input !== undefined) throw invalid(at, 'A one-shot offer has no subscription settings.');
    return DEFAULT_SETTINGS;
  }
  if (input === undefined) return current;
  const next: OfferSettings = { ...current };
  if (input.source !== undefined) {
    const source = input.source;
    if (source.type === 'connector') {
      const [connector] = await db
        .select({ id: orgConnectors.id })
        .from(orgConnectors)
        .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, source.connectorId)))
        .for('share');
      if (connector === undefined) {
        throw invalid(`${at}.source.connectorId`, 'No connector with this ID in this organisation.');
      }
      next.sourceType = 'connector';
      next.sourceConnectorId = source.connectorId;
      next.sourceFolder = safeFolder(source.folder);
    } else {
      next.sourceType = source.type;
      next.sourceConnectorId = null;
      next.sourceFolder = null;
    }
  }
  if (input.scanIntervalMinutes !== undefined) next.scanIntervalMinutes = input.scanIntervalMinutes;
  if (input.staging !== undefined) next.staging = input.staging;
  if (input.historyPolicy !== undefined) {
    next.historyPolicy = input.historyPolicy.type;
    next.historyCount = input.historyPolicy.type === 'last' ? input.historyPolicy.count : null;
  }
  if (input.deliveryFrequency !== undefined) next.deliveryFrequency = input.deliveryFrequency;
  if (input.firstDeliveryAt !== undefined) {
    next.firstDeliveryAt = input.firstDeliveryAt === null ? null : new Date(input.firstDeliveryAt);
  }
  return next;
}

function safeFolder(folder: string): string {
  try {
    return normalizePath(folder);
  } catch (error) {
    if (error instanceof ConnectorError) throw invalid(`${at}.source.folder`, error.message);
    throw error;
  }
}
