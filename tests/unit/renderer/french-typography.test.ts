import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// French typography: a no-break space before : ; ! ? and inside « », so a line never starts with the punctuation.
const frDir = path.resolve(__dirname, '../../../renderer/src/i18n/locales/fr');

function strings(value: unknown, key: string): Array<[string, string]> {
  if (typeof value === 'string') return [[key, value]];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${key}.${k}`));
  }
  return [];
}

const all = readdirSync(frDir)
  .filter((f) => f.endsWith('.json'))
  .flatMap((f) => strings(JSON.parse(readFileSync(path.join(frDir, f), 'utf8')), f));

/** What is wrong with a French string's spacing around : ; ! ? « », or null. */
function spacingProblem(text: string): string | null {
  if (/ [:;!?]/.test(text)) return 'a plain space before : ; ! ? (use a no-break space)';
  // Punctuation ending a clause (followed by a space or the end) glued to the word before it.
  if (/[^\s\u00a0\u202f][:;!?](\s|$)/u.test(text)) return 'no space before : ; ! ?';
  if (/«(?![\u00a0\u202f])|(?<![\u00a0\u202f])»/u.test(text)) return 'guillemets without no-break spaces inside';
  return null;
}

describe('French strings', () => {
  it('put a no-break space before : ; ! ? and inside « »', () => {
    const wrong = all.flatMap(([key, text]) => {
      const problem = spacingProblem(text);
      return problem === null ? [] : [`${key}: ${problem}: ${text}`];
    });
    expect(wrong).toEqual([]);
  });

  it('the check itself sees each mistake', () => {
    expect(spacingProblem('Que faire :')).not.toBeNull();
    expect(spacingProblem('Que faire:')).not.toBeNull();
    expect(spacingProblem('« Système »')).not.toBeNull();
    expect(spacingProblem('Que faire\u00a0: réessayez\u202f; puis « \u202fok\u202f» ?')).not.toBeNull();
    expect(spacingProblem('Que faire\u00a0: réessayez\u202f; «\u202fok\u202f»\u202f?')).toBeNull();
    expect(spacingProblem('ferry://join et 12:30')).toBeNull();
  });
});
