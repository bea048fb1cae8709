import type { FastifyInstance } from 'fastify';
import { ApiError } from './api-error';

/** Where in a request a refused string was found (the value itself is never repeated back or logged). */
export type InputPart = 'params' | 'query' | 'headers' | 'body';

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// PostgreSQL text cannot hold NUL and UTF-8 cannot hold a lone surrogate: the database would fail on them.
function badString(value: string): boolean {
  return value.includes('\u0000') || LONE_SURROGATE.test(value);
}

/** The dotted path of the first string (or object key) in `value` that no database text column can store. */
export function findBadString(value: unknown, at = '', depth = 0): string | undefined {
  if (typeof value === 'string') return badString(value) ? at || '(value)' : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const path = at === '' ? key : `${at}.${key}`;
    if (badString(key)) return at === '' ? '(key)' : `${at}.(key)`;
    const found = findBadString(item, path, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function check(part: InputPart, value: unknown): void {
  const path = findBadString(value);
  if (path === undefined) return;
  throw new ApiError('invalid_input', 'The request contains a NUL character or broken Unicode text; remove it.', {
    issues: [{ path: `${part}.${path}`, message: 'NUL characters and lone surrogates are not accepted' }],
  });
}

/**
 * Refuses, with 400 invalid_input, any NUL or lone surrogate in the path parameters, query and headers before
 * authentication or any query (register it before the access hook), and in the body before validation.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    check('params', request.params);
    check('query', request.query);
    check('headers', request.headers);
  });
  app.addHook('preValidation', async (request) => {
    check('body', request.body);
  });
}
