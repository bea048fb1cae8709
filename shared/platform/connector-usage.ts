// What uses an organisation connector, as the API returns it (in a connector and in connector_in_use refusals).
import { z } from 'zod';
import { Id } from './paging';

/** The kinds of use: an offer reading its files from it, an import running from it, an acquisition delivered to it. */
export const CONNECTOR_USAGE_KINDS = ['offer-source', 'import', 'delivery-target'] as const;
/** A kind of use of a connector. */
export type ConnectorUsageKind = (typeof CONNECTOR_USAGE_KINDS)[number];

/**
 * One use of a connector: its kind, the ID of what uses it (offer, import, delivery target) and the title of the
 * offer concerned (an acquisition shows its offer's title), so a client words it in its own language.
 */
export const ConnectorUsageSchema = z.object({ kind: z.enum(CONNECTOR_USAGE_KINDS), id: Id, title: z.string() });
/** One use of a connector. */
export type ConnectorUsage = z.infer<typeof ConnectorUsageSchema>;
