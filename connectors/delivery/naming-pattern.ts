// Naming patterns of delivery targets: where each delivered file lands under the target folder.
import { ConnectorError } from '../connector-error';
import { MAX_NAME_BYTES, nameProblem, normalizePath } from '../path-safety';

/** The tokens a naming pattern may use (see DEFAULT_NAMING_PATTERN's documentation in deliveries-api.ts). */
export const NAMING_TOKENS = ['offer', 'path', 'name', 'stem', 'ext', 'yyyy', 'mm', 'dd', 'acquisition'] as const;
/** A naming pattern token. */
export type NamingToken = (typeof NAMING_TOKENS)[number];

/** What a pattern is expanded with for one file. */
export interface NamingValues {
  readonly offerTitle: string;
  /** The file's normalised path in the offer (its last segment is its name). */
  readonly filePath: string;
  readonly acquisitionId: string;
  /** When the file became available (the date tokens, in UTC: stable across retries). */
  readonly availableAt: Date;
}

// Characters refused or troublesome on some storage (Windows, SMB, object-store consoles): replaced in titles.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_TITLE = /[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/g;

/** An offer title as one path segment: unsafe characters replaced, trimmed of spaces and dots, bounded in length. */
export function pathSafeTitle(title: string): string {
  let safe = title.replace(UNSAFE_IN_TITLE, '-').replace(/\s+/g, ' ').trim();
  safe = safe.replace(/^[.\s]+|[.\s]+$/g, '');
  while (Buffer.byteLength(safe, 'utf8') > 100) safe = safe.slice(0, -1);
  return safe === '' ? 'offer' : safe;
}

/** Splits a name into stem and extension (with its dot); a leading dot is part of the stem (`.env` has none). */
export function splitName(name: string): { readonly stem: string; readonly ext: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { stem: name, ext: '' };
  return { stem: name.slice(0, dot), ext: name.slice(dot) };
}

type Part = { readonly text: string } | { readonly token: NamingToken };

/** Why a pattern is refused, or the pattern parsed into text and tokens. */
function parse(pattern: string): { readonly ok: true; readonly parts: readonly Part[] } | { ok: false; why: string } {
  const parts: Part[] = [];
  let rest = pattern;
  while (rest.length > 0) {
    const open = rest.indexOf('{');
    const close = rest.indexOf('}');
    if (open < 0) {
      if (close >= 0) return { ok: false, why: "has a '}' without its '{'" };
      parts.push({ text: rest });
      break;
    }
    if (close >= 0 && close < open) return { ok: false, why: "has a '}' without its '{'" };
    if (open > 0) parts.push({ text: rest.slice(0, open) });
    const end = rest.indexOf('}', open);
    if (end < 0) return { ok: false, why: "has a '{' without its '}'" };
    const name = rest.slice(open + 1, end);
    if (!(NAMING_TOKENS as readonly string[]).includes(name)) {
      return {
        ok: false,
        why: `uses {${name}}, which is not a token (${NAMING_TOKENS.map((t) => `{${t}}`).join(' ')})`,
      };
    }
    parts.push({ token: name as NamingToken });
    rest = rest.slice(end + 1);
  }
  return { ok: true, parts };
}

function valueOf(token: NamingToken, values: NamingValues): string {
  const name = values.filePath.slice(values.filePath.lastIndexOf('/') + 1);
  const at = values.availableAt;
  switch (token) {
    case 'offer':
      return pathSafeTitle(values.offerTitle);
    case 'path':
      return values.filePath;
    case 'name':
      return name;
    case 'stem':
      return splitName(name).stem;
    case 'ext':
      return splitName(name).ext;
    case 'yyyy':
      return String(at.getUTCFullYear()).padStart(4, '0');
    case 'mm':
      return String(at.getUTCMonth() + 1).padStart(2, '0');
    case 'dd':
      return String(at.getUTCDate()).padStart(2, '0');
    case 'acquisition':
      return values.acquisitionId;
  }
}

/**
 * The path a pattern gives one file (relative to the target folder), checked by path safety: InvalidInput when the
 * expansion is not a safe relative path (a segment empty, '..', too long, a control character).
 */
export function expandPattern(pattern: string, values: NamingValues): string {
  const parsed = parse(pattern);
  if (!parsed.ok) throw new ConnectorError('InvalidInput', `The naming pattern ${parsed.why}.`);
  const expanded = parsed.parts.map((p) => ('text' in p ? p.text : valueOf(p.token, values))).join('');
  // normalizePath forgives one trailing '/': here that would drop an empty file name instead of refusing it.
  if (expanded === '' || expanded.split('/').some((segment) => segment === '')) {
    throw new ConnectorError('InvalidInput', `Refused path "${expanded}": it has an empty name.`);
  }
  return normalizePath(expanded);
}

// Sample values every pattern must expand safely with; titles and names are checked again at each delivery.
const SAMPLE: NamingValues = {
  offerTitle: 'Daily prices',
  filePath: '2026/12/prices.csv',
  acquisitionId: 'acq_0000000000000000000000',
  availableAt: new Date(Date.UTC(2026, 11, 6)),
};

/** Why a naming pattern is refused (unknown token, unbalanced braces, an unsafe path, no file name), or undefined. */
export function namingPatternProblem(pattern: string): string | undefined {
  const parsed = parse(pattern);
  if (!parsed.ok) return `The naming pattern ${parsed.why}.`;
  const tokens = parsed.parts.flatMap((p) => ('token' in p ? [p.token] : []));
  if (!tokens.some((t) => t === 'name' || t === 'path' || t === 'stem')) {
    return 'The naming pattern must name the file: use {name}, {path} or {stem}.';
  }
  // The text between tokens must be safe on its own: no '..', no absolute path, no control characters.
  for (const part of parsed.parts) {
    if (!('text' in part)) continue;
    for (const segment of part.text.split('/')) {
      if (segment === '') continue;
      const problem = nameProblem(segment);
      if (problem !== undefined || segment === '.' || segment === '..') {
        // JSON-quoted: a control character is shown as its escape, never sent back raw.
        const quoted = JSON.stringify(segment).replace(/\u007f/g, '\\u007f');
        return `The naming pattern's text ${quoted} ${problem ?? 'is not a folder name'}.`;
      }
    }
  }
  if (pattern.startsWith('/')) return 'The naming pattern must be relative (no leading /).';
  try {
    const sample = expandPattern(pattern, SAMPLE);
    if (sample.split('/').some((s) => Buffer.byteLength(s, 'utf8') > MAX_NAME_BYTES)) return 'A name is too long.';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}
