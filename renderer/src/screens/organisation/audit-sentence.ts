import type { AuditEvent } from '../../../../shared/platform';
import { auditActionKey, isKnownAuditAction } from './audit-actions';

/** Translates a key with values (i18next's `t`, or a stand-in in tests). */
export type Translate = (key: string, values?: Readonly<Record<string, string>>) => string;

/** Names the screen knows for IDs (from the members, API keys and invitations lists); undefined when not known. */
export interface AuditNames {
  readonly member: (id: string) => string | undefined;
  readonly apiKey: (id: string) => string | undefined;
  readonly invitation: (id: string) => string | undefined;
  readonly offer?: (id: string) => string | undefined;
  readonly connector?: (id: string) => string | undefined;
}

/** A name in a sentence: its words, the ID behind it (for a tooltip and copying), who or what it names. */
export interface SentenceSlot {
  readonly slot: 'actor' | 'target';
  readonly text: string;
  readonly id: string | null;
}

/** A sentence as text pieces and names, in reading order. */
export type SentenceSegment = string | SentenceSlot;

/** What the platform stores as the target ID of a refusal naming an ID of no resource of the organisation. */
export const UNKNOWN_TARGET_ID = 'unknown id';

const P = 'organisation.audit';
const MARK = '\u0001';

/** An ID short enough for a sentence (the tooltip and the ID columns show it whole). */
export function shortId(id: string): string {
  return id.length > 14 ? `${id.slice(0, 12)}…` : id;
}

/** A phrase (not a person's name or address) starts the sentence with a capital. */
function capitalised(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

/** Who acted, in words: a member's name, an API key's name, someone not signed in, or the platform. */
function actorOf(event: AuditEvent, names: AuditNames, t: Translate): { text: string; phrase: boolean } {
  const id = event.principalId;
  switch (event.principalType) {
    case 'user': {
      const name = id === null ? undefined : names.member(id);
      if (name !== undefined) return { text: name, phrase: false };
      if (event.principalLabel !== null) return { text: event.principalLabel, phrase: false };
      return { text: t(`${P}.actors.formerMember`, { id: shortId(id ?? '?') }), phrase: true };
    }
    case 'api-key': {
      const name = (id === null ? undefined : names.apiKey(id)) ?? event.principalLabel ?? shortId(id ?? '?');
      return { text: t(`${P}.actors.apiKey`, { name }), phrase: true };
    }
    case 'anonymous':
      return event.principalLabel === null
        ? { text: t(`${P}.actors.anonymous`), phrase: true }
        : { text: t(`${P}.actors.anonymousNamed`, { name: event.principalLabel }), phrase: false };
    case 'platform':
      return { text: t(`${P}.actors.platform`), phrase: true };
  }
}

const TYPED_TARGETS = new Set(['connector', 'offer', 'offer-file', 'acquisition', 'delivery', 'delivery-target']);

/**
 * What was acted on, in words: a member, key, invitation, offer or connector by its live name, else by the name the
 * platform stored with the event (it outlives a removed member), else its kind and short ID.
 */
function targetOf(event: AuditEvent, names: AuditNames, t: Translate): string {
  const { targetType: type, targetId: id } = event;
  const stored = event.targetLabel ?? undefined;
  if (type === null) return t(`${P}.targets.none`);
  if (type === 'organisation') return t(`${P}.targets.organisation`);
  if (id === null) return t(`${P}.targets.other`, { type, id: '' }).trim();
  if (id === UNKNOWN_TARGET_ID) return t(`${P}.targets.unknownId`);
  const short = shortId(id);
  switch (type) {
    case 'member':
      return names.member(id) ?? stored ?? t(`${P}.targets.member`, { id: short });
    case 'api-key': {
      const name = names.apiKey(id) ?? stored;
      return name === undefined ? t(`${P}.targets.apiKeyUnnamed`, { id: short }) : t(`${P}.targets.apiKey`, { name });
    }
    case 'invitation': {
      const name = names.invitation(id) ?? stored;
      return name === undefined
        ? t(`${P}.targets.invitationUnnamed`, { id: short })
        : t(`${P}.targets.invitation`, { name });
    }
    case 'offer':
    case 'connector': {
      const name = (type === 'offer' ? names.offer?.(id) : names.connector?.(id)) ?? stored;
      return name === undefined ? t(`${P}.targets.${type}`, { id: short }) : t(`${P}.targets.${type}Named`, { name });
    }
    default:
      return TYPED_TARGETS.has(type)
        ? t(`${P}.targets.${type}`, { id: short })
        : t(`${P}.targets.other`, { type, id: short });
  }
}

/** The sentence's template key: the action's own sentence when done, "was refused: <label>" when refused. */
function templateOf(event: AuditEvent, t: Translate): { key: string; values: Record<string, string> } {
  const hasTarget = event.targetType !== null;
  if (!isKnownAuditAction(event.action)) {
    const key =
      event.outcome === 'denied' ? (hasTarget ? 'refusedOn' : 'refused') : hasTarget ? 'unknownOn' : 'unknown';
    return { key: `${P}.${key}`, values: { action: event.action, label: event.action } };
  }
  const actionKey = auditActionKey(event.action);
  if (event.outcome === 'success') return { key: `${P}.done.${actionKey}`, values: {} };
  const label = t(`${P}.labels.${actionKey}`);
  return {
    key: `${P}.${hasTarget ? 'refusedOn' : 'refused'}`,
    values: { label: label.charAt(0).toLocaleLowerCase() + label.slice(1) },
  };
}

/**
 * An audit event as a sentence in the UI language ("Ada Admin removed Marie Curie", "Refusé à … : retirer un membre
 * (…)"), split into text and the names it holds so the screen can show each name's ID in a tooltip. Actions the
 * screen does not know get a generic sentence naming their code.
 */
export function auditSentence(event: AuditEvent, names: AuditNames, t: Translate): SentenceSegment[] {
  const actor = actorOf(event, names, t);
  const target = targetOf(event, names, t);
  const { key, values } = templateOf(event, t);
  const text = t(key, { ...values, actor: `${MARK}actor${MARK}`, target: `${MARK}target${MARK}` });
  const segments: SentenceSegment[] = [];
  const parts = text.split(new RegExp(`${MARK}(actor|target)${MARK}`));
  parts.forEach((part, index) => {
    if (index % 2 === 0) {
      if (part !== '') segments.push(segments.length === 0 ? capitalised(part) : part);
      return;
    }
    const first = segments.length === 0;
    if (part === 'actor') {
      const words = first && actor.phrase ? capitalised(actor.text) : actor.text;
      segments.push({ slot: 'actor', text: words, id: event.principalId });
    } else {
      const id = event.targetId === UNKNOWN_TARGET_ID ? null : event.targetId;
      segments.push({ slot: 'target', text: first ? capitalised(target) : target, id });
    }
  });
  return segments;
}

/** The sentence as plain text (for a row's accessible name and tests). */
export function sentenceText(segments: readonly SentenceSegment[]): string {
  return segments.map((s) => (typeof s === 'string' ? s : s.text)).join('');
}
